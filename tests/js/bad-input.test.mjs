// PROTOCOL.md §2 across every client→server event of §3–§9 (§1 has none): a table of the events
// with a valid payload and the type of each field, from which the bad payloads are generated —
// wrong types (for the payload and for each field), missing fields, nulls, huge strings
// (60,000 characters, under the 64 KiB packet limit), deep nesting (200 levels, beyond the JSON
// parser's recursion limit; and 100 levels inside a field), arrays (no event takes one) and
// unknown fields. Each must be answered with the §2 failure `bad_request` (ack, or `error` /
// `dm:error` without one), write nothing, and leave every other socket alone.
//
// Events that take no payload (`get:online:count`, `dashboard:subscribe`, …) ignore whatever is
// sent with them, as the reference backends do (their clients call them both with and without
// arguments); for them only an unreadable payload is bad_request, and the table checks that
// anything else is answered as if nothing had been sent.

import { describe, before, after } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, connectAdmin, token, ack, collect,
  settle, http, once, assertFailure, assertSuccess, assertErrorEvent, uid,
} from './harness.mjs';

const HUGE = 'x'.repeat(60_000);
const nest = (depth, leaf = 1) => {
  let v = leaf;
  for (let i = 0; i < depth; i += 1) v = [v];
  return v;
};
const DEEP = nest(200);
const ISO = () => new Date().toISOString();

// Field types, and values of the wrong type for each.
const WRONG = {
  id: [12345, { a: 1 }, true],
  text: [12345, ['x']],
  ts: [12345, 'not a time'],
  enum: [7, 'no-such-value'],
  num: ['ten', { a: 1 }],
  int: ['ten', -1, 1.5],
  bool: ['yes', 1],
  obj: ['x', 42, []],
  arr: ['x', 42, {}],
  any: [], // free-form JSON (notification `data`)
};
const STRINGY = new Set(['id', 'text', 'ts', 'enum']);

/**
 * The table. kind: 'object' (required object), 'optional' (object or nothing), 'ref' (a bare id
 * or {field: id}), 'none' (no payload). fields: name → type; opt: optional fields.
 */
