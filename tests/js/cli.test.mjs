// The `opsdeck-server` command line: token minting (the README's "run" promise), user
// management, and process lifecycle (listening line, SIGTERM → exit 0).

import { describe, after, afterEach } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  it, assert, startServer, stopServers, closeSockets, connect, connectRefused, runCli, ack, once,
  assertSuccess, http, token, sleep,
} from './harness.mjs';

afterEach(closeSockets);
after(stopServers);

describe('opsdeck-server token', () => {
  it('a token minted by `opsdeck-server token` connects with that identity', async () => {
    const server = await startServer();
    const minted = await runCli(['token', '--sub', 'alice', '--role', 'dispatcher', '--name', 'Alice Doe', '--ttl', '24h']);
    assert.equal(minted.code, 0, minted.stderr);
    const jwt = minted.stdout.trim();
    assert.match(jwt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'one JWT on stdout');
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.role, 'dispatcher');
    assert.equal(claims.name, 'Alice Doe');
    const ttl = claims.exp - Math.floor(Date.now() / 1000);
    assert.ok(ttl > 24 * 3600 - 120 && ttl <= 24 * 3600 + 5, `exp ≈ now + 24h (${ttl} s)`);

    const { socket, connected } = await connect(server, jwt);
    assert.deepEqual(connected.user, { id: 'alice', name: 'Alice Doe', role: 'dispatcher' });
    // and it has dispatcher rights
    assertSuccess(await ack(socket, 'notification:send', { title: 't', message: 'm', type: 'info', target: { kind: 'users', ids: ['alice'] } }));
    // the same token works for HTTP
    const res = await http(server, '/api/notifications/broadcast', { method: 'POST', token: jwt, body: { title: 'cli', message: 'works' } });
    assert.equal(res.body?.success, true, res.text);
  });

  it('device tokens need --vehicle-id; with it the token connects as device', async () => {
    const server = await startServer();
    const bad = await runCli(['token', '--sub', 'truck-7', '--role', 'device']);
    assert.notEqual(bad.code, 0, 'device without --vehicle-id fails');
    const good = await runCli(['token', '--sub', 'truck-7', '--role', 'device', '--vehicle-id', 'veh-7']);
    assert.equal(good.code, 0, good.stderr);
    const { connected } = await connect(server, good.stdout.trim());
    assert.deepEqual(connected.user, { id: 'truck-7', name: 'truck-7', role: 'device' });
  });

  it('a token minted with a different JWT_SECRET is refused', async () => {
    const server = await startServer();
    const other = await runCli(['token', '--sub', 'bob', '--role', 'admin'], { JWT_SECRET: 'some-completely-different-secret-value' });
    assert.equal(other.code, 0, other.stderr);
    const err = await connectRefused(server, other.stdout.trim());
    assert.ok(err.message.startsWith('Authentication error:'), err.message);
  });

  it('--ttl sets exp (90s, 7d)', async () => {
    for (const [ttl, secs] of [['90s', 90], ['30m', 1800], ['7d', 7 * 86400]]) {
      const minted = await runCli(['token', '--sub', 'brief', '--role', 'viewer', '--ttl', ttl]);
      assert.equal(minted.code, 0, minted.stderr);
      const claims = JSON.parse(Buffer.from(minted.stdout.trim().split('.')[1], 'base64url').toString());
      const left = claims.exp - Math.floor(Date.now() / 1000);
      assert.ok(left <= secs + 5 && left >= secs - 60, `--ttl ${ttl}: exp in ${left} s`);
    }
  });
});

describe('opsdeck-server user', () => {
  it('user add creates, updates, and user list shows the users', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-js-users-'));
    try {
      const db = path.join(dir, 'u.db');
      const a = await runCli(['user', 'add', '--id', 'ua-1', '--name', 'First Name', '--role', 'driver', '--db', db]);
      assert.equal(a.code, 0, a.stderr);
      const b = await runCli(['user', 'add', '--id', 'ua-1', '--name', 'Second Name', '--role', 'dispatcher', '--db', db]);
      assert.equal(b.code, 0, b.stderr);
      const c = await runCli(['user', 'add', '--id', 'ua-2', '--name', 'Other', '--role', 'viewer', '--db', db]);
      assert.equal(c.code, 0, c.stderr);
      const bad = await runCli(['user', 'add', '--id', 'bad id!', '--name', 'X', '--role', 'viewer', '--db', db]);
      assert.notEqual(bad.code, 0, 'an invalid id is refused');
      const badRole = await runCli(['user', 'add', '--id', 'ua-3', '--name', 'X', '--role', 'wizard', '--db', db]);
      assert.notEqual(badRole.code, 0, 'an unknown role is refused');
      const list = await runCli(['user', 'list', '--db', db]);
      assert.equal(list.code, 0, list.stderr);
      const lines = list.stdout.split('\n');
      const ua1 = lines.filter((l) => /\bua-1\b/.test(l));
      assert.equal(ua1.length, 1, `one line for ua-1:\n${list.stdout}`);
      assert.match(ua1[0], /dispatcher/);
      assert.match(ua1[0], /Second Name/);
      assert.ok(lines.some((l) => /\bua-2\b/.test(l) && /viewer/.test(l)));
      assert.ok(!lines.some((l) => /\bua-3\b/.test(l)));

      // the server sees CLI-created users (GET /api/users)
      const server = await startServer({ db });
      const res = await http(server, '/api/users', { token: token('ul-admin', 'admin') });
      assert.equal(res.status, 200);
      const u = res.body.data.find((x) => x.id === 'ua-1');
      assert.equal(u.name, 'Second Name');
      assert.equal(u.role, 'dispatcher');
      const info = await server.stop();
      assert.equal(info.code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process lifecycle', () => {
  it('prints exactly one line on stdout: "opsdeck-server listening on http://127.0.0.1:PORT"', async () => {
    const server = await startServer();
    const { socket } = await connect(server, token('life', 'viewer'));
    assertSuccess(await ack(socket, 'get:online:count'));
    const disc = once(socket, 'disconnect', 10_000);
    const info = await server.stop();
    await disc;
    assert.deepEqual(info, { code: 0, signal: null }, 'SIGTERM with a client connected → exit code 0');
    assert.equal(server.stdout, `opsdeck-server listening on http://127.0.0.1:${server.port}\n`);
  });

  it('SIGTERM while idle (server up for a moment) exits 0 within 10 s', async () => {
    const server = await startServer();
    assert.equal((await http(server, '/api/health')).status, 200);
    // not an absence check: gives the server time to settle, so that this test is about idle
    // shutdown and not about the start-up race covered by the next test
    await sleep(500);
    const t0 = Date.now();
    const info = await server.stop();
    assert.deepEqual(info, { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('SIGTERM right after the listening line exits 0 (graceful shutdown armed before announcing)', async () => {
    // A supervisor may stop the server as soon as it announced itself; the announcement must
    // not come before the server handles SIGTERM gracefully.
    const server = await startServer();
    const info = await server.stop();
    assert.deepEqual(info, { code: 0, signal: null }, `exit after immediate SIGTERM: ${JSON.stringify(info)}`);
  });

  it('refuses to start without a JWT secret (or with a short one)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-js-nosecret-'));
    try {
      const r = await runCli(['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 't.db')], { JWT_SECRET: '' });
      assert.notEqual(r.code, 0, 'no secret → non-zero exit');
      assert.equal(r.stdout, '', 'no listening line');
      const short = await runCli(['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 't.db')], { JWT_SECRET: 'short' });
      assert.notEqual(short.code, 0, 'short secret → non-zero exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

