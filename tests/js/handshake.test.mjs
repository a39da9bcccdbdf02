// PROTOCOL.md §1: handshake, credentials, identity, identity rooms.

import { describe, before, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, connectRefused, token, sign, nowS,
  SECRET, once, ack, collect, settle, assertIso, assertKeys, assertSuccess, uid,
} from './harness.mjs';

function assertConnected(connected, socket, user) {
  assertKeys(connected, ['socketId', 'user', 'serverTime'], 'connected');
  assert.equal(connected.socketId, socket.id, 'connected.socketId is the client socket id');
  assert.deepEqual(connected.user, user);
  assertIso(connected.serverTime, 'connected.serverTime');
  assert.ok(Math.abs(Date.parse(connected.serverTime) - Date.now()) < 60_000, 'serverTime is now');
}

function assertAuthError(err) {
  assert.ok(err instanceof Error, 'connect_error gives an Error');
  assert.equal(typeof err.message, 'string');
  assert.ok(
    err.message.startsWith('Authentication error:'),
    `connect_error message should start with "Authentication error:", got ${JSON.stringify(err.message)}`,
  );
}

describe('§1 handshake (default server)', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  afterEach(closeSockets);
  after(stopServers);

  it('accepts auth.token and emits connected {socketId, user:{id,name,role}, serverTime}', async () => {
    const id = uid('alice');
    const { socket, connected } = await connect(server, {
      auth: { token: sign({ sub: id, role: 'dispatcher', name: 'Alice Doe', exp: nowS() + 600 }) },
    });
    assert.ok(socket.connected);
    assertConnected(connected, socket, { id, name: 'Alice Doe', role: 'dispatcher' });
  });

  it('accepts query.token', async () => {
    const id = uid('q');
    const { socket, connected } = await connect(server, { query: { token: token(id, 'driver') } });
    assertConnected(connected, socket, { id, name: `${id} Name`, role: 'driver' });
  });

  it('accepts an Authorization: Bearer header (extraHeaders, websocket transport)', async () => {
    const id = uid('h');
    const { socket, connected } = await connect(server, {
      extraHeaders: { Authorization: `Bearer ${token(id, 'viewer')}` },
    });
    assertConnected(connected, socket, { id, name: `${id} Name`, role: 'viewer' });
  });

  it('accepts the `id` claim instead of `sub`', async () => {
    const id = uid('idclaim');
    const { socket, connected } = await connect(
      server,
      sign({ id, role: 'admin', name: 'Id Claim', exp: nowS() + 600 }),
    );
    assertConnected(connected, socket, { id, name: 'Id Claim', role: 'admin' });
  });

  it('accepts a device token that carries vehicleId', async () => {
    const id = uid('dev');
    const { socket, connected } = await connect(server, token(id, 'device', { vehicleId: 'veh-1' }));
    assertConnected(connected, socket, { id, name: `${id} Name`, role: 'device' });
  });

  it('also works over long-polling', async () => {
    const id = uid('poll');
    const { socket, connected } = await connect(server, {
      token: token(id, 'viewer'),
      transports: ['polling'],
    });
    assertConnected(connected, socket, { id, name: `${id} Name`, role: 'viewer' });
    assertSuccess(await ack(socket, 'get:online:count'));
  });

  const refusals = [
    ['no token', () => ({})],
    ['an empty token', () => ({ token: '' })],
    ['a malformed token', () => ({ token: 'not.a.jwt' })],
    ['a bad signature', () => ({ token: sign({ sub: 'mallory', role: 'admin', exp: nowS() + 600 }, { secret: 'another-secret-that-is-long-enough!!' }) })],
    ['a tampered payload', () => {
      const good = token('eve', 'viewer');
      const [h, , s] = good.split('.');
      const p = Buffer.from(JSON.stringify({ sub: 'eve', role: 'admin', exp: nowS() + 600 })).toString('base64url');
      return { token: `${h}.${p}.${s}` };
    }],
    ['an expired token', () => ({ token: token('old', 'viewer', { exp: nowS() - 3600 }) })],
    ['alg none', () => ({ token: sign({ sub: 'none', role: 'admin', exp: nowS() + 600 }, { header: { alg: 'none', typ: 'JWT' } }) })],
    ['alg none with the HS256 signature kept', () => {
      const t = token('none2', 'admin');
      const [, p, s] = t.split('.');
      const h = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return { token: `${h}.${p}.${s}` };
    }],
    ['a missing role', () => ({ token: sign({ sub: 'norole', name: 'No Role', exp: nowS() + 600 }) })],
    ['an unknown role', () => ({ token: token('superu', 'superuser') })],
    ['a missing exp', () => ({ token: sign({ sub: 'noexp', role: 'viewer', name: 'No Exp' }) })],
    ['a missing sub', () => ({ token: sign({ role: 'viewer', name: 'Nobody', exp: nowS() + 600 }) })],
    ['a device token without vehicleId', () => ({ token: token('dev-novehicle', 'device') })],
    ['query.userId only', () => ({ query: { userId: 'alice' } })],
    ['query.userId with a bad token', () => ({ query: { userId: 'alice', token: 'garbage' } })],
    ['an Authorization header with a bad token', () => ({ extraHeaders: { Authorization: 'Bearer garbage' } })],
  ];
  for (const [what, make] of refusals) {
    it(`refuses a handshake with ${what}: connect_error "Authentication error: ..."`, async () => {
      const err = await connectRefused(server, make());
      assertAuthError(err);
    });
  }

  it('query.userId never overrides the token identity', async () => {
    const id = uid('real');
    const { socket, connected } = await connect(server, {
      token: token(id, 'viewer'),
      query: { userId: 'someone-else' },
    });
    assertConnected(connected, socket, { id, name: `${id} Name`, role: 'viewer' });
  });

  it('a refused handshake does not disturb connected sockets', async () => {
    const { socket } = await connect(server, token(uid('steady'), 'viewer'));
    for (let i = 0; i < 5; i++) assertAuthError(await connectRefused(server, {}));
    assert.ok(socket.connected);
    assertSuccess(await ack(socket, 'get:online:count'));
  });
});

