// PROTOCOL.md §3: presence events, presence:list, counts, broadcast options, getOnlineUsers.

import { describe, after, afterEach } from 'node:test';
import {
  it, assert, startServer, stopServers, closeSockets, connect, token, ack, collect, settle, until,
  assertFailure, assertSuccess, assertKeys, assertIso, sleep, once,
} from './harness.mjs';

function assertPresenceUser(u) {
  assertKeys(u, ['userId', 'name', 'role', 'status', 'connections', 'since'], 'PresenceUser');
  assert.equal(typeof u.userId, 'string');
  assert.equal(typeof u.name, 'string');
  assert.equal(u.status, 'online');
  assert.equal(typeof u.connections, 'number');
  assert.ok(u.connections >= 1);
  assertIso(u.since, 'PresenceUser.since');
}

function assertPage(reply) {
  assertSuccess(reply);
  assertKeys(reply, ['success', 'users', 'nextCursor'], 'presence:list ack');
  assert.ok(Array.isArray(reply.users));
  reply.users.forEach(assertPresenceUser);
  assert.ok(reply.nextCursor === null || typeof reply.nextCursor === 'string', 'nextCursor is a string or null');
  return reply;
}

async function connectionsOf(socket, userId) {
  const page = assertPage(await ack(socket, 'presence:list', { limit: 1000 }));
  return page.users.find((u) => u.userId === userId)?.connections ?? 0;
}

afterEach(closeSockets);
after(stopServers);

