// PROTOCOL.md §6: notifications over Socket.IO and HTTP, counts, read state, lists, durability.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, before, beforeEach, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, token, ack, collect, settle, until,
  assertFailure, assertSuccess, assertKeys, assertIso, uid, http, runCli, once, sleep,
} from './harness.mjs';

/** Asserts a Notification's exact shape and the given field values. */
function assertNotification(n, expected = {}) {
  const keys = ['id', 'title', 'message', 'type', 'createdAt', 'read', 'target'];
  if ('sender' in n) keys.push('sender');
  if ('data' in n) keys.push('data');
  assertKeys(n, keys, 'Notification');
  assert.equal(typeof n.id, 'string');
  assert.ok(n.id.length > 0);
  assert.ok(['info', 'success', 'warning', 'critical'].includes(n.type));
  assertIso(n.createdAt, 'Notification.createdAt');
  assert.equal(typeof n.read, 'boolean');
  if ('sender' in n) assertKeys(n.sender, ['id', 'name'], 'Notification.sender');
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(n[k], v, `Notification.${k}`);
}

function assertSendAck(reply, recipients) {
  assertSuccess(reply, 'notification:send');
  assertKeys(reply, ['success', 'id', 'recipients'], 'notification:send ack');
  assert.equal(typeof reply.id, 'string');
  if (recipients !== undefined) assert.equal(reply.recipients, recipients, 'recipients');
  return reply;
}

const note = (target, extra = {}) => ({ title: 'Title', message: 'Body', type: 'info', target, ...extra });

async function listAll(socket, opts = {}) {
  const r = assertSuccess(await ack(socket, 'notification:list', { limit: 100, ...opts }));
  return r.items;
}

async function count(socket) {
  const r = assertSuccess(await ack(socket, 'notification:request-count'));
  return r.count;
}

afterEach(closeSockets);
after(stopServers);