describe('§1 anonymous access', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--allow-anonymous'] });
  });
  afterEach(closeSockets);
  after(stopServers);

  it('admits a tokenless client as role viewer', async () => {
    const { socket, connected } = await connect(server, {});
    assertKeys(connected, ['socketId', 'user', 'serverTime'], 'connected');
    assert.equal(connected.socketId, socket.id);
    assertKeys(connected.user, ['id', 'name', 'role'], 'connected.user');
    assert.equal(connected.user.role, 'viewer');
    assert.equal(typeof connected.user.id, 'string');
    assert.equal(typeof connected.user.name, 'string');
    assertIso(connected.serverTime);
  });

  it('anonymous viewers cannot send notifications (forbidden)', async () => {
    const { socket } = await connect(server, {});
    const reply = await ack(socket, 'notification:send', {
      title: 't', message: 'm', type: 'info', target: { kind: 'all' },
    });
    assert.equal(reply.success, false);
    assert.equal(reply.error.code, 'forbidden');
  });

  it('query.userId alone still does not give that identity', async () => {
    const { connected } = await connect(server, { query: { userId: 'alice' } });
    assert.notEqual(connected.user.id, 'alice');
    assert.equal(connected.user.role, 'viewer');
  });

  it('a bad token is still refused (anonymous access is for clients without a token)', async () => {
    assertAuthError(await connectRefused(server, { token: 'garbage' }));
    assertAuthError(await connectRefused(server, { token: token('x', 'viewer', { exp: nowS() - 3600 }) }));
    assertAuthError(await connectRefused(server, { token: token('x', 'superuser') }));
  });

  it('a valid token is still honoured', async () => {
    const id = uid('named');
    const { connected } = await connect(server, token(id, 'dispatcher'));
    assert.deepEqual(connected.user, { id, name: `${id} Name`, role: 'dispatcher' });
  });
});

describe('§1 identity rooms', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  afterEach(closeSockets);
  after(stopServers);

  it('a notification to a user reaches every tab of that user and nobody else', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const { socket: a1 } = await connect(server, token(alice, 'viewer'));
    const { socket: a2 } = await connect(server, token(alice, 'viewer'));
    const { socket: b1 } = await connect(server, token(bob, 'viewer'));
    const { socket: d } = await connect(server, token(uid('disp'), 'dispatcher'));
    const got = [a1, a2, b1, d].map((s) => collect(s, 'notification:new'));
    const reply = await ack(d, 'notification:send', {
      title: 'Hello', message: 'only alice', type: 'info', target: { kind: 'users', ids: [alice] },
    });
    assertSuccess(reply);
    assert.equal(reply.recipients, 1);
    await got[0].waitFor(1);
    await got[1].waitFor(1);
    await settle([a1, a2, b1, d]);
    assert.equal(got[0].length, 1, 'tab 1 gets it once');
    assert.equal(got[1].length, 1, 'tab 2 gets it once');
    assert.equal(got[2].length, 0, 'bob does not get it');
    assert.equal(got[3].length, 0, 'the sender does not get it');
    assert.equal(got[0][0].id, reply.id);
    assert.deepEqual(got[0][0], got[1][0]);
  });

  it('a role-targeted notification reaches the members of that role only', async () => {
    const drv1 = uid('drv');
    const drv2 = uid('drv');
    const { socket: r1 } = await connect(server, token(drv1, 'driver'));
    const { socket: r1b } = await connect(server, token(drv1, 'driver'));
    const { socket: r2 } = await connect(server, token(drv2, 'driver'));
    const { socket: v } = await connect(server, token(uid('view'), 'viewer'));
    const { socket: adm } = await connect(server, token(uid('adm'), 'admin'));
    const { socket: d } = await connect(server, token(uid('disp'), 'dispatcher'));
    const sockets = [r1, r1b, r2, v, adm, d];
    const got = sockets.map((s) => collect(s, 'notification:new'));
    const reply = await ack(d, 'notification:send', {
      title: 'Drivers', message: 'drivers only', type: 'warning', target: { kind: 'roles', ids: ['driver'] },
    });
    assertSuccess(reply);
    await Promise.all(got.slice(0, 3).map((g) => g.waitFor(1)));
    await settle(sockets);
    assert.deepEqual(got.map((g) => g.length), [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(got[0][0].target, { kind: 'roles', ids: ['driver'] });
  });

  it('connected arrives before any other server event and the socket can emit at once', async () => {
    const id = uid('fast');
    const { socket } = await connect(server, token(id, 'viewer'));
    // The very first event after `connected` must be handled (handlers registered before connect).
    const reply = await ack(socket, 'notification:request-count');
    assertSuccess(reply);
    assert.equal(reply.count, 0);
  });
});
