// Reference document seed 000 — "PHASE 7: Backend Socket.IO Implementation Guide" (ERP KPI
// dashboard). Its React frontend connects with no token, subscribes to module KPIs
// (`module:subscribe` {moduleKey} → `kpi:update:{moduleKey}` with the bare KPI array, again every
// 5 s), to the dashboard (`dashboard:subscribe` → `dashboard:update` {summaryCards, topKPIs},
// every 10 s) and to notifications (`notification:subscribe` → `notification:new`,
// `notification:mark-read` {notificationId}); its troubleshooting section polls
// `/socket.io/?EIO=4&transport=polling` and `/api/health`, from origin http://localhost:3002.
//
// Server options this document needs: --allow-anonymous (no token) and
// --cors-origin http://localhost:3002 (its React app). Where the document's backend has data
// functions (getModuleKPIs...), Opsdeck has producers: a dispatcher reports KPIs over HTTP.

import { describe, before, after, afterEach } from 'node:test';
import { io } from 'socket.io-client';
import {
  it, assert, startServer, stopServers, closeSockets, token, once, collect, settle, http, track,
  assertIso, sleep, until,
} from '../harness.mjs';

const ORIGIN = 'http://localhost:3002';
const MODULES = ['reports', 'finance', 'hr', 'security', 'elearning', 'rehab'];
const PRODUCER = token('erp-producer', 'dispatcher', { name: 'ERP Producer' });

/** The document's frontend: `io(URL)`, no credentials, default transports (polling, then websocket). */
async function frontend(server) {
  const socket = track(io(server.url, { forceNew: true, reconnection: false }));
  await once(socket, 'connect');
  return socket;
}

async function report(server, moduleKey, kpis) {
  const res = await http(server, `/api/kpis/${moduleKey}`, { method: 'POST', token: PRODUCER, body: { kpis } });
  assert.equal(res.status, 200, res.text);
}

function assertKpi(k) {
  for (const field of ['key', 'label', 'status']) assert.equal(typeof k[field], 'string', `kpi.${field}`);
  assert.equal(typeof k.value, 'number');
  assert.ok(['ok', 'warning', 'critical'].includes(k.status));
  assertIso(k.updatedAt, 'kpi.updatedAt');
}