describe('§6 notification:send', () => {
  let server;
  let disp;
  let dispId;
  before(async () => {
    server = await startServer();
    dispId = uid('disp');
  });
  // the shared dispatcher is (re)connected lazily: afterEach closes every socket
  async function dispatcher() {
    if (!disp?.connected) ({ socket: disp } = await connect(server, token(dispId, 'dispatcher', { name: 'Dee Spatcher' })));
    return disp;
  }
  beforeEach(dispatcher);

  it('to users: ack {id, recipients}, notification:new with the full Notification shape', async () => {
    const alice = uid('alice');
    const { socket: a } = await connect(server, token(alice, 'viewer'));
    const newP = once(a, 'notification:new');
    const reply = assertSendAck(
      await ack(disp, 'notification:send', note({ kind: 'users', ids: [alice] }, { title: 'T1', message: 'M1', type: 'warning', data: { k: [1, 'two'] } })),
      1,
    );
    const n = await newP;
    assertNotification(n, {
      id: reply.id,
      title: 'T1',
      message: 'M1',
      type: 'warning',
      read: false,
      sender: { id: dispId, name: 'Dee Spatcher' },
      target: { kind: 'users', ids: [alice] },
      data: { k: [1, 'two'] },
    });
  });

  it('a targeted notification does not go to the `notifications` room; devices get their own', async () => {
    const devId = uid('dev');
    const { socket: dev } = await connect(server, token(devId, 'device', { vehicleId: 'veh-42' }));
    const { socket: sub } = await connect(server, token(uid('sub'), 'viewer'));
    assertSuccess(await ack(sub, 'notification:subscribe'));
    const subNew = collect(sub, 'notification:new');
    const subBc = collect(sub, 'notification:broadcast');
    const devNew = collect(dev, 'notification:new');
    const d = await dispatcher();
    const reply = assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: [devId] })), 1);
    await devNew.waitFor(1);
    assert.equal(devNew[0].id, reply.id);
    await settle([sub, dev]);
    assert.equal(subNew.length, 0, 'a subscriber that is not a recipient gets no notification:new');
    assert.equal(subBc.length, 0, 'a targeted notification is not a broadcast');
    assert.equal(devNew.length, 1);
    assert.equal((await ack(dev, 'notification:request-count')).count, 1);
  });

  it('recipients counts known users only', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const { socket: a } = await connect(server, token(alice, 'viewer'));
    const { socket: b } = await connect(server, token(bob, 'viewer'));
    b.close(); // bob stays known while offline
    const reply = assertSendAck(
      await ack(disp, 'notification:send', note({ kind: 'users', ids: [alice, bob, uid('never-seen')] })),
      2,
    );
    const list = await listAll(a);
    assert.equal(list[0].id, reply.id);
  });

  it('a targeted notification to nobody known still acks with recipients 0', async () => {
    assertSendAck(await ack(disp, 'notification:send', note({ kind: 'users', ids: [uid('ghost')] })), 0);
  });

  it('viewer, driver and device callers get forbidden', async () => {
    for (const tok of [token(uid('v'), 'viewer'), token(uid('d'), 'driver'), token(uid('dev'), 'device', { vehicleId: 'v1' })]) {
      const { socket } = await connect(server, tok);
      assertFailure(await ack(socket, 'notification:send', note({ kind: 'all' })), 'forbidden');
    }
  });

  it('admin may send (dispatcher+)', async () => {
    const { socket } = await connect(server, token(uid('adm'), 'admin'));
    assertSendAck(await ack(socket, 'notification:send', note({ kind: 'users', ids: [dispId] })), 1);
  });

  it('target validation errors are bad_request', async () => {
    const bad = [
      { kind: 'users' },
      { kind: 'users', ids: [] },
      { kind: 'users', ids: ['has space'] },
      { kind: 'users', ids: ['x'.repeat(65)] },
      { kind: 'roles' },
      { kind: 'roles', ids: ['superuser'] },
      { kind: 'all', ids: ['someone'] },
      { kind: 'everyone' },
      {},
      { kind: 'users', ids: 'alice' },
      { kind: 'users', ids: [42] },
    ];
    for (const target of bad) {
      assertFailure(await ack(disp, 'notification:send', note(target)), 'bad_request', `target ${JSON.stringify(target)}`);
    }
    for (const req of [
      { message: 'm', type: 'info', target: { kind: 'all' } },
      { title: 't', type: 'info', target: { kind: 'all' } },
      { title: 't', message: 'm', target: { kind: 'all' } },
      { title: 't', message: 'm', type: 'info' },
      { title: '', message: 'm', type: 'info', target: { kind: 'all' } },
      { title: 't', message: '', type: 'info', target: { kind: 'all' } },
      { title: 't', message: 'm', type: 'loud', target: { kind: 'all' } },
    ]) {
      assertFailure(await ack(disp, 'notification:send', req), 'bad_request', JSON.stringify(req));
    }
  });

  it('to roles: addresses users whose role is exactly one of ids; recipients counts them', async () => {
    const srv = await startServer();
    const { socket: d } = await connect(srv, token('r-disp', 'dispatcher'));
    const { socket: drv } = await connect(srv, token('r-drv1', 'driver'));
    const { socket: drv2 } = await connect(srv, token('r-drv2', 'driver'));
    const { socket: v } = await connect(srv, token('r-view', 'viewer'));
    const { socket: adm } = await connect(srv, token('r-adm', 'admin'));
    drv2.close(); // known, offline
    await until(async () => (await ack(d, 'get:online:count')).count === 4, 3000, 'r-drv2 offline');
    const got = [drv, v, adm, d].map((s) => collect(s, 'notification:new'));
    const reply = assertSendAck(await ack(d, 'notification:send', note({ kind: 'roles', ids: ['driver'] })), 2);
    await got[0].waitFor(1);
    await settle([drv, v, adm, d]);
    assert.deepEqual(got.map((g) => g.length), [1, 0, 0, 0], 'only the driver (exact role) receives it');
    const r2 = assertSendAck(await ack(d, 'notification:send', note({ kind: 'roles', ids: ['viewer', 'admin'] })), 2);
    await got[1].waitFor(1);
    await got[2].waitFor(1);
    // offline driver finds it later
    const { socket: back } = await connect(srv, token('r-drv2', 'driver'));
    const items = await listAll(back);
    assert.deepEqual(items.map((n) => n.id), [reply.id]);
    assert.ok(r2.id !== reply.id);
  });

  it('to all: notification:broadcast to every socket (anonymous, device), notification:new to subscribers', async () => {
    const srv = await startServer({ args: ['--allow-anonymous'] });
    const { socket: d } = await connect(srv, token('b-disp', 'dispatcher', { name: 'B Disp' }));
    const { socket: anon } = await connect(srv, {});
    const { socket: dev } = await connect(srv, token('b-dev', 'device', { vehicleId: 'veh-9' }));
    const { socket: sub } = await connect(srv, token('b-sub', 'viewer'));
    const { socket: plain } = await connect(srv, token('b-plain', 'driver'));
    const { socket: off } = await connect(srv, token('b-off', 'viewer'));
    off.close();
    assertSuccess(await ack(sub, 'notification:subscribe'));
    const sockets = [d, anon, dev, sub, plain];
    const bc = sockets.map((s) => collect(s, 'notification:broadcast'));
    const nw = sockets.map((s) => collect(s, 'notification:new'));
    // known users: b-disp, b-dev, b-sub, b-plain, b-off (anonymous sockets are not users)
    const reply = assertSendAck(
      await ack(d, 'notification:send', note({ kind: 'all' }, { title: 'All hands', type: 'critical' })),
      5,
    );
    await Promise.all(bc.map((c) => c.waitFor(1)));
    await nw[3].waitFor(1);
    await settle(sockets);
    assert.deepEqual(bc.map((c) => c.length), [1, 1, 1, 1, 1], 'every socket gets notification:broadcast once');
    assert.deepEqual(nw.map((c) => c.length), [0, 0, 0, 1, 0], 'only the notifications subscriber gets notification:new');
    for (const n of [...bc.map((c) => c[0]), nw[3][0]]) {
      assertNotification(n, {
        id: reply.id,
        title: 'All hands',
        type: 'critical',
        target: { kind: 'all' },
        sender: { id: 'b-disp', name: 'B Disp' },
      });
    }
    // the offline known user finds it on return
    const { socket: back } = await connect(srv, token('b-off', 'viewer'));
    assert.equal(await count(back), 1);
    assert.deepEqual((await listAll(back)).map((n) => n.id), [reply.id]);
  });

  it('a user created after a broadcast never sees it; one known before does', async () => {
    const srv = await startServer();
    const { socket: d } = await connect(srv, token('l-disp', 'dispatcher'));
    const { socket: early } = await connect(srv, token('l-early', 'viewer'));
    const reply = assertSendAck(await ack(d, 'notification:send', note({ kind: 'all' })), 2);
    const { socket: late } = await connect(srv, token('l-late', 'viewer'));
    assert.equal(await count(late), 0);
    assert.deepEqual(await listAll(late), []);
    assert.equal(await count(early), 1);
    assert.deepEqual((await listAll(early)).map((n) => n.id), [reply.id]);
  });
});

