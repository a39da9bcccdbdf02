// PROTOCOL.md §2: acks, failures, the `error` event, list caps, robustness against bad input.

import { describe, before, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, token, once, ack, collect, settle,
  assertFailure, assertSuccess, assertErrorEvent, uid, http,
} from './harness.mjs';

describe('§2 replies and errors', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  afterEach(closeSockets);
  after(stopServers);

  it('every event of §3/§6 acks {success: true, ...} on success', async () => {
    const me = uid('ok');
    const { socket } = await connect(server, token(me, 'dispatcher'));
    for (const [event, payload] of [
      ['presence:subscribe', undefined],
      ['presence:list', {}],
      ['get:online:count', undefined],
      ['notification:subscribe', undefined],
      ['notification:request-count', undefined],
      ['notification:mark-all-read', undefined],
      ['notification:list', {}],
      ['notification:send', { title: 'self', message: 'to me', type: 'success', target: { kind: 'users', ids: [me] } }],
    ]) {
      const reply = payload === undefined ? await ack(socket, event) : await ack(socket, event, payload);
      assertSuccess(reply, event);
      assert.ok(!('error' in reply), `${event}: a success has no error field`);
    }
  });

  it('a failure acks {success: false, error: {code, message}}', async () => {
    const { socket } = await connect(server, token(uid('viewer'), 'viewer'));
    const reply = await ack(socket, 'notification:send', {
      title: 'nope', message: 'viewer cannot send', type: 'info', target: { kind: 'all' },
    });
    assertFailure(reply, 'forbidden');
  });

  it('without an ack callback a failure is emitted as `error` {event, code, message}', async () => {
    const { socket } = await connect(server, token(uid('viewer'), 'viewer'));
    const errP = once(socket, 'error');
    socket.emit('notification:send', { title: 'nope', message: 'x', type: 'info', target: { kind: 'all' } });
    assertErrorEvent(await errP, 'notification:send', 'forbidden');

    const errP2 = once(socket, 'error');
    socket.emit('presence:list', { limit: 1001 });
    assertErrorEvent(await errP2, 'presence:list', 'bad_request');

    const errP3 = once(socket, 'error');
    socket.emit('notification:mark-read', { notificationId: 'does-not-exist' });
    assertErrorEvent(await errP3, 'notification:mark-read', 'not_found');
  });

  it('a failure with an ack callback does not also emit `error`', async () => {
    const { socket } = await connect(server, token(uid('viewer'), 'viewer'));
    const errors = collect(socket, 'error');
    assertFailure(await ack(socket, 'presence:list', { limit: 5000 }), 'bad_request');
    await settle(socket);
    assert.equal(errors.length, 0);
  });

  it('a success without an ack callback emits nothing (no `error`)', async () => {
    const { socket } = await connect(server, token(uid('viewer'), 'viewer'));
    const errors = collect(socket, 'error');
    socket.emit('presence:list', {});
    socket.emit('get:online:count');
    await settle(socket);
    assert.equal(errors.length, 0);
  });

  it('a list `limit` above its cap is bad_request; at the cap it succeeds', async () => {
    const { socket } = await connect(server, token(uid('lim'), 'viewer'));
    assertFailure(await ack(socket, 'presence:list', { limit: 1001 }), 'bad_request', 'presence:list 1001');
    assertSuccess(await ack(socket, 'presence:list', { limit: 1000 }), 'presence:list 1000');
    assertFailure(await ack(socket, 'presence:subscribe', { limit: 1001 }), 'bad_request', 'presence:subscribe 1001');
    assertFailure(await ack(socket, 'notification:list', { limit: 101 }), 'bad_request', 'notification:list 101');
    assertSuccess(await ack(socket, 'notification:list', { limit: 100 }), 'notification:list 100');
  });

  it('malformed payloads are bad_request and never disconnect the sender or anyone else', async () => {
    const me = uid('fuzz');
    const { socket } = await connect(server, token(me, 'dispatcher'));
    const { socket: other } = await connect(server, token(uid('bystander'), 'viewer'));
    const otherDisc = collect(other, 'disconnect');
    const myDisc = collect(socket, 'disconnect');
    const bad = [
      ['notification:send', null],
      ['notification:send', 42],
      ['notification:send', 'a string'],
      ['notification:send', [1, 2, 3]],
      ['notification:send', { title: 'x' }],
      ['notification:send', { title: 'x', message: 'y', type: 'fatal', target: { kind: 'all' } }],
      ['notification:send', { title: 'x', message: 'y', type: 'info', target: { kind: 'everyone' } }],
      ['notification:send', { title: 'x', message: 'y', type: 'info', target: 'all' }],
      ['notification:send', { title: 7, message: 'y', type: 'info', target: { kind: 'all' } }],
      ['notification:list', { limit: -1 }],
      ['notification:list', { limit: 'ten' }],
      ['notification:list', { before: 12345 }],
      ['notification:list', { limit: 1e300 }],
      ['notification:mark-read', { notificationId: { nested: true } }],
      ['notification:mark-read', 12],
      ['notification:mark-read', null],
      ['presence:list', { limit: 'x' }],
      ['presence:list', { after: ['a'] }],
      ['presence:list', 'oops'],
    ];
    for (const [event, payload] of bad) {
      const reply = await ack(socket, event, payload);
      assertFailure(reply, 'bad_request', `${event} ${JSON.stringify(payload)}`);
    }
    assert.ok(socket.connected, 'sender still connected');
    assert.ok(other.connected, 'bystander still connected');
    assertSuccess(await ack(socket, 'get:online:count'));
    assertSuccess(await ack(other, 'get:online:count'));
    assert.equal(myDisc.length + otherDisc.length, 0);
  });

  it('an invalid notification writes nothing (no partial data)', async () => {
    const target = uid('target');
    const { socket: t } = await connect(server, token(target, 'viewer'));
    const { socket: d } = await connect(server, token(uid('disp'), 'dispatcher'));
    const news = collect(t, 'notification:new');
    // one valid id and one invalid id: the whole request must be refused
    assertFailure(
      await ack(d, 'notification:send', {
        title: 'partial', message: 'm', type: 'info', target: { kind: 'users', ids: [target, 'bad id with spaces!'] },
      }),
      'bad_request',
    );
    assertFailure(
      await ack(d, 'notification:send', { title: '', message: 'm', type: 'info', target: { kind: 'users', ids: [target] } }),
      'bad_request',
    );
    await settle([t, d]);
    assert.equal(news.length, 0);
    const list = assertSuccess(await ack(t, 'notification:list', {}));
    assert.deepEqual(list.items, []);
    assert.equal(list.nextCursor, null);
    assert.equal(assertSuccess(await ack(t, 'notification:request-count')).count, 0);
  });

  it('HTTP errors use the {success:false, error:{code,message}} envelope; unknown paths are 404', async () => {
    const res = await http(server, '/api/does-not-exist', { token: token(uid('a'), 'admin') });
    assert.equal(res.status, 404);
    assertFailure(res.body, 'not_found', 'HTTP 404 body');
  });
});
