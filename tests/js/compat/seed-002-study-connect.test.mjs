// Reference document seed 002 — "Socket.IO (Backend)", StudyConnect. Its clients connect with
// `auth: {token}` (a JWT whose `id` names the user; no token → "Authentication error: ..."), see
// `user:status` {userId, status} for everyone else, join study rooms with a bare `roomId`
// (`room:join` / `room:leave` → `room:userJoined` {roomId, user} / `room:userLeft`
// {roomId, userId}), chat in them (`message:send` {roomId, text} → `message:received`
// {id, roomId, sender, text, createdAt} to the whole room, sender included), send direct
// messages (`dm:send` {recipientId, text} → `dm:received` to both sides, `dm:error`
// {message: 'Recipient not found'}), show typing (`typing:start` / `typing:stop` {roomId} →
// `typing:update` {roomId, userId, firstName, isTyping}) and hear of rooms created over REST
// (`room:created` {id, name, description, isPublic, createdBy: {id, firstName, lastName}}).
//
// Server options: --presence-broadcast all (user:status to everyone), --cors-origin
// http://localhost:3000 (its FRONTEND_URL). The document's `socket.user` comes from its users
// table; Opsdeck's comes from the token: firstName / lastName are split from the `name` claim.

import { describe, before, after, afterEach } from 'node:test';
import { io } from 'socket.io-client';
import {
  it, assert, startServer, stopServers, closeSockets, sign, nowS, once, collect, settle, http, track,
  uid, assertIso,
} from '../harness.mjs';

/** A StudyConnect token: `id`, role and display name, as its auth middleware decodes. */
function studyToken(id, name) {
  return sign({ id, role: 'viewer', name, exp: nowS() + 3600 });
}

/** The StudyConnect client: `io(URL, {auth: {token}})`. */
async function student(server, id, name) {
  const socket = track(io(server.url, { auth: { token: studyToken(id, name) }, forceNew: true, reconnection: false }));
  await once(socket, 'connect');
  return socket;
}

function assertStudent(user, id, firstName, lastName) {
  assert.equal(user.id, id);
  assert.equal(user.firstName, firstName);
  assert.equal(user.lastName, lastName);
}