describe('§6 counts, read state and lists', () => {
  let server;
  let disp;
  before(async () => {
    server = await startServer();
  });
  afterEach(closeSockets);

  async function dispatcher() {
    if (!disp?.connected) ({ socket: disp } = await connect(server, token(uid('disp'), 'dispatcher')));
    return disp;
  }
  async function sendTo(userId, extra = {}) {
    const d = await dispatcher();
    return assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: [userId] }, extra)));
  }

  it('notification:request-count emits notification:count {count} and acks {count}', async () => {
    const me = uid('c');
    const { socket } = await connect(server, token(me, 'viewer'));
    await sendTo(me);
    await sendTo(me);
    const evP = once(socket, 'notification:count');
    const reply = assertSuccess(await ack(socket, 'notification:request-count'));
    assertKeys(reply, ['success', 'count'], 'request-count ack');
    assert.equal(reply.count, 2);
    const ev = await evP;
    assertKeys(ev, ['count'], 'notification:count');
    assert.equal(ev.count, 2);
  });

  it('request-count without an ack still emits notification:count', async () => {
    const me = uid('c');
    const { socket } = await connect(server, token(me, 'viewer'));
    await sendTo(me);
    const evP = once(socket, 'notification:count');
    socket.emit('notification:request-count');
    assert.deepEqual(await evP, { count: 1 });
  });

  it('mark-read {notificationId}: persisted, every tab gets notification:count', async () => {
    const me = uid('mr');
    const { socket: t1 } = await connect(server, token(me, 'viewer'));
    const { socket: t2 } = await connect(server, token(me, 'viewer'));
    const { socket: other } = await connect(server, token(uid('other'), 'viewer'));
    const n1 = await sendTo(me);
    await sendTo(me);
    const c1 = collect(t1, 'notification:count');
    const c2 = collect(t2, 'notification:count');
    const co = collect(other, 'notification:count');
    assertSuccess(await ack(t1, 'notification:mark-read', { notificationId: n1.id }));
    await c1.waitFor(1);
    await c2.waitFor(1);
    assert.deepEqual(c1[0], { count: 1 });
    assert.deepEqual(c2[0], { count: 1 });
    await settle([other]);
    assert.equal(co.length, 0, 'other users get no count');
    const items = await listAll(t2);
    assert.equal(items.find((n) => n.id === n1.id).read, true);
    assert.equal(items.filter((n) => !n.read).length, 1);
  });

  it('mark-read with a bare id string works the same', async () => {
    const me = uid('mrb');
    const { socket: t1 } = await connect(server, token(me, 'viewer'));
    const { socket: t2 } = await connect(server, token(me, 'viewer'));
    const n1 = await sendTo(me);
    const c2 = collect(t2, 'notification:count');
    assertSuccess(await ack(t1, 'notification:mark-read', n1.id));
    await c2.waitFor(1);
    assert.deepEqual(c2[0], { count: 0 });
    assert.equal(await count(t1), 0);
  });

  it('mark-read without an ack also updates every tab', async () => {
    const me = uid('mrn');
    const { socket: t1 } = await connect(server, token(me, 'viewer'));
    const { socket: t2 } = await connect(server, token(me, 'viewer'));
    const n1 = await sendTo(me);
    const c2 = collect(t2, 'notification:count');
    t1.emit('notification:mark-read', n1.id);
    await c2.waitFor(1);
    assert.deepEqual(c2[0], { count: 0 });
  });

  it('mark-read of someone else\'s or an unknown notification is not_found and changes nothing', async () => {
    const me = uid('mine');
    const them = uid('theirs');
    const { socket: mine } = await connect(server, token(me, 'viewer'));
    const { socket: theirs } = await connect(server, token(them, 'viewer'));
    const theirNote = await sendTo(them);
    assertFailure(await ack(mine, 'notification:mark-read', { notificationId: theirNote.id }), 'not_found');
    assertFailure(await ack(mine, 'notification:mark-read', theirNote.id), 'not_found');
    assertFailure(await ack(mine, 'notification:mark-read', { notificationId: 'no-such-id' }), 'not_found');
    assert.equal(await count(theirs), 1, 'their notification is still unread');
  });

  it('mark-all-read zeroes the count on every tab', async () => {
    const me = uid('mar');
    const { socket: t1 } = await connect(server, token(me, 'viewer'));
    const { socket: t2 } = await connect(server, token(me, 'viewer'));
    for (let i = 0; i < 3; i++) await sendTo(me);
    assert.equal(await count(t1), 3);
    const c2 = collect(t2, 'notification:count');
    assertSuccess(await ack(t1, 'notification:mark-all-read'));
    await c2.waitFor(1);
    assert.deepEqual(c2.at(-1), { count: 0 });
    assert.equal(await count(t2), 0);
    assert.ok((await listAll(t1)).every((n) => n.read === true));
    assert.deepEqual(await listAll(t1, { unreadOnly: true }), []);
  });

  it('notification:list is newest first and pages with before/nextCursor', async () => {
    const me = uid('list');
    const { socket } = await connect(server, token(me, 'viewer'));
    const sent = [];
    for (let i = 1; i <= 5; i++) sent.push((await sendTo(me, { title: `n${i}` })).id);
    const newestFirst = [...sent].reverse();

    const all = assertSuccess(await ack(socket, 'notification:list', {}));
    assertKeys(all, ['success', 'items', 'nextCursor'], 'notification:list ack');
    assert.deepEqual(all.items.map((n) => n.id), newestFirst);
    assert.deepEqual(all.items.map((n) => n.title), ['n5', 'n4', 'n3', 'n2', 'n1']);
    assert.equal(all.nextCursor, null);
    all.items.forEach((n) => assertNotification(n, { read: false, target: { kind: 'users', ids: [me] } }));
    for (let i = 1; i < all.items.length; i++) {
      assert.ok(Date.parse(all.items[i - 1].createdAt) >= Date.parse(all.items[i].createdAt), 'createdAt descending');
    }

    const seen = [];
    let before;
    let pages = 0;
    for (;;) {
      const page = assertSuccess(await ack(socket, 'notification:list', before ? { limit: 2, before } : { limit: 2 }));
      pages += 1;
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((n) => n.id));
      if (page.nextCursor === null) break;
      assert.equal(typeof page.nextCursor, 'string');
      before = page.nextCursor;
      assert.ok(pages < 10);
    }
    assert.deepEqual(seen, newestFirst);
    assert.equal(pages, 3);

    // exact multiple: 4 items at 2 per page → 2 pages, the second with nextCursor null
    assertSuccess(await ack(socket, 'notification:mark-read', sent[0]));
    const p1 = assertSuccess(await ack(socket, 'notification:list', { limit: 2, unreadOnly: true }));
    assert.deepEqual(p1.items.map((n) => n.id), [sent[4], sent[3]]);
    assert.equal(typeof p1.nextCursor, 'string');
    const p2 = assertSuccess(await ack(socket, 'notification:list', { limit: 2, unreadOnly: true, before: p1.nextCursor }));
    assert.deepEqual(p2.items.map((n) => n.id), [sent[2], sent[1]]);
    assert.equal(p2.nextCursor, null, 'nextCursor is null at the end');
  });

  it('unreadOnly lists only unread notifications', async () => {
    const me = uid('unread');
    const { socket } = await connect(server, token(me, 'viewer'));
    const a = await sendTo(me);
    const b = await sendTo(me);
    assertSuccess(await ack(socket, 'notification:mark-read', { notificationId: a.id }));
    const unread = await listAll(socket, { unreadOnly: true });
    assert.deepEqual(unread.map((n) => n.id), [b.id]);
    assert.equal(unread[0].read, false);
    const everything = await listAll(socket, { unreadOnly: false });
    assert.deepEqual(everything.map((n) => [n.id, n.read]), [[b.id, false], [a.id, true]]);
  });

  it('limit > 100 and a bad cursor are bad_request', async () => {
    const { socket } = await connect(server, token(uid('badlist'), 'viewer'));
    assertFailure(await ack(socket, 'notification:list', { limit: 101 }), 'bad_request');
    assertFailure(await ack(socket, 'notification:list', { before: 'definitely-not-a-cursor' }), 'bad_request');
    assertFailure(await ack(socket, 'notification:list', { before: '' }), 'bad_request');
  });

  it('an offline user finds a notification sent while away in list and count', async () => {
    const me = uid('away');
    const { socket: first } = await connect(server, token(me, 'viewer'));
    first.close();
    const d = await dispatcher();
    await until(async () => {
      const p = await ack(d, 'presence:list', { limit: 1000 });
      return !p.users.some((u) => u.userId === me);
    }, 3000, 'user offline');
    const sent = assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: [me] }, { title: 'While away' })), 1);
    const { socket: back } = await connect(server, token(me, 'viewer'));
    assert.equal(await count(back), 1);
    const items = await listAll(back);
    assert.equal(items.length, 1);
    assertNotification(items[0], { id: sent.id, title: 'While away', read: false });
  });
});