describe('seed 000 — ERP dashboard, against Opsdeck --allow-anonymous', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--allow-anonymous', '--cors-origin', ORIGIN] });
    await report(server, 'finance', [
      { key: 'revenue', label: 'Revenue', value: 1234, unit: 'SAR', trend: '+5%' },
      { key: 'expenses', label: 'Expenses', value: 800 },
    ]);
  });
  afterEach(closeSockets);
  after(stopServers);

  it('Step 3: module:subscribe {moduleKey} sends kpi:update:{moduleKey} with the bare KPI array at once', async () => {
    const socket = await frontend(server);
    const first = once(socket, 'kpi:update:finance');
    socket.emit('module:subscribe', { moduleKey: 'finance' });
    const kpis = await first;
    assert.ok(Array.isArray(kpis), 'the payload is the array itself');
    kpis.forEach(assertKpi);
    const revenue = kpis.find((k) => k.key === 'revenue');
    assert.equal(revenue.value, 1234);
    assert.equal(revenue.trend, '+5%');
    // every module of the document's interval loop can be subscribed to
    for (const moduleKey of MODULES) {
      const p = once(socket, `kpi:update:${moduleKey}`);
      socket.emit('module:subscribe', { moduleKey });
      assert.ok(Array.isArray(await p), moduleKey);
    }
  });

  it('Step 4: KPIs every 5 s and on change, dashboard every 10 s; module:unsubscribe stops a module', async () => {
    const socket = await frontend(server);
    const finance = collect(socket, 'kpi:update:finance');
    const hr = collect(socket, 'kpi:update:hr');
    const dashboard = collect(socket, 'dashboard:update');
    socket.emit('module:subscribe', { moduleKey: 'finance' });
    socket.emit('module:subscribe', { moduleKey: 'hr' });
    socket.emit('dashboard:subscribe');
    await finance.waitFor(1);
    await hr.waitFor(1);
    await dashboard.waitFor(1);
    socket.emit('module:unsubscribe', { moduleKey: 'hr' });
    await settle(socket, 50);
    const hrBefore = hr.length;
    const t0 = Date.now();

    // "Timestamp shows exact update time": a new value is pushed at once, with its time
    const revenue = (kpis) => kpis.find((k) => k.key === 'revenue');
    const sent = Date.now();
    await report(server, 'finance', [{ key: 'revenue', value: 1500 }]);
    const pushed = await until(() => finance.map(revenue).find((k) => k?.value === 1500), 2000, 'the new value');
    assert.ok(finance.times[finance.map(revenue).indexOf(pushed)] - sent < 1500, 'pushed on change');
    assert.ok(Math.abs(Date.parse(pushed.updatedAt) - Date.now()) < 5000);

    await sleep(Math.max(0, 11_500 - (Date.now() - t0)));
    const gaps = (times) => times.slice(1).map((t, i) => t - times[i]);
    // every 5 s / 10 s, with a second of slack for a loaded test machine
    assert.ok(finance.length >= 3, `finance updates: ${finance.length}`);
    assert.ok(Math.max(...gaps(finance.times)) <= 6_000, `finance gaps ${gaps(finance.times)}`);
    assert.ok(dashboard.length >= 2, `dashboard updates: ${dashboard.length}`);
    assert.ok(Math.max(...gaps(dashboard.times)) <= 11_000, `dashboard gaps ${gaps(dashboard.times)}`);
    assert.equal(hr.length, hrBefore, 'no kpi:update:hr after module:unsubscribe');
  }, { timeout: 30_000 });

  it('Step 5: dashboard:subscribe sends dashboard:update {summaryCards, topKPIs} at once', async () => {
    const socket = await frontend(server);
    const p = once(socket, 'dashboard:update');
    socket.emit('dashboard:subscribe');
    const data = await p;
    assert.ok(Array.isArray(data.summaryCards));
    for (const card of data.summaryCards) {
      assert.equal(typeof card.key, 'string');
      assert.equal(typeof card.label, 'string');
      assert.equal(typeof card.value, 'number');
    }
    assert.ok(Array.isArray(data.topKPIs));
    assert.ok(data.topKPIs.length <= 4);
    data.topKPIs.forEach(assertKpi);
    assertIso(data.timestamp, 'dashboard timestamp');
  });

  it('Step 6: notification:subscribe, then notification:new arrives; notification:mark-read is accepted', async () => {
    const socket = await frontend(server);
    const errors = collect(socket, 'error');
    socket.emit('notification:subscribe');
    await settle(socket, 50);
    const arrived = once(socket, 'notification:new');
    const res = await http(server, '/api/notifications/broadcast', {
      method: 'POST', token: PRODUCER, body: { title: 'Closing', message: 'Books close at 17:00', type: 'info' },
    });
    assert.equal(res.status, 200, res.text);
    const n = await arrived;
    assert.equal(n.message, 'Books close at 17:00');
    assert.equal(typeof n.id, 'string');
    // the badge: mark it read as the document does (no ack); nothing goes wrong
    socket.emit('notification:mark-read', { notificationId: n.id });
    await settle(socket);
    assert.equal(errors.length, 0, JSON.stringify([...errors]));
    assert.ok(socket.connected);
  });

  it('Test 4 / troubleshooting: the polling handshake answers, CORS admits the React origin, /api/health is ok', async () => {
    const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: ORIGIN } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const text = await res.text();
    assert.match(text, /^0\{.*"sid"/, text);
    const health = await http(server, '/api/health');
    assert.deepEqual(health.body, { status: 'ok' });
    // the WebSocket upgrade the document checks for in DevTools
    const socket = track(io(server.url, { forceNew: true, reconnection: false }));
    await once(socket, 'connect');
    if (socket.io.engine.transport.name !== 'websocket') await once(socket.io.engine, 'upgrade');
    assert.equal(socket.io.engine.transport.name, 'websocket');
  });

  it('without --allow-anonymous the same frontend is refused: the one option this document needs', async () => {
    const strict = await startServer();
    const socket = track(io(strict.url, { forceNew: true, reconnection: false }));
    const err = await once(socket, 'connect_error');
    assert.match(err.message, /^Authentication error/);
    await strict.stop();
  });
});