function table(f) {
  return [
    // §3 presence
    { event: 'presence:subscribe', kind: 'optional', valid: { limit: 10 }, fields: { limit: 'int', after: 'id' }, opt: ['limit', 'after'] },
    { event: 'presence:list', kind: 'optional', valid: { limit: 10, after: 'a' }, fields: { limit: 'int', after: 'id' }, opt: ['limit', 'after'] },
    { event: 'get:online:count', kind: 'none' },
    // §4 KPIs
    { event: 'module:subscribe', kind: 'ref', field: 'moduleKey', valid: 'finance' },
    { event: 'module:unsubscribe', kind: 'ref', field: 'moduleKey', valid: 'finance' },
    { event: 'dashboard:subscribe', kind: 'none' },
    {
      event: 'kpi:report', kind: 'object',
      valid: { moduleKey: f.module, kpis: [{ key: 'k1', label: 'K one', value: 1, unit: 'u', trend: '+1%' }] },
      fields: { moduleKey: 'id', kpis: 'arr' },
      extra: [{ moduleKey: f.module, kpis: [{ key: 'k1', value: 'one' }] }, { moduleKey: f.module, kpis: [{ key: HUGE, value: 1 }] },
        { moduleKey: f.module, kpis: [{ key: 'k1', value: 1, zz: 1 }] }, { moduleKey: f.module, kpis: [{ value: 1 }] }],
    },
    {
      event: 'kpi:threshold', kind: 'object',
      valid: { moduleKey: 'finance', key: f.kpi, warning: 10, critical: 20, direction: 'above' },
      fields: { moduleKey: 'id', key: 'id', warning: 'num', critical: 'num', direction: 'enum' },
    },
    // §5 fleet
    { event: 'subscribe:vehicle', kind: 'ref', field: 'vehicleId', valid: f.vehicle },
    { event: 'unsubscribe:vehicle', kind: 'ref', field: 'vehicleId', valid: f.vehicle },
    { event: 'subscribe:tracking', kind: 'optional', valid: { batchMs: 1000 }, fields: { batchMs: 'int' }, opt: ['batchMs'], extra: [{ batchMs: 1 }, { batchMs: 999_999 }] },
    { event: 'unsubscribe:tracking', kind: 'none' },
    { event: 'request:active-vehicles', kind: 'none' },
    {
      event: 'location:report', kind: 'object',
      valid: { vehicleId: f.vehicle, lat: 24.7, lng: 46.7, speed: 10, heading: 90, accuracy: 5, fuelLevel: 50, ts: ISO() },
      fields: { vehicleId: 'id', lat: 'num', lng: 'num', speed: 'num', heading: 'num', accuracy: 'num', fuelLevel: 'num', ts: 'ts' },
      opt: ['speed', 'heading', 'accuracy', 'fuelLevel', 'ts'],
      extra: [{ vehicleId: f.vehicle, lat: 95, lng: 46.7 }, { vehicleId: f.vehicle, lat: 24.7, lng: 46.7, fuelLevel: 101 }],
    },
    {
      event: 'vehicle:report-status', kind: 'object', valid: { vehicleId: f.vehicle, status: 'maintenance', fuelLevel: 50 },
      fields: { vehicleId: 'id', status: 'enum', fuelLevel: 'num' }, opt: ['status', 'fuelLevel'],
    },
    { event: 'emergency:raise', kind: 'object', valid: { vehicleId: f.vehicle, type: 'sos', message: 'help' }, fields: { vehicleId: 'id', type: 'text', message: 'text' } },
    {
      event: 'vehicle:upsert', kind: 'object', valid: { id: f.newVehicle, plateNumber: 'BAD 1', name: 'Van', driverId: 'drv-1' },
      fields: { id: 'id', plateNumber: 'text', name: 'text', driverId: 'id' }, opt: ['name', 'driverId'],
    },
    {
      event: 'vehicle:history', kind: 'object', valid: { vehicleId: f.vehicle, from: '2026-01-01T00:00:00Z', to: ISO(), limit: 10 },
      fields: { vehicleId: 'id', from: 'ts', to: 'ts', limit: 'int' }, opt: ['limit'],
      extra: [{ vehicleId: f.vehicle, from: '2026-01-01T00:00:00Z', to: ISO(), limit: 10_001 }],
    },
    {
      event: 'trip:start', kind: 'object',
      valid: { vehicleId: f.vehicle, origin: { lat: 24.7, lng: 46.7, name: 'A' }, destination: { lat: 24.8, lng: 46.7 }, driverId: 'drv-1' },
      fields: { vehicleId: 'id', origin: 'obj', destination: 'obj', driverId: 'id' }, opt: ['driverId'],
      extra: [{ vehicleId: f.vehicle, origin: { lat: 24.7 }, destination: { lat: 24.8, lng: 46.7 } },
        { vehicleId: f.vehicle, origin: { lat: 24.7, lng: 46.7, zz: 1 }, destination: { lat: 24.8, lng: 46.7 } }],
    },
    { event: 'trip:complete', kind: 'ref', field: 'tripId', valid: 'trp_none' },
    { event: 'trip:cancel', kind: 'object', valid: { tripId: 'trp_none', reason: 'r' }, fields: { tripId: 'id', reason: 'text' } },
    { event: 'subscribe:trip', kind: 'ref', field: 'tripId', valid: 'trp_none' },
    {
      event: 'geofence:create', kind: 'object', valid: { name: 'Depot', circle: { lat: 24.7, lng: 46.7, radiusM: 100 } },
      fields: { name: 'text', circle: 'obj', polygon: 'arr' }, opt: ['circle', 'polygon'],
      extra: [{ name: 'Depot' }, { name: 'Depot', circle: { lat: 24.7, lng: 46.7, radiusM: -1 } }, { name: 'Depot', polygon: [[1, 2]] }],
    },
    { event: 'geofence:delete', kind: 'ref', field: 'geofenceId', valid: 'geo_none' },
    { event: 'geofence:list', kind: 'none' },
    {
      event: 'alert:list', kind: 'optional', valid: { unackedOnly: true, limit: 10 }, fields: { unackedOnly: 'bool', before: 'text', limit: 'int' },
      opt: ['unackedOnly', 'before', 'limit'], extra: [{ limit: 201 }, { before: 'not-a-cursor' }],
    },
    { event: 'alert:ack', kind: 'ref', field: 'alertId', valid: 'alr_none' },
    // §6 notifications
    { event: 'notification:subscribe', kind: 'none' },
    {
      event: 'notification:send', kind: 'object',
      valid: { title: 'T', message: 'M', type: 'info', target: { kind: 'users', ids: [f.peer] }, data: { a: 1 } },
      fields: { title: 'text', message: 'text', type: 'enum', target: 'obj', data: 'any' }, opt: ['data'],
      extra: [{ title: 'T', message: 'M', type: 'info', target: { kind: 'users', ids: [f.peer, 'bad id!'] } },
        { title: 'T', message: 'M', type: 'info', target: { kind: 'everyone' } }],
    },
    { event: 'notification:request-count', kind: 'none' },
    { event: 'notification:mark-read', kind: 'ref', field: 'notificationId', valid: 'ntf_none' },
    { event: 'notification:mark-all-read', kind: 'none' },
    {
      event: 'notification:list', kind: 'optional', valid: { limit: 10, unreadOnly: true }, fields: { before: 'text', limit: 'int', unreadOnly: 'bool' },
      opt: ['before', 'limit', 'unreadOnly'], extra: [{ limit: 101 }, { before: 'not-a-cursor' }],
    },
    // §7 chat
    { event: 'room:join', kind: 'ref', field: 'roomId', valid: f.freshRoom },
    { event: 'room:leave', kind: 'ref', field: 'roomId', valid: f.room },
    { event: 'message:send', kind: 'object', valid: { roomId: f.room, text: 'hi' }, fields: { roomId: 'id', text: 'text' }, extra: [{ roomId: f.room, text: '' }, { roomId: f.room, content: 'mixed' }] },
    { event: 'dm:send', kind: 'object', valid: { recipientId: f.peer, text: 'hi' }, fields: { recipientId: 'id', text: 'text' }, failure: 'dm:error' },
    { event: 'typing:start', kind: 'object', valid: { roomId: f.room }, fields: { roomId: 'id' } },
    { event: 'typing:stop', kind: 'object', valid: { roomId: f.room }, fields: { roomId: 'id' } },
    { event: 'message:read', kind: 'object', valid: { messageId: 'msg_none', senderId: f.peer }, fields: { messageId: 'id', senderId: 'id' }, opt: ['senderId'] },
    {
      event: 'message:history', kind: 'object', valid: { roomId: f.room, limit: 10 }, fields: { roomId: 'id', before: 'text', limit: 'int' },
      opt: ['before', 'limit'], extra: [{ roomId: f.room, peerId: f.peer }, { limit: 10 }, { roomId: f.room, limit: 201 }, { roomId: f.room, before: 'nope' }],
    },
    // §9 alternative names
    { event: 'conversation:join', kind: 'ref', field: 'conversationId', valid: f.freshRoom },
    { event: 'conversation:leave', kind: 'ref', field: 'conversationId', valid: f.room },
    { event: 'message:send', label: 'message:send (§9)', kind: 'object', valid: { conversationId: f.room, content: 'hi' }, fields: { conversationId: 'id', content: 'text' } },
    { event: 'private:message', kind: 'object', valid: { recipientUserId: f.peer, content: 'hi' }, fields: { recipientUserId: 'id', content: 'text' } },
    { event: 'joinRoom', kind: 'ref', field: 'roomId', valid: f.freshRoom },
    { event: 'leaveRoom', kind: 'ref', field: 'roomId', valid: f.room },
    { event: 'sendMessageToRoom', kind: 'object', valid: { roomId: f.room, message: 'hi' }, fields: { roomId: 'id', message: 'text' } },
    { event: 'typing', kind: 'object', valid: { receiverId: f.peer, isTyping: true }, fields: { receiverId: 'id', isTyping: 'bool' } },
    { event: 'typing:start', label: 'typing:start (§9)', kind: 'object', valid: { conversationId: f.room }, fields: { conversationId: 'id' } },
    { event: 'requestMissedMessages', kind: 'none' },
    // §8 operations, namespace /admin
    { ns: '/admin', event: 'stats:subscribe', kind: 'none' },
    { ns: '/admin', event: 'stats:unsubscribe', kind: 'none' },
    { ns: '/admin', event: 'sockets:list', kind: 'optional', valid: { limit: 10 }, fields: { limit: 'int', after: 'id' }, opt: ['limit', 'after'], extra: [{ limit: 1001 }] },
    { ns: '/admin', event: 'socket:disconnect', kind: 'object', valid: { socketId: 'no-such-socket' }, fields: { socketId: 'id' } },
    { ns: '/admin', event: 'sockets:disconnect-all', kind: 'none', destructive: true },
    { ns: '/admin', event: 'rooms:list', kind: 'none' },
  ];
}