describe('§6 known users created by an admin', () => {
  it('a user added with `opsdeck-server user add` before start is a recipient', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-js-cli-'));
    const db = path.join(dir, 't.db');
    const add = await runCli(['user', 'add', '--id', 'cli-user', '--name', 'Cli User', '--role', 'driver', '--db', db]);
    assert.equal(add.code, 0, add.stderr);
    const server = await startServer({ db });
    const { socket: d } = await connect(server, token('k-disp', 'dispatcher'));
    assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: ['cli-user'] })), 1);
    assertSendAck(await ack(d, 'notification:send', note({ kind: 'roles', ids: ['driver'] })), 1);
    const { socket: u } = await connect(server, token('cli-user', 'driver'));
    assert.equal(await count(u), 2);
  });

  it('a user created with POST /api/users is a recipient before it ever connects', async () => {
    const server = await startServer();
    const res = await http(server, '/api/users', {
      method: 'POST', token: token('k-admin', 'admin'), body: { id: 'http-user', name: 'Http User', role: 'viewer' },
    });
    assert.ok(res.status === 200 || res.status === 201, `status ${res.status}`);
    const { socket: d } = await connect(server, token('k-disp2', 'dispatcher'));
    const sent = assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: ['http-user'] })), 1);
    const { socket: u } = await connect(server, token('http-user', 'viewer'));
    assert.equal(await count(u), 1);
    assert.deepEqual((await listAll(u)).map((n) => n.id), [sent.id]);
  });
});