describe('§3 presence (presence-broadcast = subscribers)', () => {
  it('presence:subscribe acks a presence:list page including the subscriber', async () => {
    const server = await startServer();
    const { socket: a1 } = await connect(server, token('alice', 'driver', { name: 'Alice A' }));
    await connect(server, token('alice', 'driver', { name: 'Alice A' }));
    const { socket: obs } = await connect(server, token('observer', 'viewer', { name: 'Obs' }));
    const page = assertPage(await ack(obs, 'presence:subscribe'));
    assert.deepEqual(page.users.map((u) => u.userId), ['alice', 'observer']);
    const alice = page.users[0];
    assert.equal(alice.name, 'Alice A');
    assert.equal(alice.role, 'driver');
    assert.equal(alice.connections, 2, 'alice has two sockets');
    assert.equal(page.users[1].connections, 1);
    assert.equal(page.nextCursor, null);
    assert.ok(a1.connected);
  });

  it('user:online / user:offline / user:status once per transition, not per tab', async () => {
    const server = await startServer();
    const { socket: obs } = await connect(server, token('observer', 'viewer'));
    const { socket: bystander } = await connect(server, token('bystander', 'viewer'));
    assertSuccess(await ack(obs, 'presence:subscribe'));
    const online = collect(obs, 'user:online');
    const offline = collect(obs, 'user:offline');
    const status = collect(obs, 'user:status');
    const byOnline = collect(bystander, 'user:online');
    const byStatus = collect(bystander, 'user:status');

    const before = Date.now();
    const { socket: tab1 } = await connect(server, token('carol', 'viewer'));
    await online.waitFor(1);
    await status.waitFor(1);
    assert.deepEqual(online[0], { userId: 'carol' });
    assertKeys(status[0], ['userId', 'status', 'lastActivity'], 'user:status');
    assert.equal(status[0].userId, 'carol');
    assert.equal(status[0].status, 'online');
    assertIso(status[0].lastActivity, 'user:status.lastActivity');
    assert.ok(Date.parse(status[0].lastActivity) >= before - 60_000);

    // second tab: no new transition
    const { socket: tab2 } = await connect(server, token('carol', 'viewer'));
    await until(async () => (await connectionsOf(obs, 'carol')) === 2, 3000, 'carol to have 2 connections');
    await settle([obs, tab2]);
    assert.equal(online.length, 1, 'second tab connecting emits no user:online');
    assert.equal(status.length, 1, 'second tab connecting emits no user:status');

    // second tab leaves: still online, nothing emitted
    tab2.close();
    await until(async () => (await connectionsOf(obs, 'carol')) === 1, 3000, 'carol back to 1 connection');
    await settle(obs);
    assert.equal(offline.length, 0, 'first of two tabs disconnecting emits no user:offline');
    assert.equal(status.length, 1);

    // last tab leaves: offline
    tab1.close();
    await offline.waitFor(1);
    await status.waitFor(2);
    assert.deepEqual(offline[0], { userId: 'carol' });
    assertKeys(status[1], ['userId', 'status', 'lastActivity'], 'user:status');
    assert.equal(status[1].userId, 'carol');
    assert.equal(status[1].status, 'offline');
    assertIso(status[1].lastActivity);
    await settle(obs);
    assert.equal(online.length, 1);
    assert.equal(offline.length, 1);
    assert.equal(status.length, 2);
    assert.equal(await connectionsOf(obs, 'carol'), 0, 'carol no longer listed');

    // default mode: non-subscribers get nothing
    assert.equal(byOnline.length, 0, 'a non-subscriber gets no user:online');
    assert.equal(byStatus.length, 0, 'a non-subscriber gets no user:status');
  });

  it('presence:list is ordered by userId and pages with after/nextCursor', async () => {
    const server = await startServer();
    const ids = ['p-carol', 'p-alice', 'p-eve', 'p-bob', 'p-dave'];
    for (const id of ids) await connect(server, token(id, 'viewer'));
    const { socket: obs } = await connect(server, token('p-zed', 'viewer'));
    const all = [...ids, 'p-zed'].sort();

    const full = assertPage(await ack(obs, 'presence:list', {}));
    assert.deepEqual(full.users.map((u) => u.userId), all);
    assert.equal(full.nextCursor, null);

    const seen = [];
    let after;
    let pages = 0;
    for (;;) {
      const page = assertPage(await ack(obs, 'presence:list', after === undefined ? { limit: 2 } : { limit: 2, after }));
      pages += 1;
      assert.ok(page.users.length <= 2);
      seen.push(...page.users.map((u) => u.userId));
      if (page.nextCursor === null) break;
      assert.ok(page.users.length > 0, 'a page with a nextCursor is not empty');
      after = page.nextCursor;
      assert.ok(pages < 10, 'paging terminates');
    }
    assert.deepEqual(seen, all, 'paging visits every online user once, in userId order');
    assert.equal(pages, 3, '6 users at 2 per page is exactly 3 pages (nextCursor null on the last)');

    // `after` is the last userId seen
    const fromBob = assertPage(await ack(obs, 'presence:list', { limit: 2, after: 'p-bob' }));
    assert.deepEqual(fromBob.users.map((u) => u.userId), ['p-carol', 'p-dave']);
    const tail = assertPage(await ack(obs, 'presence:list', { limit: 2, after: 'p-eve' }));
    assert.deepEqual(tail.users.map((u) => u.userId), ['p-zed']);
    assert.equal(tail.nextCursor, null);
  });

  it('get:online:count counts users, not sockets', async () => {
    const server = await startServer();
    const { socket: a } = await connect(server, token('count-a', 'viewer'));
    await connect(server, token('count-a', 'viewer'));
    await connect(server, token('count-a', 'viewer'));
    const { socket: b } = await connect(server, token('count-b', 'driver'));
    const reply = assertSuccess(await ack(a, 'get:online:count'));
    assertKeys(reply, ['success', 'count'], 'get:online:count ack');
    assert.equal(reply.count, 2);
    b.close();
    await until(async () => (await ack(a, 'get:online:count')).count === 1, 3000, 'count to drop to 1');
  });

  it('anonymous sockets do not count as online users', async () => {
    const server = await startServer({ args: ['--allow-anonymous'] });
    const { socket: a } = await connect(server, token('named-1', 'viewer'));
    await connect(server, {});
    await connect(server, {});
    const reply = assertSuccess(await ack(a, 'get:online:count'));
    assert.equal(reply.count, 1);
  });
});

