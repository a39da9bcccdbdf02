// Test harness for the Opsdeck server, driven with the official socket.io-client.
//
// - startServer(options): spawns `opsdeck-server serve` on an ephemeral port with a temp db,
//   waits for its "listening" line, captures stderr (printed only when a test fails).
// - sign / token: HS256 JWTs signed with node:crypto (so tests can also craft bad ones).
// - connect / connectAdmin / connectRefused: clients with every wait bounded by a timeout;
//   track(socket) registers a socket a test built itself with io().
// - once / ack / collect / settle: event helpers that never hang.
// - http: fetch wrapper returning {status, headers, body}.
// - test wrapper `it` that dumps the stderr of the servers involved when a test fails.
//
// Every socket and server created through this module is registered so that
// `closeSockets()` (afterEach) and `stopServers()` (after) clean everything up.

import { spawn, execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const SERVER_BIN =
  process.env.OPSDECK_SERVER_BIN || path.join(REPO, 'target', 'debug', 'opsdeck-server');
export const SECRET = 'opsdeck-test-secret-0123456789abcdef-XYZ';

export const DEFAULT_WAIT = 3000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Servers

const liveServers = new Set();
const startedServers = new Set(); // for removing temp dirs at the end
const serversOfCurrentTest = new Set();

/**
 * Starts `opsdeck-server serve`.
 * @param {object} [opts]
 * @param {string[]} [opts.args]  extra CLI options, e.g. ['--allow-anonymous']
 * @param {string} [opts.db]      reuse this database file (default: a fresh temp dir)
 * @param {object} [opts.env]     extra environment
 */
export async function startServer(opts = {}) {
  const dir = opts.db ? path.dirname(opts.db) : mkdtempSync(path.join(tmpdir(), 'opsdeck-js-'));
  const db = opts.db ?? path.join(dir, 't.db');
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db, ...(opts.args ?? [])];
  const proc = spawn(SERVER_BIN, args, {
    env: {
      ...process.env,
      JWT_SECRET: SECRET,
      NO_COLOR: '1',
      RUST_LOG: process.env.OPSDECK_TEST_RUST_LOG ?? process.env.RUST_LOG ?? 'info',
      ...(opts.env ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = {
    proc,
    dir,
    db,
    args,
    url: null,
    port: null,
    stdout: '',
    stderr: '',
    exited: null, // Promise<{code, signal}>
    exitInfo: null,
    stop,
  };
  server.exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      server.exitInfo = { code, signal };
      liveServers.delete(server);
      resolve(server.exitInfo);
    });
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    server.stderr += d;
    if (server.stderr.length > 2_000_000) server.stderr = server.stderr.slice(-1_000_000);
  });
  proc.stdout.setEncoding('utf8');
  liveServers.add(server);
  startedServers.add(server);
  serversOfCurrentTest.add(server);

  const listening = new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      server.stdout += d;
      const m = /^opsdeck-server listening on (http:\/\/127\.0\.0\.1:(\d+))\r?\n/m.exec(server.stdout);
      if (m) resolve(m);
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) =>
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})\n${server.stderr}`)),
    );
  });
  let m;
  try {
    m = await withTimeout(listening, 10_000, 'server did not print its listening line');
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  server.url = m[1];
  server.port = Number(m[2]);

  /** SIGTERM, then wait (≤ 10 s) for the exit; returns {code, signal}. */
  async function stop() {
    if (server.exitInfo) return server.exitInfo;
    proc.kill('SIGTERM');
    try {
      return await withTimeout(server.exited, 10_000, 'server did not exit within 10 s of SIGTERM');
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
  }
  return server;
}

/** Stops every live server (SIGTERM) and asserts each exits with code 0 within 10 s. */
export async function stopServers() {
  await closeSockets();
  const errors = [];
  for (const s of [...liveServers]) {
    try {
      const info = await s.stop();
      if (info.code !== 0) errors.push(`server ${s.url} exited with ${JSON.stringify(info)}\n${tail(s.stderr)}`);
    } catch (e) {
      errors.push(String(e));
    }
  }
  // every server of this file is stopped now: remove their temp dirs (also of those that
  // exited on their own, and of those whose db was reused by a later server)
  for (const s of startedServers) {
    if (!s.exitInfo) continue;
    rmSync(s.dir, { recursive: true, force: true });
    startedServers.delete(s);
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

function tail(text, lines = 60) {
  return text.split('\n').slice(-lines).join('\n');
}

/** Runs the CLI (`opsdeck-server ...args`); resolves {code, stdout, stderr}. */
export function runCli(args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      SERVER_BIN,
      args,
      { env: { ...process.env, JWT_SECRET: SECRET, NO_COLOR: '1', ...env }, timeout: 15_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? err.code : 0, stdout, stderr });
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Tokens

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/**
 * Signs a JWT. `header` defaults to {alg: 'HS256', typ: 'JWT'}; with alg 'none' the signature
 * is empty. `secret` defaults to the server's.
 */
export function sign(claims, { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' } } = {}) {
  const h = b64url(JSON.stringify(header));
  const p = b64url(JSON.stringify(claims));
  if (header.alg === 'none') return `${h}.${p}.`;
  const sig = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  return `${h}.${p}.${b64url(sig)}`;
}

export const nowS = () => Math.floor(Date.now() / 1000);

/** A valid token for `sub` with `role`; `extra` overrides or adds claims (vehicleId, name, exp…). */
export function token(sub, role = 'viewer', extra = {}) {
  return sign({ sub, role, name: `${sub} Name`, exp: nowS() + 3600, ...extra });
}

/** Unique id with a prefix, so tests sharing a server never collide. */
let uniq = 0;
export function uid(prefix = 'u') {
  uniq += 1;
  return `${prefix}${uniq}-${randomBytes(3).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Sockets

const liveSockets = new Set();

function makeSocket(server, nsp, { token: tok, auth, query, extraHeaders, transports = ['websocket'] } = {}) {
  const opts = {
    transports,
    forceNew: true,
    reconnection: false,
    timeout: 5000,
  };
  if (auth !== undefined) opts.auth = auth;
  else if (tok !== undefined) opts.auth = { token: tok };
  if (query) opts.query = query;
  if (extraHeaders) opts.extraHeaders = extraHeaders;
  const socket = io(server.url + nsp, opts);
  liveSockets.add(socket);
  return socket;
}

/**
 * Connects to the main namespace and waits for the server's `connected` event.
 * `who` is a token string, or an options object {token, auth, query, extraHeaders}.
 * Resolves {socket, connected} (connected = the `connected` payload). `onSocket(socket)` runs
 * before the connection starts (to attach listeners that must not miss anything).
 */
export async function connect(server, who, { timeout = DEFAULT_WAIT, onSocket } = {}) {
  const opts = typeof who === 'string' ? { token: who } : (who ?? {});
  const socket = makeSocket(server, '/', opts);
  // lets a test attach listeners before anything can arrive
  if (onSocket) onSocket(socket);
  const connected = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no 'connected' event within ${timeout} ms`));
    }, timeout);
    const onConnected = (payload) => {
      cleanup();
      resolve(payload);
    };
    const onError = (err) => {
      cleanup();
      reject(new Error(`connect_error: ${err?.message}`));
    };
    function cleanup() {
      clearTimeout(timer);
      socket.off('connected', onConnected);
      socket.off('connect_error', onError);
    }
    socket.on('connected', onConnected);
    socket.on('connect_error', onError);
  }).catch((e) => {
    socket.close();
    throw e;
  });
  // `connected` is emitted right after the Socket.IO CONNECT packet; make sure the client has
  // also processed its own `connect` (socket.id is set by then).
  if (!socket.connected) await once(socket, 'connect', timeout);
  return { socket, connected };
}

/** Connects to `/admin` and waits for `connect`. */
export async function connectAdmin(server, who, { timeout = DEFAULT_WAIT } = {}) {
  const opts = typeof who === 'string' ? { token: who } : (who ?? {});
  const socket = makeSocket(server, '/admin', opts);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no /admin connect within ${timeout} ms`)), timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(new Error(`connect_error on /admin: ${err?.message}`));
    });
  }).catch((e) => {
    socket.close();
    throw e;
  });
  return socket;
}