describe('§6 durability', () => {
  it('notifications, counts and read state survive a restart (SIGTERM, new server, same db)', async () => {
    const s1 = await startServer();
    const { socket: d } = await connect(s1, token('dur-disp', 'dispatcher', { name: 'Dur Disp' }));
    const { socket: u } = await connect(s1, token('dur-user', 'viewer'));
    const a = assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: ['dur-user'] }, { title: 'first', data: { x: 1 } })), 1);
    const b = assertSendAck(await ack(d, 'notification:send', note({ kind: 'all' }, { title: 'second', type: 'critical' })), 2);
    const c = assertSendAck(await ack(d, 'notification:send', note({ kind: 'users', ids: ['dur-user'] }, { title: 'third' })), 1);
    assertSuccess(await ack(u, 'notification:mark-read', { notificationId: b.id }));
    const beforeList = await listAll(u);
    assert.equal(await count(u), 2);

    const disc = once(u, 'disconnect', 10_000);
    const info = await s1.stop();
    assert.deepEqual(info, { code: 0, signal: null }, 'exit code 0 after SIGTERM');
    await disc;

    const s2 = await startServer({ db: s1.db });
    const { socket: u2 } = await connect(s2, token('dur-user', 'viewer'));
    assert.equal(await count(u2), 2);
    const afterList = await listAll(u2);
    assert.deepEqual(afterList, beforeList);
    assert.deepEqual(afterList.map((n) => [n.title, n.read]), [['third', false], ['second', true], ['first', false]]);
    assertNotification(afterList[2], { id: a.id, data: { x: 1 }, sender: { id: 'dur-disp', name: 'Dur Disp' } });
    assert.equal(afterList[0].id, c.id);
    // and the restarted server still knows users: a new broadcast counts both
    const { socket: d2 } = await connect(s2, token('dur-disp', 'dispatcher'));
    assertSendAck(await ack(d2, 'notification:send', note({ kind: 'all' })), 2);
  });
});

