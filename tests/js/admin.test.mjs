// PROTOCOL.md §8: the /admin namespace and the operations HTTP endpoints.

import { describe, before, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, connectAdmin, connectRefused, token,
  ack, collect, once, until, settle, assertFailure, assertSuccess, assertKeys, assertIso, uid, http,
} from './harness.mjs';

const STATS_KEYS = ['connections', 'users', 'rooms', 'eventsInPerSec', 'eventsOutPerSec', 'bytesOutPerSec', 'rssBytes', 'uptimeS', 'nodes'];
const SOCKET_KEYS = ['socketId', 'userId', 'name', 'role', 'connectedAt', 'transport', 'rooms', 'remoteAddr', 'node'];

function assertStats(s) {
  assertKeys(s, STATS_KEYS, 'stats');
  for (const k of STATS_KEYS) {
    assert.equal(typeof s[k], 'number', `stats.${k} is a number`);
    assert.ok(Number.isFinite(s[k]) && s[k] >= 0, `stats.${k} ≥ 0`);
  }
  assert.ok(Number.isInteger(s.nodes) && s.nodes >= 1, 'stats.nodes is a count');
  assert.ok(s.rssBytes > 0, 'rssBytes > 0');
}

function assertSocketInfo(s) {
  assertKeys(s, SOCKET_KEYS, 'sockets:list item');
  for (const k of ['socketId', 'userId', 'name', 'role', 'transport', 'remoteAddr', 'node']) {
    assert.equal(typeof s[k], 'string', `socket.${k} is a string`);
  }
  assertIso(s.connectedAt, 'socket.connectedAt');
  assert.ok(Array.isArray(s.rooms));
  s.rooms.forEach((r) => assert.equal(typeof r, 'string'));
}

afterEach(closeSockets);
after(stopServers);