describe('§3 presence-broadcast = all', () => {
  it('sends presence events to non-subscribers but not to the user\'s own sockets', async () => {
    const server = await startServer({ args: ['--presence-broadcast', 'all'] });
    const { socket: obs } = await connect(server, token('watcher', 'viewer'));
    const obsOnline = collect(obs, 'user:online');
    const obsOffline = collect(obs, 'user:offline');
    const obsStatus = collect(obs, 'user:status');

    // dave's own first tab must not hear about dave (listeners attached before connecting)
    let ownOnline, ownStatus;
    const { socket: tab1 } = await connect(server, token('dave', 'viewer'), {
      onSocket: (s) => {
        ownOnline = collect(s, 'user:online');
        ownStatus = collect(s, 'user:status');
      },
    });
    await obsOnline.waitFor(1);
    await obsStatus.waitFor(1);
    assert.deepEqual(obsOnline[0], { userId: 'dave' });
    assert.equal(obsStatus[0].status, 'online');

    // dave's second tab is one of dave's own sockets too, and no transition happens anyway
    let own2;
    const { socket: tab2 } = await connect(server, token('dave', 'viewer'), {
      onSocket: (s) => (own2 = collect(s, 'user:online')),
    });
    await settle([obs, tab1, tab2]);
    assert.equal(obsOnline.length, 1);
    assert.equal(ownOnline.filter((p) => p.userId === 'dave').length, 0, 'dave\'s sockets get no user:online about dave');
    assert.equal(ownStatus.filter((p) => p.userId === 'dave').length, 0, 'dave\'s sockets get no user:status about dave');
    assert.equal(own2.length, 0);

    // another user comes online: dave's sockets hear it (not dave's own transition)
    const daveHears = collect(tab1, 'user:online');
    await connect(server, token('erin', 'viewer'));
    await daveHears.waitFor(1);
    assert.deepEqual(daveHears[0], { userId: 'erin' });

    tab2.close();
    tab1.close();
    await obsOffline.waitFor(1);
    assert.deepEqual(obsOffline[0], { userId: 'dave' });
    await obsStatus.waitFor(3);
    const daveStatuses = obsStatus.filter((s) => s.userId === 'dave').map((s) => s.status);
    assert.deepEqual(daveStatuses, ['online', 'offline']);
  });

  it('the watcher itself is not told about its own transitions (one-tab user)', async () => {
    const server = await startServer({ args: ['--presence-broadcast', 'all'] });
    let heard, heardStatus;
    const { socket: solo } = await connect(server, token('solo', 'viewer'), {
      onSocket: (s) => {
        heard = collect(s, 'user:online');
        heardStatus = collect(s, 'user:status');
      },
    });
    await settle(solo);
    assert.equal(heard.filter((p) => p.userId === 'solo').length, 0);
    assert.equal(heardStatus.filter((p) => p.userId === 'solo').length, 0);
  });
});

describe('§3 getonlineusers compatibility option', () => {
  it('broadcasts getOnlineUsers [ids] coalesced to at most one per second', async () => {
    const server = await startServer({ args: ['--getonlineusers'] });
    const { socket: listener } = await connect(server, token('g-listener', 'viewer'));
    const emissions = collect(listener, 'getOnlineUsers');
    const ids = ['g-1', 'g-2', 'g-3', 'g-4', 'g-5'];
    const t0 = Date.now();
    await Promise.all(ids.map((id) => connect(server, token(id, 'viewer'))));
    const everyone = ['g-listener', ...ids].sort();
    // wait for an emission listing everyone
    await until(
      () => emissions.some((e) => Array.isArray(e) && [...e].sort().join() === everyone.join()),
      3000,
      'a getOnlineUsers listing all 6 users',
    );
    // let the 1.5 s window elapse before counting
    const left = t0 + 1500 - Date.now();
    if (left > 0) await sleep(left);
    const inWindow = emissions.times.filter((t) => t - t0 <= 1500).length;
    assert.ok(inWindow <= 2, `at most 2 getOnlineUsers in 1.5 s (≤ 1 per second), got ${inWindow}`);
    for (const e of emissions) {
      assert.ok(Array.isArray(e), 'payload is a bare array');
      e.forEach((id) => assert.equal(typeof id, 'string'));
    }
    for (let i = 1; i < emissions.times.length; i++) {
      assert.ok(emissions.times[i] - emissions.times[i - 1] >= 800, 'emissions are ≥ ~1 s apart');
    }
    assert.deepEqual([...emissions.at(-1)].sort(), everyone, 'the last emission lists all online ids');
  });

  it('a user going offline produces a getOnlineUsers without that id', async () => {
    const server = await startServer({ args: ['--getonlineusers'] });
    const { socket: listener } = await connect(server, token('h-listener', 'viewer'));
    const { socket: leaver } = await connect(server, token('h-leaver', 'viewer'));
    const emissions = collect(listener, 'getOnlineUsers');
    await until(() => emissions.some((e) => e.includes('h-leaver')), 3000, 'h-leaver listed');
    leaver.close();
    await until(
      () => emissions.length > 0 && !emissions.at(-1).includes('h-leaver') && emissions.at(-1).includes('h-listener'),
      3000,
      'a getOnlineUsers without h-leaver',
    );
  });
});