describe('§6 HTTP notifications', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  afterEach(closeSockets);

  it('POST /api/notifications as dispatcher: {success:true, data:{id, recipients}} and delivery', async () => {
    const target = uid('ht');
    const { socket } = await connect(server, token(target, 'viewer'));
    const newP = once(socket, 'notification:new');
    const res = await http(server, '/api/notifications', {
      method: 'POST',
      token: token('http-disp', 'dispatcher', { name: 'Http Disp' }),
      body: note({ kind: 'users', ids: [target] }, { title: 'via http' }),
    });
    assert.ok(res.status === 200 || res.status === 201, `status ${res.status}: ${res.text}`);
    assertKeys(res.body, ['success', 'data'], 'HTTP envelope');
    assert.equal(res.body.success, true);
    assertKeys(res.body.data, ['id', 'recipients'], 'data');
    assert.equal(res.body.data.recipients, 1);
    const n = await newP;
    assertNotification(n, { id: res.body.data.id, title: 'via http', sender: { id: 'http-disp', name: 'Http Disp' } });
  });

  it('POST /api/notifications/broadcast reaches every socket as notification:broadcast', async () => {
    const { socket: a } = await connect(server, token(uid('hb'), 'viewer'));
    const { socket: b } = await connect(server, token(uid('hb'), 'driver'));
    const pa = once(a, 'notification:broadcast');
    const pb = once(b, 'notification:broadcast');
    const res = await http(server, '/api/notifications/broadcast', {
      method: 'POST', token: token('http-adm', 'admin'), body: { title: 'Broadcast', message: 'to all', type: 'warning' },
    });
    assert.ok(res.status === 200 || res.status === 201, `status ${res.status}: ${res.text}`);
    assert.equal(res.body.success, true);
    assertKeys(res.body.data, ['id', 'recipients'], 'data');
    assert.ok(res.body.data.recipients >= 2);
    const [na, nb] = await Promise.all([pa, pb]);
    assertNotification(na, { id: res.body.data.id, title: 'Broadcast', type: 'warning', target: { kind: 'all' } });
    assert.deepEqual(na, nb);
  });

  it('viewer → 403 forbidden, no token → 401 unauthorized, bad token → 401, bad body → 400', async () => {
    const bodies = {
      '/api/notifications': note({ kind: 'all' }),
      '/api/notifications/broadcast': { title: 'Title', message: 'Body', type: 'info' },
    };
    for (const [path, body] of Object.entries(bodies)) {
      const viewer = await http(server, path, { method: 'POST', token: token(uid('hv'), 'viewer'), body });
      assert.equal(viewer.status, 403, `${path} viewer`);
      assertFailure(viewer.body, 'forbidden', `${path} viewer body`);

      const none = await http(server, path, { method: 'POST', body });
      assert.equal(none.status, 401, `${path} no token`);
      assertFailure(none.body, 'unauthorized', `${path} no token body`);

      const badTok = await http(server, path, { method: 'POST', body, headers: { authorization: 'Bearer nope.nope.nope' } });
      assert.equal(badTok.status, 401, `${path} bad token`);
      assertFailure(badTok.body, 'unauthorized');

      for (const bad of ['{not json', JSON.stringify({ title: 'x' }), JSON.stringify({ title: '', message: 'm', type: 'info', target: { kind: 'all' } })]) {
        const res = await http(server, path, { method: 'POST', token: token('hd', 'dispatcher'), body: bad });
        assert.equal(res.status, 400, `${path} bad body ${bad}: ${res.text}`);
        assertFailure(res.body, 'bad_request', `${path} bad body`);
      }
    }
    const badTarget = await http(server, '/api/notifications', {
      method: 'POST', token: token('hd', 'dispatcher'), body: note({ kind: 'roles', ids: ['wizard'] }),
    });
    assert.equal(badTarget.status, 400);
    assertFailure(badTarget.body, 'bad_request');
  });
});