describe('§8 /admin namespace', () => {
  let server;
  before(async () => {
    server = await startServer();
  });

  it('an admin token connects; dispatcher/viewer get connect_error "forbidden..."; no token → Authentication error', async () => {
    const admin = await connectAdmin(server, token(uid('adm'), 'admin'));
    assert.ok(admin.connected);
    for (const role of ['dispatcher', 'driver', 'viewer']) {
      const err = await connectRefused(server, token(uid(role), role), { nsp: '/admin' });
      assert.ok(err.message.startsWith('forbidden'), `${role}: connect_error should start with "forbidden", got ${JSON.stringify(err.message)}`);
    }
    const dev = await connectRefused(server, token(uid('dev'), 'device', { vehicleId: 'v' }), { nsp: '/admin' });
    assert.ok(dev.message.startsWith('forbidden'), dev.message);
    const none = await connectRefused(server, {}, { nsp: '/admin' });
    assert.ok(none.message.startsWith('Authentication error:'), none.message);
  });

  it('stats:subscribe → `stats` about once per second with every field', async () => {
    const { socket: main } = await connect(server, token(uid('statmain'), 'viewer'));
    const admin = await connectAdmin(server, token(uid('adm'), 'admin'));
    const stats = collect(admin, 'stats');
    const reply = assertSuccess(await ack(admin, 'stats:subscribe'));
    const t0 = Date.now();
    await stats.waitFor(2, 3500);
    stats.forEach(assertStats);
    const s = stats.at(-1);
    assert.ok(s.connections >= 1, 'counts the main-namespace socket');
    assert.ok(s.users >= 1);
    assert.ok(s.rooms >= 2, 'at least user:… and role:… rooms');
    assert.equal(s.nodes, 1);
    const gap = stats.times[1] - stats.times[0];
    assert.ok(gap >= 500 && gap <= 1600, `stats about every second (gap ${gap} ms)`);
    assert.ok(stats.times[0] - t0 <= 1600, 'first stats within ~1 s');
    assert.ok(reply.success);
    assert.ok(main.connected);
  });

  it('sockets:list has every field and pages by `after` in connectedAt order', async () => {
    const srv = await startServer();
    const ids = ['sl-a', 'sl-b', 'sl-c'];
    const sockets = [];
    for (const id of ids) sockets.push((await connect(srv, token(id, 'driver', { name: `Name ${id}` }))).socket);
    const admin = await connectAdmin(srv, token('sl-admin', 'admin'));
    const full = assertSuccess(await ack(admin, 'sockets:list', {}));
    assertKeys(full, ['success', 'sockets', 'nextCursor'], 'sockets:list ack');
    assert.equal(full.nextCursor, null);
    full.sockets.forEach(assertSocketInfo);
    assert.deepEqual(full.sockets.map((s) => s.socketId), sockets.map((s) => s.id), 'main-namespace sockets in connection order');
    const a = full.sockets[0];
    assert.equal(a.userId, 'sl-a');
    assert.equal(a.name, 'Name sl-a');
    assert.equal(a.role, 'driver');
    assert.equal(a.transport, 'websocket');
    assert.ok(a.rooms.includes('user:sl-a'), `rooms ${a.rooms}`);
    assert.ok(a.rooms.includes('role:driver'), `rooms ${a.rooms}`);
    assert.match(a.remoteAddr, /127\.0\.0\.1/);
    for (let i = 1; i < full.sockets.length; i++) {
      assert.ok(Date.parse(full.sockets[i - 1].connectedAt) <= Date.parse(full.sockets[i].connectedAt));
    }

    const p1 = assertSuccess(await ack(admin, 'sockets:list', { limit: 2 }));
    assert.deepEqual(p1.sockets.map((s) => s.socketId), [sockets[0].id, sockets[1].id]);
    assert.equal(p1.nextCursor, sockets[1].id, 'nextCursor is the last socketId');
    const p2 = assertSuccess(await ack(admin, 'sockets:list', { limit: 2, after: p1.nextCursor }));
    assert.deepEqual(p2.sockets.map((s) => s.socketId), [sockets[2].id]);
    assert.equal(p2.nextCursor, null);
    assertFailure(await ack(admin, 'sockets:list', { limit: 1001 }), 'bad_request');
    assertSuccess(await ack(admin, 'sockets:list', { limit: 1000 }));
  });

  it('socket:disconnect kicks one main-namespace socket; unknown id → not_found', async () => {
    const { socket: victim } = await connect(server, token(uid('victim'), 'viewer'));
    const { socket: other } = await connect(server, token(uid('bystander'), 'viewer'));
    const admin = await connectAdmin(server, token(uid('adm'), 'admin'));
    const victimId = victim.id;
    const discP = once(victim, 'disconnect');
    assertSuccess(await ack(admin, 'socket:disconnect', { socketId: victimId }));
    const reason = await discP;
    assert.equal(reason, 'io server disconnect');
    assert.ok(other.connected);
    assertSuccess(await ack(other, 'get:online:count'));
    assertFailure(await ack(admin, 'socket:disconnect', { socketId: 'AAAAAAAAAAAAAAAAAAAA' }), 'not_found');
    assertFailure(await ack(admin, 'socket:disconnect', { socketId: victimId }), 'not_found', 'already gone');
    assertFailure(await ack(admin, 'socket:disconnect', {}), 'bad_request');
  });

  it('sockets:disconnect-all disconnects every socket but the caller', async () => {
    const srv = await startServer();
    const mains = [];
    for (let i = 0; i < 3; i++) mains.push((await connect(srv, token(`da-${i}`, 'viewer'))).socket);
    const other = await connectAdmin(srv, token('da-admin2', 'admin'));
    const admin = await connectAdmin(srv, token('da-admin', 'admin'));
    const discs = [...mains, other].map((s) => once(s, 'disconnect'));
    assertSuccess(await ack(admin, 'sockets:disconnect-all'));
    const reasons = await Promise.all(discs);
    reasons.forEach((r) => assert.equal(r, 'io server disconnect'));
    await settle([]);
    assert.ok(admin.connected, 'the calling socket stays connected');
    const list = assertSuccess(await ack(admin, 'sockets:list', {}));
    assert.deepEqual(list.sockets, []);
  });

  it('rooms:list → {rooms: [{name, size}]}', async () => {
    const srv = await startServer();
    const { socket: a1 } = await connect(srv, token('rl-alice', 'driver'));
    await connect(srv, token('rl-alice', 'driver'));
    await connect(srv, token('rl-bob', 'driver'));
    assertSuccess(await ack(a1, 'presence:subscribe'));
    const admin = await connectAdmin(srv, token('rl-admin', 'admin'));
    const reply = assertSuccess(await ack(admin, 'rooms:list'));
    assertKeys(reply, ['success', 'rooms'], 'rooms:list ack');
    reply.rooms.forEach((r) => {
      assertKeys(r, ['name', 'size'], 'room');
      assert.equal(typeof r.name, 'string');
      assert.equal(typeof r.size, 'number');
    });
    const size = (name) => reply.rooms.find((r) => r.name === name)?.size;
    assert.equal(size('user:rl-alice'), 2);
    assert.equal(size('user:rl-bob'), 1);
    assert.equal(size('role:driver'), 3);
    assert.equal(size('presence'), 1);
  });

  it('admin events from a non-admin on the main namespace do nothing privileged', async () => {
    const { socket: victim } = await connect(server, token(uid('v2'), 'viewer'));
    const { socket: evil } = await connect(server, token(uid('evil'), 'dispatcher'));
    const disc = collect(victim, 'disconnect');
    evil.emit('socket:disconnect', { socketId: victim.id });
    evil.emit('sockets:disconnect-all');
    await settle([victim, evil]);
    assert.equal(disc.length, 0);
    assert.ok(victim.connected);
  });
});

