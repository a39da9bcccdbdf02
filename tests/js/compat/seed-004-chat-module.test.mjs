// Reference document seed 004 — "Socket.IO Real-Time Communication Module" (chat module). Its
// client connects with `query: {userId}` and reconnection options, listens for
// `getOnlineUsers` (the array of online user ids, sent to everyone on each change) and
// `newMessage` (sent by its REST controller `POST /api/messages` {receiverId, text}); group chat
// uses `joinRoom` / `leaveRoom` roomId → `userJoinedRoom` / `userLeftRoom`
// {userId, roomId, timestamp} and `sendMessageToRoom` {roomId, message} → `newRoomMessage`
// {userId, message, timestamp} to the others; typing is `typing` {receiverId, isTyping} →
// `userTyping` {userId, isTyping}; its production section adds `requestMissedMessages` →
// `missedMessages` [message] on reconnect, and authentication with `auth: {token}`.
//
// Server options: --getonlineusers and --presence-broadcast all. The one change a client of this
// document needs is the one its own "Production Improvements §2" makes: send a token. A userId
// in the query alone is never trusted (PROTOCOL.md §1); the token names the user.

import { describe, before, after, afterEach } from 'node:test';
import { io } from 'socket.io-client';
import {
  it, assert, startServer, stopServers, closeSockets, token, once, collect, settle, http, track, uid,
  assertIso, until,
} from '../harness.mjs';

/** The document's client with its production improvement: `query: {userId}` plus `auth: {token}`. */
async function chatClient(server, userId, { onSocket } = {}) {
  const socket = track(
    io(server.url, {
      query: { userId },
      auth: { token: token(userId, 'viewer') },
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionAttempts: 5,
      forceNew: true,
    }),
  );
  if (onSocket) onSocket(socket);
  await once(socket, 'connect');
  return socket;
}

describe('seed 004 — chat module, against Opsdeck --getonlineusers --presence-broadcast all', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--getonlineusers', '--presence-broadcast', 'all'] });
  });
  afterEach(closeSockets);
  after(stopServers);

  it('Testing: should emit getOnlineUsers on connection (containing test_user_123)', async () => {
    let users = [];
    await chatClient(server, 'test_user_123', {
      onSocket: (s) => s.on('getOnlineUsers', (u) => {
        users = u;
      }),
    });
    await until(() => users.includes('test_user_123'), 3000, 'getOnlineUsers with test_user_123');
    assert.ok(Array.isArray(users));
    assert.ok(users.every((u) => typeof u === 'string'));
  });

  it('the online list shrinks when a user disconnects', async () => {
    const watcher = await chatClient(server, uid('watch'));
    let users = [];
    watcher.on('getOnlineUsers', (u) => {
      users = u;
    });
    const leaver = uid('leaver');
    const s = await chatClient(server, leaver);
    await until(() => users.includes(leaver), 3000, 'leaver online');
    s.close();
    await until(() => !users.includes(leaver), 3000, 'leaver offline');
  });

  it('a userId in the query alone is refused: the token of "Production Improvements §2" is required', async () => {
    const socket = track(io(server.url, { query: { userId: 'user_12345' }, forceNew: true, reconnection: false }));
    const err = await once(socket, 'connect_error');
    assert.match(err.message, /^Authentication error/);
  });

  it('group chat rooms: joinRoom / sendMessageToRoom / leaveRoom', async () => {
    const room = uid('room_');
    const aId = uid('a');
    const bId = uid('b');
    const a = await chatClient(server, aId);
    const b = await chatClient(server, bId);
    a.emit('joinRoom', room);
    await settle(a, 50);
    const joined = once(a, 'userJoinedRoom');
    b.emit('joinRoom', room);
    const j = await joined;
    assert.equal(j.userId, bId);
    assert.equal(j.roomId, room);
    assertIso(j.timestamp, 'timestamp');

    const echo = collect(b, 'newRoomMessage');
    const got = once(a, 'newRoomMessage');
    b.emit('sendMessageToRoom', { roomId: room, message: 'Hello everyone!' });
    const { userId, message, timestamp } = await got;
    assert.equal(userId, bId);
    assert.equal(message, 'Hello everyone!');
    assertIso(timestamp, 'timestamp');
    await settle(b);
    assert.equal(echo.length, 0, 'everyone in the room EXCEPT the sender');

    const left = once(a, 'userLeftRoom');
    b.emit('leaveRoom', room);
    const l = await left;
    assert.equal(l.userId, bId);
    assert.equal(l.roomId, room);
  });

  it('typing indicator: typing {receiverId, isTyping} → userTyping {userId, isTyping}', async () => {
    const typist = uid('typist');
    const peerId = uid('peer');
    const a = await chatClient(server, typist);
    const b = await chatClient(server, peerId);
    const on = once(b, 'userTyping');
    a.emit('typing', { receiverId: peerId, isTyping: true });
    assert.deepEqual(await on, { userId: typist, isTyping: true });
    const off = once(b, 'userTyping');
    a.emit('typing', { receiverId: peerId, isTyping: false });
    assert.deepEqual(await off, { userId: typist, isTyping: false });
  });

  it('sendMessage controller: POST /api/messages {receiverId, text} → newMessage to the receiver', async () => {
    const senderId = uid('sender');
    const receiverId = uid('receiver');
    const receiver = await chatClient(server, receiverId);
    const got = once(receiver, 'newMessage');
    const res = await http(server, '/api/messages', {
      method: 'POST', token: token(senderId, 'viewer'), body: { receiverId, text: 'Hey there' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.success, true);
    const m = await got;
    assert.deepEqual(res.body.message, m, 'the response carries the message, as the controller does');
    assert.equal(m.senderId, senderId);
    assert.equal(m.text, 'Hey there');
    assert.equal(typeof m.id, 'string');
    assertIso(m.timestamp, 'timestamp');
  });

  it('reconnection: messages sent while offline come back with requestMissedMessages → missedMessages', async () => {
    const receiverId = uid('away');
    const away = await chatClient(server, receiverId);
    away.close();
    // "offline" is what the server knows: wait until it has seen the disconnect
    const admin = token('ops-admin', 'admin');
    await until(async () => {
      const res = await http(server, '/api/connections', { token: admin });
      return !res.body.data.some((c) => c.userId === receiverId);
    }, 3000, 'the server to see the disconnect');
    const tok = token(uid('boss'), 'viewer');
    for (const text of ['first while away', 'second while away']) {
      const res = await http(server, '/api/messages', { method: 'POST', token: tok, body: { receiverId, text } });
      assert.equal(res.status, 201, res.text);
    }
    const back = await chatClient(server, receiverId);
    const missed = once(back, 'missedMessages');
    back.emit('requestMissedMessages');
    const messages = await missed;
    assert.ok(Array.isArray(messages), 'the payload is the array itself');
    assert.deepEqual(messages.map((m) => m.text), ['first while away', 'second while away']);
    for (const m of messages) assert.equal(m.receiverId, receiverId);
    const again = once(back, 'missedMessages');
    back.emit('requestMissedMessages');
    assert.deepEqual(await again, [], 'delivered now');
  });
});