/** The bad payloads of one row: [description, payload]. */
function badPayloads(row) {
  const out = [['200 levels deep', DEEP]];
  if (row.kind === 'none') return out;
  out.push(['array payload', [row.valid]]);
  const push = (what, payload) => out.push([what, payload]);
  if (row.kind === 'ref') {
    const f = row.field;
    for (const v of [42, true, [], {}]) push(`payload ${JSON.stringify(v)}`, v);
    push('null payload', null);
    push('missing payload', undefined);
    push('invalid id', 'bad id!');
    push('huge bare id', HUGE);
    push(`${f}: number`, { [f]: 42 });
    push(`${f}: null`, { [f]: null });
    push(`${f}: huge`, { [f]: HUGE });
    push(`${f}: 100 levels deep`, { [f]: nest(100, 'x') });
    push('unknown field', { [f]: row.valid, zzUnknown: 1 });
    return out;
  }
  const opt = new Set(row.opt ?? []);
  for (const v of [42, 'a string', true, []]) push(`payload ${JSON.stringify(v).slice(0, 40)}`, v);
  if (row.kind === 'object') {
    push('null payload', null);
    push('missing payload', undefined);
  }
  push('unknown field', { ...row.valid, zzUnknown: 1 });
  for (const [name, type] of Object.entries(row.fields)) {
    const without = { ...row.valid };
    delete without[name];
    if (!opt.has(name)) {
      push(`${name}: missing`, without);
      push(`${name}: null`, { ...row.valid, [name]: null });
    }
    for (const w of WRONG[type]) push(`${name}: ${JSON.stringify(w)}`, { ...row.valid, [name]: w });
    if (STRINGY.has(type)) push(`${name}: huge string`, { ...row.valid, [name]: HUGE });
    if (type !== 'any') push(`${name}: 100 levels deep`, { ...row.valid, [name]: nest(100, 'x') });
  }
  for (const extra of row.extra ?? []) push(`invalid ${JSON.stringify(extra).slice(0, 60)}`, extra);
  return out;
}

