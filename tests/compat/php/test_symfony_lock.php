<?php
// Symfony Lock's RedisStore (Debian php-symfony-lock 5.4) against locknode, through both PHP
// clients it supports: php-redis (\Redis) and predis (Predis\Client). RedisStore keeps a lock in a
// sorted set (its save script: TYPE, TIME, ZREMRANGEBYSCORE, ZSCORE, ZCOUNT, ZADD, ZREVRANGE
// WITHSCORES, PEXPIREAT), so this fails on a server without sorted sets.
// Checked: acquire, conflict, refresh, release, expiry, and shared (read) locks.
//
// Starts its own server: $LOCKNODE_BINARY (ctest sets it), or redis-server when
// LOCKNODE_COMPAT_SERVER=redis (the test must pass there too). Exit 0 on success.

require_once '/usr/share/php/Symfony/Component/Lock/autoload.php';
require_once '/usr/share/php/Predis/Autoloader.php';
Predis\Autoloader::register();

use Symfony\Component\Lock\Key;
use Symfony\Component\Lock\LockFactory;
use Symfony\Component\Lock\Store\RedisStore;

$failures = 0;
function check(bool $ok, string $what): void {
    global $failures;
    echo ($ok ? "ok   " : "FAIL ") . $what . "\n";
    if (!$ok) $failures++;
}

function free_port(): int {
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $name = stream_socket_get_name($s, false);
    fclose($s);
    return (int) substr($name, strrpos($name, ':') + 1);
}

function start_server(): array {
    $port = free_port();
    if (getenv('LOCKNODE_COMPAT_SERVER') === 'redis') {
        $cmd = ['redis-server', '--port', (string) $port, '--save', '', '--appendonly', 'no'];
    } else {
        $bin = getenv('LOCKNODE_BINARY');
        if (!$bin || !is_executable($bin)) {
            fwrite(STDERR, "*** MISSING REQUIRED DEPENDENCY: LOCKNODE_BINARY not set; run through ctest ***\n");
            exit(1);
        }
        $cmd = [$bin, '--port', (string) $port];
    }
    $proc = proc_open($cmd, [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
    for ($i = 0; $i < 100; $i++) {
        $c = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
        if ($c) { fclose($c); return [$proc, $port]; }
        usleep(50000);
    }
    fwrite(STDERR, "server did not start on port $port\n");
    exit(1);
}

function run_suite(string $client_name, $client): void {
    $store = new RedisStore($client);
    $factory = new LockFactory($store);
    $res = "symfony-$client_name";

    $a = $factory->createLock($res, 10.0, false);
    $b = $factory->createLock($res, 10.0, false);
    check($a->acquire() === true, "$client_name: acquire");
    check($a->isAcquired(), "$client_name: isAcquired");
    check($b->acquire() === false, "$client_name: a second lock on the resource is refused");
    check($b->isAcquired() === false, "$client_name: the refused lock is not acquired");
    $a->refresh(20.0);
    $left = $a->getRemainingLifetime();
    check($left > 10.0 && $left <= 20.0, "$client_name: refresh to 20 s (remaining $left)");
    $a->release();
    check($a->isAcquired() === false, "$client_name: released");
    check($b->acquire() === true, "$client_name: the other lock gets it after release");
    $b->release();

    // Expiry: a short TTL and no refresh.
    $short = $factory->createLock("$res-ttl", 0.3, false);
    check($short->acquire() === true, "$client_name: acquire with a 0.3 s TTL");
    $other = $factory->createLock("$res-ttl", 10.0, false);
    check($other->acquire() === false, "$client_name: held before the TTL passes");
    usleep(600000);
    check($short->isExpired(), "$client_name: expired after its TTL");
    check($other->acquire() === true, "$client_name: acquired after the first one expired");
    $other->release();

    // Shared locks: readers together, a writer waits for none of them to hold it.
    $r1 = $factory->createLock("$res-rw", 10.0, false);
    $r2 = $factory->createLock("$res-rw", 10.0, false);
    $w = $factory->createLock("$res-rw", 10.0, false);
    check($r1->acquireRead() === true, "$client_name: first reader");
    check($r2->acquireRead() === true, "$client_name: second reader shares it");
    check($w->acquire() === false, "$client_name: a writer is refused while readers hold it");
    $r1->release();
    $r2->release();
    check($w->acquire() === true, "$client_name: the writer gets it once the readers left");
    $w->release();

    // A blocking acquire waits for a release (RedisStore polls; no server-side blocking).
    $holder = $factory->createLock("$res-wait", 0.5, false);
    check($holder->acquire() === true, "$client_name: holder for the blocking acquire");
    $waiter = $factory->createLock("$res-wait", 10.0, false);
    $t = microtime(true);
    check($waiter->acquire(true) === true, "$client_name: blocking acquire succeeds");
    $waited = microtime(true) - $t;
    check($waited >= 0.2, "$client_name: ... only after the holder's TTL (waited $waited s)");
    $waiter->release();
}

[$proc, $port] = start_server();
try {
    $redis = new \Redis();
    $redis->connect('127.0.0.1', $port);
    run_suite('php-redis', $redis);
    $predis = new Predis\Client(['host' => '127.0.0.1', 'port' => $port]);
    run_suite('predis', $predis);
} catch (\Throwable $e) {
    check(false, 'exception: ' . get_class($e) . ': ' . $e->getMessage());
} finally {
    proc_terminate($proc);
    proc_close($proc);
}
echo $failures === 0 ? "all passed\n" : "$failures failed\n";
exit($failures === 0 ? 0 : 1);
