#!/usr/bin/perl
# Debian's libredis-perl (Redis.pm) transaction API against the server on 127.0.0.1:$ARGV[0]:
# multi/exec, watch with a competing writer (exec returns undef), EXECABORT after a queuing
# error (exec dies), and the pipelined form with callbacks. One line per check; exit 1 on failure.
use strict;
use warnings;
use Redis;

my $port = $ARGV[0];
my $fail = 0;
sub check { my ($what, $ok) = @_; print(($ok ? "ok   " : "FAIL ") . "$what\n"); $fail = 1 unless $ok; }
print "Redis.pm $Redis::VERSION\n";
my $r = Redis->new(server => "127.0.0.1:$port", reconnect => 0);
my $o = Redis->new(server => "127.0.0.1:$port", reconnect => 0);
$r->del('pl:a', 'pl:b', 'pl:lock');
$r->set('pl:b', 'x');
$r->multi;
check('queued', $r->set('pl:a', '1', 'PX', 30000) eq 'QUEUED');
$r->get('pl:a');
$r->del('pl:b');
my @res = $r->exec;
check('exec replies', "@res" eq "OK 1 1");
$r->set('pl:lock', 'tok', 'PX', 30000);
$r->watch('pl:lock');
check('get under watch', $r->get('pl:lock') eq 'tok');
$r->multi; $r->del('pl:lock');
@res = $r->exec;
check('watched release', "@res" eq "1");
$r->set('pl:lock', 'tok', 'PX', 30000);
$r->watch('pl:lock');
$o->set('pl:lock', 'thief', 'PX', 30000);
$r->multi; $r->del('pl:lock');
my $res = $r->exec;
check('changed key: exec is undef', !defined $res);
check('nothing deleted', $r->get('pl:lock') eq 'thief');
$r->multi;
eval { $r->__std_cmd('NOSUCHCMD') };
my $ok = eval { $r->exec; 1 };
check('execabort dies', !$ok && $@ =~ /EXECABORT/);
check('connection usable', $r->ping eq 'PONG');
# Pipelined: callbacks, one write, replies in order.
my @got;
$r->multi(sub { push @got, $_[0] });
$r->set('pl:a', '2', sub { push @got, $_[0] });
$r->get('pl:a', sub { push @got, $_[0] });
$r->exec(sub { push @got, ref $_[0] ? scalar(@{ $_[0] }) : $_[0] });
$r->wait_all_responses;
check('pipelined multi', "@got" eq "OK QUEUED QUEUED 2");
exit $fail;