/** Emits with an ack, sending no argument at all for `undefined`. */
function send(socket, event, payload) {
  return payload === undefined ? ack(socket, event) : ack(socket, event, payload);
}

describe('§2 bad input across every event of §3–§9', () => {
  let server;
  let fx;
  let actor;
  let adminNs;
  let bystander;
  let seen;
  before(async () => {
    server = await startServer({ args: ['--rate-limit', '1000000', '--rate-burst', '1000000'] });
    const admin = token(uid('bad-admin'), 'admin');
    fx = {
      module: uid('bimod'),
      kpi: uid('bikpi'),
      vehicle: uid('BI-V'),
      newVehicle: uid('BI-NEW'),
      room: uid('bi-room'),
      freshRoom: uid('bi-fresh'),
      peer: uid('bi-peer'),
    };
    const res = await http(server, '/api/vehicles', { method: 'POST', token: admin, body: { id: fx.vehicle, plateNumber: 'BI 1' } });
    assert.equal(res.status, 200, res.text);
    ({ socket: actor } = await connect(server, admin));
    ({ socket: bystander } = await connect(server, token(fx.peer, 'viewer')));
    adminNs = await connectAdmin(server, admin);
    for (const s of [actor, bystander]) assertSuccess(await ack(s, 'room:join', fx.room));
    assertSuccess(await ack(bystander, 'subscribe:vehicle', fx.vehicle));
    assertSuccess(await ack(bystander, 'notification:subscribe'));
    await settle([actor, bystander]);
    seen = [];
    bystander.onAny((event, payload) => seen.push([event, payload]));
  });
  after(async () => {
    await closeSockets();
    await stopServers();
  });

  it('every bad payload gets bad_request (ack), the sender stays connected, the bystander hears nothing', async () => {
    let cases = 0;
    const wrong = [];
    for (const row of table(fx)) {
      const socket = row.ns === '/admin' ? adminNs : actor;
      const name = row.label ?? row.event;
      for (const [what, payload] of badPayloads(row)) {
        const reply = await send(socket, row.event, payload);
        cases += 1;
        if (reply?.success !== false || reply?.error?.code !== 'bad_request') {
          wrong.push(`${name} ${what}: ${JSON.stringify(reply).slice(0, 200)}`);
        }
      }
      // no-payload events ignore well-formed arguments, as the reference backends do
      if (row.kind === 'none' && !row.destructive) {
        for (const junk of [42, 'x', { zzUnknown: 1 }, [1, 2], null]) {
          const reply = await send(socket, row.event, junk);
          cases += 1;
          if (reply?.success !== true) wrong.push(`${name} ignores ${JSON.stringify(junk)}: ${JSON.stringify(reply)}`);
        }
      }
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${cases} cases answered wrongly`);
    assert.ok(cases > 500, `only ${cases} cases`);
    assert.ok(actor.connected && adminNs.connected && bystander.connected);
    await settle([actor, bystander]);
    const heard = seen.map(([e]) => e);
    assert.deepEqual(heard, [], `the bystander heard ${heard.join(', ')}`);
  }, { timeout: 120_000 });

  it('without an ack, a bad payload is reported as `error` {event, code, message} (`dm:error` for dm:send)', async () => {
    const errors = collect(actor, 'error');
    const dmErrors = collect(actor, 'dm:error');
    const rows = table(fx).filter((r) => r.kind !== 'none' && !r.ns);
    for (const row of rows) actor.emit(row.event, 42);
    await settle(actor);
    const expected = rows.filter((r) => !r.failure).map((r) => r.event);
    assert.deepEqual(errors.map((e) => e.event).sort(), expected.sort());
    for (const e of errors) assertErrorEvent(e, e.event, 'bad_request');
    assert.equal(dmErrors.length, 1);
    assert.equal(dmErrors[0].code, 'bad_request');
    assert.equal(typeof dmErrors[0].message, 'string');
    const adminErrors = collect(adminNs, 'error');
    adminNs.emit('sockets:list', 'x');
    assertErrorEvent(await once(adminNs, 'error'), 'sockets:list', 'bad_request');
    assert.equal(adminErrors.length, 1);
  });

  it('nothing was written', async () => {
    const empty = async (event, payload, key) => {
      const r = assertSuccess(await ack(actor, event, payload), event);
      assert.deepEqual(r[key], [], `${event} ${key}`);
    };
    await empty('notification:list', {}, 'items');
    await empty('alert:list', {}, 'alerts');
    await empty('geofence:list', undefined, 'geofences');
    await empty('message:history', { roomId: fx.room }, 'messages');
    await empty('message:history', { peerId: fx.peer }, 'messages');
    assertFailure(await ack(actor, 'message:history', { roomId: fx.freshRoom }), 'not_found', 'no room was created');
    assertFailure(await ack(actor, 'module:subscribe', fx.module), 'not_found', 'no KPI module was created');
    const missed = assertSuccess(await ack(bystander, 'requestMissedMessages'));
    assert.deepEqual(missed.messages, []);
    const vehicles = await http(server, '/api/vehicles', { token: token('bi-reader', 'viewer') });
    const list = vehicles.body.data.vehicles;
    assert.deepEqual(list.map((v) => v.id), [fx.vehicle], "no vehicle was registered");
    const v = list[0];
    assert.equal(v.status, 'offline', 'no status report was applied');
    assert.equal(v.location, undefined, 'no position was applied');
    assert.equal(v.tripId, undefined, 'no trip was started');
    const history = assertSuccess(await ack(actor, 'vehicle:history', { vehicleId: fx.vehicle, from: '2020-01-01T00:00:00Z', to: new Date().toISOString() }));
    assert.deepEqual(history.locations, []);
    // the bystander is still in the room and still reachable
    const rooms = assertSuccess(await ack(adminNs, 'rooms:list'));
    assert.ok(rooms.rooms.some((r) => r.name === `room:${fx.room}` && r.size === 2), JSON.stringify(rooms));
  });

  it('the table is right: every template itself is accepted (or refused for a reason other than its shape)', async () => {
    for (const row of table(fx)) {
      if (row.destructive || row.kind === 'none') continue;
      const socket = row.ns === '/admin' ? adminNs : actor;
      const reply = await send(socket, row.event, row.valid);
      assert.ok(
        reply.success === true || reply.error.code !== 'bad_request',
        `${row.label ?? row.event} ${JSON.stringify(row.valid)}: ${JSON.stringify(reply)}`,
      );
    }
  });
});