/**
 * Expects the handshake to be refused: resolves the `connect_error` Error. Fails if the socket
 * connects (or gets `connected`) instead, or nothing happens within the timeout.
 */
export async function connectRefused(server, who, { nsp = '/', timeout = DEFAULT_WAIT } = {}) {
  const opts = typeof who === 'string' ? { token: who } : (who ?? {});
  const socket = makeSocket(server, nsp, opts);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`neither connect nor connect_error within ${timeout} ms`)), timeout);
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        resolve(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        reject(new Error(`handshake unexpectedly accepted (socket ${socket.id})`));
      });
    });
  } finally {
    socket.close();
    liveSockets.delete(socket);
  }
}

/**
 * Registers a socket created with `io()` directly (the reference documents' clients build their
 * own, with their own options), so that `closeSockets()` closes it too. Returns the socket.
 */
export function track(socket) {
  liveSockets.add(socket);
  return socket;
}

/** Closes every socket opened through this module (use in afterEach). */
export async function closeSockets() {
  for (const s of liveSockets) s.close();
  liveSockets.clear();
  // Give the server a moment to process the disconnects (presence transitions are async).
  await sleep(30);
}

// ---------------------------------------------------------------------------------------------
// Events

export function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message ?? `timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves with the first payload of `event` (first argument), or rejects after `ms`. */
export function once(socket, event, ms = DEFAULT_WAIT, pred = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no '${event}' event within ${ms} ms`));
    }, ms);
    function handler(...args) {
      if (!pred(...args)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(args[0]);
    }
    socket.on(event, handler);
  });
}

