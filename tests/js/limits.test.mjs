// PROTOCOL.md §10: packet size, rooms per socket, rate limit.

import { describe, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, token, ack, collect, once, settle,
  assertFailure, assertSuccess, assertErrorEvent, sleep, until,
} from './harness.mjs';

afterEach(closeSockets);
after(stopServers);

describe('§10 packet size limit', () => {
  it('a client→server packet over --max-packet-bytes closes that client only', async () => {
    const server = await startServer({ args: ['--max-packet-bytes', '4096'] });
    const { socket: big } = await connect(server, token('pk-big', 'viewer'));
    const { socket: other } = await connect(server, token('pk-other', 'viewer'));
    const { socket: obs } = await connect(server, token('pk-obs', 'viewer'));
    assertSuccess(await ack(obs, 'presence:subscribe'));
    const otherDisc = collect(other, 'disconnect');

    // under the limit: fine
    const small = await ack(big, 'notification:list', { before: 'x'.repeat(2000) });
    assert.equal(small.success, false, 'a 2 KB bogus cursor is refused as bad input, not by closing');
    assert.ok(big.connected);

    const discP = once(big, 'disconnect', 5000);
    const offlineP = once(obs, 'user:offline', 5000, (p) => p.userId === 'pk-big');
    big.emit('notification:list', { before: 'y'.repeat(10 * 1024) });
    const reason = await discP;
    assert.ok(['transport close', 'transport error', 'io server disconnect'].includes(reason), `reason ${reason}`);
    await offlineP; // the server saw that socket go

    assert.ok(other.connected, 'the other client stays connected');
    assertSuccess(await ack(other, 'get:online:count'));
    assert.equal((await ack(other, 'get:online:count')).count, 2);
    await settle(other);
    assert.equal(otherDisc.length, 0);
  });

  it('server→client packets have no such limit', async () => {
    const server = await startServer({ args: ['--max-packet-bytes', '4096'] });
    const { socket: rx } = await connect(server, token('pk-rx', 'viewer'));
    const { socket: d } = await connect(server, token('pk-disp', 'dispatcher'));
    const newP = once(rx, 'notification:new');
    // the request itself stays under 4 KB; the stored list returned to rx is much bigger
    const msg = 'z'.repeat(3500);
    for (let i = 0; i < 4; i++) {
      assertSuccess(await ack(d, 'notification:send', { title: `t${i}`, message: msg, type: 'info', target: { kind: 'users', ids: ['pk-rx'] } }));
    }
    await newP;
    const list = assertSuccess(await ack(rx, 'notification:list', { limit: 10 }));
    assert.equal(list.items.length, 4);
    assert.ok(rx.connected);
  });
});

describe('§10 rooms per socket', () => {
  it('--max-rooms-per-socket 1: presence:subscribe ok, then notification:subscribe → too_large', async () => {
    const server = await startServer({ args: ['--max-rooms-per-socket', '1'] });
    const { socket } = await connect(server, token('rooms-1', 'viewer'));
    assertSuccess(await ack(socket, 'presence:subscribe'));
    assertFailure(await ack(socket, 'notification:subscribe'), 'too_large');
    // without an ack: `error` event
    const errP = once(socket, 'error');
    socket.emit('notification:subscribe');
    assertErrorEvent(await errP, 'notification:subscribe', 'too_large');
    // identity rooms are not counted, the socket still gets its own notifications
    const { socket: d } = await connect(server, token('rooms-d', 'dispatcher'));
    const newP = once(socket, 'notification:new');
    assertSuccess(await ack(d, 'notification:send', { title: 't', message: 'm', type: 'info', target: { kind: 'users', ids: ['rooms-1'] } }));
    await newP;
    // a second socket has its own budget
    const { socket: s2 } = await connect(server, token('rooms-2', 'viewer'));
    assertSuccess(await ack(s2, 'notification:subscribe'));
    assert.ok(socket.connected);
  });
});

describe('§10 rate limit', () => {
  it('--rate-limit 5 --rate-burst 5: a burst of 20 gets some rate_limited, others ok; other sockets unaffected', async () => {
    const server = await startServer({ args: ['--rate-limit', '5', '--rate-burst', '5'] });
    const { socket: flood } = await connect(server, token('rl-flood', 'viewer'));
    const { socket: calm } = await connect(server, token('rl-calm', 'viewer'));
    const replies = await Promise.all(Array.from({ length: 20 }, () => ack(flood, 'get:online:count')));
    const ok = replies.filter((r) => r.success === true);
    const limited = replies.filter((r) => r.success === false);
    for (const r of ok) assert.equal(r.count, 2);
    for (const r of limited) assertFailure(r, 'rate_limited');
    assert.ok(ok.length >= 5, `at least the burst succeeds (${ok.length} ok)`);
    assert.ok(limited.length >= 10, `most of the flood is rate_limited (${limited.length} limited)`);
    assert.equal(ok.length + limited.length, 20);

    // another socket is unaffected
    assertSuccess(await ack(calm, 'get:online:count'));
    // the flooding socket is not disconnected and recovers
    assert.ok(flood.connected);
    await sleep(1100);
    assertSuccess(await ack(flood, 'get:online:count'));
  });

  it('rate_limited without an ack is an `error` event', async () => {
    const server = await startServer({ args: ['--rate-limit', '5', '--rate-burst', '5'] });
    const { socket } = await connect(server, token('rl-noack', 'viewer'));
    const errors = collect(socket, 'error');
    for (let i = 0; i < 15; i++) socket.emit('get:online:count');
    await errors.waitFor(1);
    assertErrorEvent(errors[0], 'get:online:count', 'rate_limited');
    assert.ok(socket.connected);
  });
});

describe('§10 send buffer', () => {
  it('a client that stops reading is disconnected (--send-buffer 16); others are unaffected', async () => {
    const server = await startServer({ args: ['--send-buffer', '16'] });
    const { socket: slow } = await connect(server, token('sb-slow', 'viewer'));
    const { socket: d } = await connect(server, token('sb-disp', 'dispatcher'));
    assertSuccess(await ack(d, 'presence:subscribe'));
    const msg = 'q'.repeat(4000);
    for (let i = 0; i < 100; i++) {
      assertSuccess(await ack(d, 'notification:send', { title: `t${i}`, message: msg, type: 'info', target: { kind: 'users', ids: ['sb-slow'] } }));
    }
    const offline = once(d, 'user:offline', 20_000, (x) => x.userId === 'sb-slow');
    // Stop reading at the TCP level; keep asking for ~400 KB replies (far beyond the buffer
    // and the kernel's socket buffers).
    const raw = slow.io.engine.transport.ws._socket;
    raw.pause();
    try {
      for (let i = 0; i < 60; i++) {
        slow.emit('notification:list', { limit: 100 }, () => {});
        await sleep(10);
      }
      // meanwhile the server keeps serving everyone else promptly
      const t0 = Date.now();
      assertSuccess(await ack(d, 'get:online:count'));
      assert.ok(Date.now() - t0 < 1000, 'other sockets are served while one client stalls');
      await offline; // the server dropped the stalled client
      assertSuccess(await ack(d, 'get:online:count'));
      assert.equal((await ack(d, 'get:online:count')).count, 1);
    } finally {
      const disc = once(slow, 'disconnect', 10_000).catch(() => {});
      raw.resume();
      await disc;
    }
  });
});
