// Reference document seed 001 — "Phase 7: WebSocket & Real-time Updates" (fleet ERP). Its React
// hooks connect with `auth: {token, userId}` and reconnection options, and then:
// - VehicleTracking: `subscribe:vehicle` vehicleId → `vehicle:updated` {vehicleId, data} and
//   `vehicle:location` {vehicleId, location}; `unsubscribe:vehicle` on cleanup;
// - NotificationCenter: `notification:request-count` → `notification:count` {count},
//   `notification:new`, `notification:broadcast`, `notification:mark-read` notificationId;
// - the event reference: `subscribe:trip` tripId and trip:started/updated/completed/cancelled,
//   `subscribe:tracking` → `tracking:update`, `request:active-vehicles`, `emergency:alert`
//   {alert, priority}, `vehicle:low-fuel` {vehicleId, fuelLevel};
// - management: the active connections list; JWT required ("Authentication error").
//
// Server options: --cors-origin http://localhost:3002 (its FRONTEND_URL). The document's server
// methods (emitGPSUpdate, emitTripStarted, sendNotificationToUser...) are Opsdeck's ingestion:
// devices and dispatchers report over HTTP or Socket.IO, and the server emits the same events.

import { describe, before, after, afterEach } from 'node:test';
import { io } from 'socket.io-client';
import {
  it, assert, startServer, stopServers, closeSockets, token, sign, nowS, once, ack, collect, settle,
  http, track, uid, assertIso,
} from '../harness.mjs';

const ORIGIN = 'http://localhost:3002';
const DISPATCHER = token('fleet-dispatch', 'dispatcher', { name: 'Fleet Dispatch' });

/** `useWebSocket(userId, token)`, as the document writes it. */
async function useWebSocket(server, userId, tok) {
  const socket = track(
    io(server.url, {
      auth: { token: tok, userId },
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      reconnectionAttempts: 5,
      forceNew: true,
    }),
  );
  const connected = once(socket, 'connected');
  await once(socket, 'connect');
  return { socket, connected: await connected };
}