describe('§8 HTTP operations', () => {
  let server;
  before(async () => {
    server = await startServer();
  });

  it('GET /api/health → {status: "ok"} without a token', async () => {
    const res = await http(server, '/api/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('GET /api/socket/health → {status, socket: {initialized, connected, rooms}}', async () => {
    await connect(server, token(uid('sh'), 'viewer'));
    await connect(server, token(uid('sh'), 'viewer'));
    const res = await http(server, '/api/socket/health');
    assert.equal(res.status, 200);
    assertKeys(res.body, ['status', 'socket'], 'socket health');
    assert.equal(typeof res.body.status, 'string');
    assert.equal(res.body.status, 'ok');
    assertKeys(res.body.socket, ['initialized', 'connected', 'rooms'], 'socket health .socket');
    assert.equal(res.body.socket.initialized, true);
    assert.equal(typeof res.body.socket.connected, 'number');
    assert.ok(res.body.socket.connected >= 2);
    assert.equal(typeof res.body.socket.rooms, 'number');
    assert.ok(res.body.socket.rooms >= 3);
  });

  it('GET /metrics is Prometheus text, open by default', async () => {
    await connect(server, token(uid('m'), 'viewer'));
    const res = await http(server, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(res.text, /^# (HELP|TYPE) \S+/m);
    // every sample line is `name{labels}? value`
    const samples = res.text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(samples.length > 0);
    for (const l of samples) assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+-]+|NaN|[+-]Inf$/, l);
  });

  it('GET /api/connections and GET /api/users: admin 200, dispatcher 403, none 401', async () => {
    const { socket } = await connect(server, token(uid('conn'), 'viewer'));
    for (const path of ['/api/connections', '/api/users']) {
      const ok = await http(server, path, { token: token(uid('adm'), 'admin') });
      assert.equal(ok.status, 200, `${path}: ${ok.text}`);
      assertKeys(ok.body, ['success', 'data'], `${path} envelope`);
      assert.equal(ok.body.success, true);
      const forbidden = await http(server, path, { token: token(uid('d'), 'dispatcher') });
      assert.equal(forbidden.status, 403, path);
      assertFailure(forbidden.body, 'forbidden');
      const none = await http(server, path);
      assert.equal(none.status, 401, path);
      assertFailure(none.body, 'unauthorized');
      const expired = await http(server, path, { token: token(uid('adm'), 'admin', { exp: Math.floor(Date.now() / 1000) - 3600 }) });
      assert.equal(expired.status, 401, `${path} expired token`);
    }
    const conns = await http(server, '/api/connections', { token: token(uid('adm'), 'admin') });
    const mine = JSON.stringify(conns.body.data).includes(socket.id);
    assert.ok(mine, '/api/connections lists the connected socket');
  });

  it('POST /api/users creates, then updates the same id', async () => {
    const admin = token(uid('adm'), 'admin');
    const id = uid('newbie');
    const c = await http(server, '/api/users', { method: 'POST', token: admin, body: { id, name: 'New Bie', role: 'driver' } });
    assert.ok(c.status === 200 || c.status === 201, `create: ${c.status} ${c.text}`);
    assert.equal(c.body.success, true);
    const u = await http(server, '/api/users', { method: 'POST', token: admin, body: { id, name: 'Renamed', role: 'dispatcher' } });
    assert.ok(u.status === 200 || u.status === 201, `update: ${u.status} ${u.text}`);
    assert.equal(u.body.success, true);
    const list = await http(server, '/api/users', { token: admin });
    const matches = list.body.data.filter((x) => x.id === id);
    assert.equal(matches.length, 1, 'one user with that id');
    assert.equal(matches[0].name, 'Renamed');
    assert.equal(matches[0].role, 'dispatcher');

    const forbidden = await http(server, '/api/users', { method: 'POST', token: token(uid('d'), 'dispatcher'), body: { id: uid('x'), name: 'X', role: 'viewer' } });
    assert.equal(forbidden.status, 403);
    assertFailure(forbidden.body, 'forbidden');
    for (const bad of [{ id: 'bad id!', name: 'X', role: 'viewer' }, { id: uid('y'), name: '', role: 'viewer' }, { id: uid('z'), name: 'Z', role: 'wizard' }, {}]) {
      const res = await http(server, '/api/users', { method: 'POST', token: admin, body: bad });
      assert.equal(res.status, 400, `${JSON.stringify(bad)} → ${res.status} ${res.text}`);
      assertFailure(res.body, 'bad_request');
    }
  });
});

describe('§8 metrics token', () => {
  it('with --metrics-token, /metrics needs that bearer (401 without or wrong, 200 with)', async () => {
    const server = await startServer({ args: ['--metrics-token', 'scrape-secret-123'] });
    assert.equal((await http(server, '/metrics')).status, 401);
    assert.equal((await http(server, '/metrics', { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await http(server, '/metrics', { token: token('adm', 'admin') })).status, 401, 'a JWT is not the metrics token');
    const ok = await http(server, '/metrics', { headers: { authorization: 'Bearer scrape-secret-123' } });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /^# (HELP|TYPE) /m);
    // health stays open
    assert.equal((await http(server, '/api/health')).status, 200);
  });
});
