<?php
// Debian's php-redis (phpredis) transaction API against the server on 127.0.0.1:$argv[1]:
// multi()/exec() (MULTI ... EXEC), watch() with a competing writer (exec() returns false),
// pipelined MULTI (Redis::PIPELINE + multi), and EXECABORT after a queuing error.
// Prints one line per check; exits non-zero on the first failure.
$port = (int)$argv[1];
function check($what, $ok) {
    echo ($ok ? "ok   " : "FAIL ") . $what . "\n";
    if (!$ok) exit(1);
}
echo "phpredis " . phpversion('redis') . "\n";
$r = new Redis(); $r->connect('127.0.0.1', $port, 5);
$o = new Redis(); $o->connect('127.0.0.1', $port, 5);
$r->del('php:a', 'php:b', 'php:lock');
$r->set('php:b', 'x');
$res = $r->multi()->set('php:a', '1', ['px' => 30000])->get('php:a')->del('php:b')->exec();
check('multi/exec replies', $res === [true, '1', 1]);
check('del ran', $r->exists('php:b') === 0);
// The check-and-delete release with WATCH.
$r->set('php:lock', 'tok', ['px' => 30000]);
$r->watch('php:lock');
check('get under watch', $r->get('php:lock') === 'tok');
check('watched release', $r->multi()->del('php:lock')->exec() === [1]);
$r->set('php:lock', 'tok', ['px' => 30000]);
$r->watch('php:lock');
$o->set('php:lock', 'thief', ['px' => 30000]);
check('changed key: exec() is false', $r->multi()->del('php:lock')->exec() === false);
check('nothing deleted', $r->get('php:lock') === 'thief');
// Transaction inside a pipeline (one write).
$res = $r->multi(Redis::PIPELINE)->set('php:a', '2')->get('php:a')->exec();
check('pipelined multi', $res === [true, '2']);
// A queuing error aborts the transaction.
// (Only the unknown command is queued: phpredis 5.3.7 hangs, against redis-server too, when a
// rawCommand is mixed with other commands inside multi().)
$r->multi();
$r->rawCommand('NOSUCHCMD');
$res = $r->exec();
echo 'exec after queuing error: ' . var_export($res, true) . "\n";
// phpredis answers EXECABORT with an empty array and keeps the queuing error as last error.
check('execabort: empty result', $res === []);
check('execabort: queuing error kept', strpos((string)$r->getLastError(), 'unknown command') !== false);
echo "last error: " . var_export($r->getLastError(), true) . "\n";
$r->clearLastError();
check('connection still usable', $r->ping() == true || $r->ping() === '+PONG');