async function post(server, path, body, tok = DISPATCHER) {
  const res = await http(server, path, { method: 'POST', token: tok, body });
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** A registered vehicle and the device token that reports for it. */
async function vehicle(server) {
  const id = uid('V-');
  await post(server, '/api/vehicles', { id, plateNumber: `RUH ${id}` });
  return { id, device: token(uid('truck'), 'device', { vehicleId: id }) };
}

describe('seed 001 — fleet ERP hooks and components', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--cors-origin', ORIGIN] });
  });
  afterEach(closeSockets);
  after(stopServers);

  it('useWebSocket: a JWT in auth connects; userId in auth is not trusted; no token → Authentication error', async () => {
    // the document's tokens carry `id` and `role`
    const tok = sign({ id: 'user-456', role: 'dispatcher', name: 'Noor Haddad', exp: nowS() + 3600 });
    const { socket, connected } = await useWebSocket(server, 'someone-else', tok);
    assert.ok(socket.connected);
    assert.equal(connected.user.id, 'user-456', 'the identity comes from the token');
    const bare = track(io(server.url, { forceNew: true, reconnection: false }));
    const err = await once(bare, 'connect_error');
    assert.match(err.message, /^Authentication error/);
  });

  it('VehicleTracking: subscribe:vehicle → vehicle:updated and vehicle:location; unsubscribe:vehicle stops them', async () => {
    const v = await vehicle(server);
    const { socket } = await useWebSocket(server, 'viewer-1', token('viewer-1', 'viewer'));
    let vehicleData = null;
    socket.on('vehicle:updated', (data) => {
      vehicleData = data.data;
    });
    const locations = collect(socket, 'vehicle:location');
    const first = once(socket, 'vehicle:updated');
    socket.emit('subscribe:vehicle', v.id);
    await first;
    assert.equal(vehicleData.plateNumber, `RUH ${v.id}`);
    assert.equal(typeof vehicleData.status, 'string');

    await post(server, `/api/vehicles/${v.id}/locations`, { lat: 24.7136, lng: 46.6753, speed: 45 }, v.device);
    await locations.waitFor(1);
    assert.equal(locations[0].vehicleId, v.id);
    assert.equal(locations[0].location.lat, 24.7136);
    assert.equal(locations[0].location.speed, 45);
    assertIso(locations[0].location.ts, 'location.ts');

    const changed = once(socket, 'vehicle:updated', 3000, (d) => d.data.status === 'maintenance');
    await post(server, `/api/vehicles/${v.id}/status`, { status: 'maintenance' }, v.device);
    await changed;
    assert.equal(vehicleData.status, 'maintenance');

    socket.emit('unsubscribe:vehicle', v.id);
    await settle(socket);
    await post(server, `/api/vehicles/${v.id}/locations`, { lat: 24.72, lng: 46.68 }, v.device);
    await settle(socket);
    assert.equal(locations.length, 1, 'no vehicle:location after unsubscribe:vehicle');
  });

  it('NotificationCenter: request-count → notification:count, notification:new, notification:broadcast, mark-read', async () => {
    const me = uid('nc');
    const { socket } = await useWebSocket(server, me, token(me, 'driver'));
    const counts = collect(socket, 'notification:count');
    socket.emit('notification:request-count');
    await counts.waitFor(1);
    assert.deepEqual(counts[0], { count: 0 });

    const arrived = once(socket, 'notification:new');
    await post(server, '/api/notifications', {
      title: 'Trip Update', message: 'Your trip has started', type: 'info', target: { kind: 'users', ids: [me] },
    });
    const notification = await arrived;
    assert.equal(notification.message, 'Your trip has started');
    assert.equal(notification.title, 'Trip Update');
    assert.equal(typeof notification.id, 'string', 'the key is `id` (the document renders notif._id)');

    const broadcast = once(socket, 'notification:broadcast');
    await post(server, '/api/notifications/broadcast', { title: 'System', message: 'System maintenance in 5 minutes', type: 'warning' });
    assert.equal((await broadcast).type, 'warning');

    socket.emit('notification:request-count');
    await counts.waitFor(2);
    assert.deepEqual(counts[1], { count: 2 });
    socket.emit('notification:mark-read', notification.id);
    await counts.waitFor(3);
    assert.deepEqual(counts[2], { count: 1 });
  });

  it('trips: trip:started to the live view, subscribe:trip tripId, trip:updated, trip:cancelled', async () => {
    const v = await vehicle(server);
    const { socket } = await useWebSocket(server, 'ops-1', token('ops-1', 'viewer'));
    socket.emit('subscribe:tracking');
    await settle(socket, 50);
    const started = once(socket, 'trip:started');
    const { socket: disp } = await useWebSocket(server, 'fleet-dispatch', DISPATCHER);
    const r = await ack(disp, 'trip:start', {
      vehicleId: v.id, origin: { lat: 24.7, lng: 46.7, name: 'Depot' }, destination: { lat: 24.8, lng: 46.7, name: 'Client' },
    });
    assert.equal(r.success, true, JSON.stringify(r));
    const s = await started;
    assert.equal(s.tripId, r.tripId);
    assert.equal(s.data.status, 'started');

    socket.emit('unsubscribe:tracking');
    socket.emit('subscribe:trip', r.tripId);
    await settle(socket, 50);
    const updated = once(socket, 'trip:updated');
    await post(server, `/api/vehicles/${v.id}/locations`, { lat: 24.72, lng: 46.7, speed: 50 }, v.device);
    const u = await updated;
    assert.equal(u.tripId, r.tripId);
    assert.ok(u.data.progress > 0);
    assertIso(u.data.eta, 'trip eta');

    const cancelled = once(socket, 'trip:cancelled');
    assert.equal((await ack(disp, 'trip:cancel', { tripId: r.tripId, reason: 'customer cancelled' })).success, true);
    assert.deepEqual(await cancelled, { tripId: r.tripId, reason: 'customer cancelled' });
  });

  it('GPS tracking: subscribe:tracking → tracking:update; request:active-vehicles lists active vehicles', async () => {
    const v = await vehicle(server);
    const { socket } = await useWebSocket(server, 'map-1', token('map-1', 'viewer'));
    socket.emit('subscribe:tracking');
    await settle(socket, 50);
    const update = once(socket, 'tracking:update', 3000, (u) => u.vehicleId === v.id);
    await post(server, `/api/vehicles/${v.id}/locations`, { lat: 24.71, lng: 46.66, speed: 30 }, v.device);
    assert.equal((await update).location.lng, 46.66);

    const list = once(socket, 'active-vehicles');
    socket.emit('request:active-vehicles');
    const vehicles = await list;
    assert.ok(Array.isArray(vehicles));
    assert.ok(vehicles.some((x) => x.id === v.id && x.status === 'active'), JSON.stringify(vehicles));
  });

  it('alerts: emergency:alert {alert, priority} and vehicle:low-fuel {vehicleId, fuelLevel}', async () => {
    const v = await vehicle(server);
    const { socket } = await useWebSocket(server, 'fleet-dispatch', DISPATCHER);
    socket.emit('subscribe:vehicle', v.id);
    await once(socket, 'vehicle:updated');
    const emergency = once(socket, 'emergency:alert', 3000, (e) => e.vehicleId === v.id);
    await post(server, `/api/vehicles/${v.id}/emergency`, { type: 'accident', message: 'Collision at exit 9' }, v.device);
    const e = await emergency;
    assert.equal(e.priority, 'critical');
    assert.equal(e.alert.type, 'accident');
    assert.equal(e.alert.message, 'Collision at exit 9');

    const low = once(socket, 'vehicle:low-fuel', 3000, (l) => l.vehicleId === v.id);
    await post(server, `/api/vehicles/${v.id}/status`, { fuelLevel: 9 }, v.device);
    assert.deepEqual(await low, { vehicleId: v.id, fuelLevel: 9 });
  });

  it('management: the active connections list (socketId, userId, role, connectedAt)', async () => {
    const me = uid('mgmt');
    const { socket } = await useWebSocket(server, me, token(me, 'viewer'));
    const res = await http(server, '/api/connections', { token: token('ops-admin', 'admin') });
    assert.equal(res.status, 200);
    const mine = res.body.data.find((c) => c.socketId === socket.id);
    assert.ok(mine, JSON.stringify(res.body));
    assert.equal(mine.userId, me);
    assert.equal(mine.role, 'viewer');
    assertIso(mine.connectedAt, 'connectedAt');
  });
});