describe('seed 002 — StudyConnect, against Opsdeck --presence-broadcast all', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--presence-broadcast', 'all', '--cors-origin', 'http://localhost:3000'] });
  });
  afterEach(closeSockets);
  after(stopServers);

  it('auth middleware: no token → "Authentication error: ..."; a JWT with `id` connects', async () => {
    const anon = track(io(server.url, { forceNew: true, reconnection: false }));
    const err = await once(anon, 'connect_error');
    assert.match(err.message, /^Authentication error: /);
    const bad = track(io(server.url, { auth: { token: 'not-a-jwt' }, forceNew: true, reconnection: false }));
    assert.match((await once(bad, 'connect_error')).message, /^Authentication error: /);
    const ok = await student(server, uid('s'), 'Grace Hopper');
    assert.ok(ok.connected);
  });

  it('presence: the others get user:status {userId, status} online, then offline', async () => {
    const watcher = await student(server, uid('w'), 'Watch Er');
    const statuses = collect(watcher, 'user:status');
    const id = uid('p');
    const cameOnline = once(watcher, 'user:status', 3000, (st) => st.userId === id && st.status === 'online');
    const s = await student(server, id, 'Alan Turing');
    const online = await cameOnline;
    assertIso(online.lastActivity, 'lastActivity');
    const own = collect(s, 'user:status');
    const wentOffline = once(watcher, 'user:status', 3000, (st) => st.userId === id && st.status === 'offline');
    s.close();
    await wentOffline;
    assert.equal(statuses.filter((st) => st.userId === id).length, 2);
    assert.equal(own.length, 0);
  });

  it('study rooms: room:join / message:send / room:leave with the document payloads', async () => {
    const room = uid('algebra');
    const bobId = uid('bob');
    const ada = await student(server, uid('ada'), 'Ada Lovelace');
    const bob = await student(server, bobId, 'Bob Stone');
    ada.emit('room:join', room);
    await settle(ada, 50);
    const joined = once(ada, 'room:userJoined');
    bob.emit('room:join', room);
    const j = await joined;
    assert.equal(j.roomId, room);
    assertStudent(j.user, bobId, 'Bob', 'Stone');
    assert.equal(j.user.role, 'viewer');

    const atAda = once(ada, 'message:received');
    const atBob = once(bob, 'message:received');
    bob.emit('message:send', { roomId: room, text: 'Who has the notes for chapter 3?' });
    const [m1, m2] = await Promise.all([atAda, atBob]);
    assert.deepEqual(m1, m2, 'the whole room, sender included, gets the same message');
    assert.equal(m1.roomId, room);
    assert.equal(m1.text, 'Who has the notes for chapter 3?');
    assertStudent(m1.sender, bobId, 'Bob', 'Stone');
    assert.equal(typeof m1.id, 'string');
    assertIso(m1.createdAt, 'createdAt');

    const left = once(ada, 'room:userLeft');
    bob.emit('room:leave', room);
    assert.deepEqual(await left, { roomId: room, userId: bobId });
    const after = collect(bob, 'message:received');
    ada.emit('message:send', { roomId: room, text: 'bye' });
    await once(ada, 'message:received');
    await settle(bob);
    assert.equal(after.length, 0);

    // "Save message to database": it is there for a client that comes back later
    const later = await student(server, uid('late'), 'Late Comer');
    const history = await later.timeout(3000).emitWithAck('message:history', { roomId: room });
    assert.deepEqual(history.messages.map((m) => m.text), ['bye', 'Who has the notes for chapter 3?']);
  });

  it('direct messages: dm:received to recipient and sender; dm:error for an unknown recipient', async () => {
    const aId = uid('dma');
    const bId = uid('dmb');
    const a = await student(server, aId, 'Marie Curie');
    const b = await student(server, bId, 'Pierre Curie');
    const atA = once(a, 'dm:received');
    const atB = once(b, 'dm:received');
    a.emit('dm:send', { recipientId: bId, text: 'Lab at 9?' });
    const [ma, mb] = await Promise.all([atA, atB]);
    assert.deepEqual(ma, mb);
    assertStudent(ma.sender, aId, 'Marie', 'Curie');
    assert.equal(ma.recipientId, bId);
    assert.equal(ma.text, 'Lab at 9?');
    assertIso(ma.createdAt, 'createdAt');

    const err = once(a, 'dm:error');
    a.emit('dm:send', { recipientId: 'nobody-here', text: 'hello?' });
    assert.equal((await err).message, 'Recipient not found');
  });

  it('typing indicators: typing:start / typing:stop {roomId} → typing:update to the others', async () => {
    const room = uid('typing');
    const aId = uid('ta');
    const a = await student(server, aId, 'Rosalind Franklin');
    const b = await student(server, uid('tb'), 'James Watson');
    a.emit('room:join', room);
    b.emit('room:join', room);
    await settle([a, b], 50);
    const mine = collect(a, 'typing:update');
    const start = once(b, 'typing:update');
    a.emit('typing:start', { roomId: room });
    assert.deepEqual(await start, { roomId: room, userId: aId, firstName: 'Rosalind', isTyping: true });
    const stop = once(b, 'typing:update');
    a.emit('typing:stop', { roomId: room });
    assert.deepEqual(await stop, { roomId: room, userId: aId, firstName: 'Rosalind', isTyping: false });
    await settle(a);
    assert.equal(mine.length, 0, 'not to the typist');
  });

  it('REST: POST /api/rooms → 201 {success, data}; every client gets room:created', async () => {
    const onlooker = await student(server, uid('look'), 'Onlooker Person');
    const created = once(onlooker, 'room:created');
    const creator = uid('creator');
    const res = await http(server, '/api/rooms', {
      method: 'POST',
      token: studyToken(creator, 'Katherine Johnson'),
      body: { name: 'Orbital mechanics', description: 'Weekly study group', isPublic: true },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.success, true);
    const room = await created;
    assert.deepEqual(room, res.body.data);
    assert.equal(room.name, 'Orbital mechanics');
    assert.equal(room.description, 'Weekly study group');
    assert.equal(room.isPublic, true);
    assertStudent(room.createdBy, creator, 'Katherine', 'Johnson');
    // the new room can be joined by id
    const s = await student(server, uid('joiner'), 'Join Er');
    const r = await s.timeout(3000).emitWithAck('room:join', room.id);
    assert.equal(r.success, true);
  });
});