/** Emits with an acknowledgement; resolves the ack (first argument) or rejects after DEFAULT_WAIT. */
export async function ack(socket, event, ...args) {
  try {
    return await socket.timeout(DEFAULT_WAIT).emitWithAck(event, ...args);
  } catch (e) {
    throw new Error(`no ack for '${event}' within ${DEFAULT_WAIT} ms (${e?.message})`);
  }
}

/** Records every payload of `event` on `socket` (with arrival times); call .stop() to detach. */
export function collect(socket, event) {
  const items = [];
  const times = [];
  const handler = (payload) => {
    items.push(payload);
    times.push(Date.now());
  };
  socket.on(event, handler);
  items.times = times;
  items.stop = () => socket.off(event, handler);
  /** Waits until at least n items arrived. */
  items.waitFor = async (n, ms = DEFAULT_WAIT) => {
    const deadline = Date.now() + ms;
    while (items.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ≥${n} '${event}' events, got ${items.length} within ${ms} ms`);
      await sleep(10);
    }
    return items;
  };
  return items;
}

/**
 * A barrier: one ack round trip on each socket, then a short pause, so that anything the server
 * emitted before now has had the chance to arrive. Used before asserting that an event did NOT
 * arrive.
 */
export async function settle(sockets, pauseMs = 250) {
  const list = Array.isArray(sockets) ? sockets : [sockets];
  await Promise.all(list.filter((s) => s.connected).map((s) => ack(s, 'get:online:count').catch(() => {})));
  await sleep(pauseMs);
}

/** Polls `fn` until it returns a truthy value (returned), or throws after `ms`. */
export async function until(fn, ms = DEFAULT_WAIT, what = 'condition') {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

/**
 * fetch wrapper. `token` adds `Authorization: Bearer`; `body` (object) is sent as JSON, a string
 * is sent raw with content-type application/json. Resolves {status, headers, body, text}.
 */
export async function http(server, pathname, { method = 'GET', token: tok, body, headers = {}, timeout = DEFAULT_WAIT } = {}) {
  const h = { ...headers };
  if (tok) h.authorization = `Bearer ${tok}`;
  let payload;
  if (body !== undefined) {
    h['content-type'] ??= 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(server.url + pathname, {
    method,
    headers: h,
    body: payload,
    signal: AbortSignal.timeout(timeout),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

// ---------------------------------------------------------------------------------------------
// Assertions on protocol shapes

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$/;

export function assertIso(value, what = 'timestamp') {
  assert.equal(typeof value, 'string', `${what} should be a string, got ${JSON.stringify(value)}`);
  assert.match(value, ISO_UTC, `${what} should be an ISO-8601 UTC string`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${what} should parse`);
}

export function assertKeys(obj, keys, what = 'object') {
  assert.ok(obj && typeof obj === 'object', `${what} should be an object, got ${JSON.stringify(obj)}`);
  assert.deepEqual(Object.keys(obj).sort(), [...keys].sort(), `${what} keys: ${JSON.stringify(obj)}`);
}

/** `{success: false, error: {code, message}}` with the given code. */
export function assertFailure(reply, code, what = 'ack') {
  assertKeys(reply, ['success', 'error'], what);
  assert.equal(reply.success, false, `${what}.success`);
  assertKeys(reply.error, ['code', 'message'], `${what}.error`);
  assert.equal(reply.error.code, code, `${what}.error.code (${JSON.stringify(reply)})`);
  assert.equal(typeof reply.error.message, 'string');
  assert.ok(reply.error.message.length > 0, `${what}.error.message should not be empty`);
}

/** `{success: true, ...}`; returns the reply. */
export function assertSuccess(reply, what = 'ack') {
  assert.ok(reply && typeof reply === 'object', `${what} should be an object, got ${JSON.stringify(reply)}`);
  assert.equal(reply.success, true, `${what} should succeed: ${JSON.stringify(reply)}`);
  return reply;
}

/** `error` event `{event, code, message}`. */
export function assertErrorEvent(payload, event, code) {
  assertKeys(payload, ['event', 'code', 'message'], 'error event');
  assert.equal(payload.event, event);
  assert.equal(payload.code, code, `error event code (${JSON.stringify(payload)})`);
  assert.equal(typeof payload.message, 'string');
}

// ---------------------------------------------------------------------------------------------
// Test wrapper: prints the stderr of the servers used by a failing test.

/** Like node:test's `test`, but prints the server logs when the test fails. */
export function it(name, fn, opts = {}) {
  return test(name, { timeout: 30_000, ...opts }, async (t) => {
    serversOfCurrentTest.clear();
    for (const s of liveServers) serversOfCurrentTest.add(s);
    try {
      await fn(t);
    } catch (e) {
      for (const s of serversOfCurrentTest) {
        process.stderr.write(
          `\n----- stderr of opsdeck-server ${s.url ?? '(not started)'} (${s.args.join(' ')}) for failing test "${name}" -----\n` +
            tail(s.stderr, 80) +
            '\n----- end of server stderr -----\n',
        );
      }
      throw e;
    }
  });
}

export { assert };
