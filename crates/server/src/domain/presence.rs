//! Who is online (PROTOCOL.md §3): a user is online while at least one socket is connected.
//!
//! [`Presence`] counts sockets per user and reports transitions, so the handlers emit
//! `user:online`/`user:offline` once per transition, not once per socket. The map is a
//! `BTreeMap` so `presence:list` pages in `userId` order; every operation holds the lock for
//! O(log users) and never across an await.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use chrono::{DateTime, Utc};
use opsdeck_protocol::Role;
use opsdeck_protocol::presence::{PresenceStatus, PresenceUser};

/// One online user.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    name: String,
    role: Role,
    connections: u32,
    since: DateTime<Utc>,
}

/// A change of a user's online state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The user's first socket connected.
    Online,
    /// The user's last socket disconnected.
    Offline,
    /// Another socket of an already online user came or went.
    None,
}

/// Online users and their socket counts.
#[derive(Debug, Default)]
pub struct Presence {
    users: Mutex<BTreeMap<String, Entry>>,
}

impl Presence {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Entry>> {
        // A panic while holding this lock cannot leave the map inconsistent (each operation
        // is a single insert/update/remove), so recover from poisoning.
        self.users.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A socket of `user_id` connected.
    pub fn connect(&self, user_id: &str, name: &str, role: Role, now: DateTime<Utc>) -> Transition {
        let mut users = self.lock();
        match users.get_mut(user_id) {
            Some(e) => {
                e.connections += 1;
                e.name = name.to_owned();
                e.role = role;
                Transition::None
            }
            None => {
                users.insert(
                    user_id.to_owned(),
                    Entry {
                        name: name.to_owned(),
                        role,
                        connections: 1,
                        since: now,
                    },
                );
                Transition::Online
            }
        }
    }

    /// A socket of `user_id` disconnected.
    pub fn disconnect(&self, user_id: &str) -> Transition {
        let mut users = self.lock();
        match users.get_mut(user_id) {
            Some(e) if e.connections > 1 => {
                e.connections -= 1;
                Transition::None
            }
            Some(_) => {
                users.remove(user_id);
                Transition::Offline
            }
            None => Transition::None,
        }
    }

    /// Whether `user_id` has a connected socket.
    pub fn is_online(&self, user_id: &str) -> bool {
        self.lock().contains_key(user_id)
    }

    /// Number of online users.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Up to `limit` online users with ids greater than `after`, in id order, and whether
    /// more follow.
    pub fn page(&self, after: Option<&str>, limit: usize) -> (Vec<PresenceUser>, bool) {
        use std::ops::Bound;
        let users = self.lock();
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut iter = users.range::<str, _>((lower, Bound::Unbounded));
        let page: Vec<PresenceUser> = iter
            .by_ref()
            .take(limit)
            .map(|(id, e)| PresenceUser {
                user_id: id.clone(),
                name: e.name.clone(),
                role: e.role,
                status: PresenceStatus::Online,
                connections: e.connections,
                since: e.since,
            })
            .collect();
        let more = iter.next().is_some();
        (page, more)
    }

    /// Ids of all online users, in order.
    pub fn ids(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }
}

/// Whether one socket's connection is counted in [`Presence`], so that exactly one of its
/// connect and disconnect handlers takes it off again.
///
/// The two run on different tasks and can cross: a client that closes as soon as it is told
/// it is connected can be disconnected before its connect handler has counted it. Without
/// this, the late count was never taken off and the user stayed online for good (a direct
/// message to them then counted as delivered, and `requestMissedMessages` came back empty).
#[derive(Debug, Default)]
pub struct PresenceClaim(AtomicU8);

const UNCOUNTED: u8 = 0;
const COUNTED: u8 = 1;
const CLOSED: u8 = 2;

impl PresenceClaim {
    /// The connect handler, once it has counted the socket: `false` when the socket has
    /// closed meanwhile, and the caller must take the count off itself.
    pub fn counted(&self) -> bool {
        self.0
            .compare_exchange(UNCOUNTED, COUNTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The disconnect handler: `true` when the socket was counted and the caller must take
    /// it off; `false` when the connect handler has not counted it yet (it will see the
    /// socket closed and do it) or never will.
    pub fn release(&self) -> bool {
        self.0.swap(CLOSED, Ordering::AcqRel) == COUNTED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_released_by_whichever_handler_comes_second() {
        // Connect counts, then the socket closes: the disconnect handler takes it off.
        let c = PresenceClaim::default();
        assert!(c.counted());
        assert!(c.release());
        assert!(!c.release(), "once");
        // The socket closes before the connect handler counted it: the connect handler does.
        let c = PresenceClaim::default();
        assert!(!c.release());
        assert!(!c.counted());
    }

    #[test]
    fn crossing_handlers_leave_no_user_online() {
        for closed_first in [false, true] {
            let p = Presence::new();
            let claim = PresenceClaim::default();
            let disconnect = |p: &Presence| {
                if claim.release() {
                    p.disconnect("bob");
                }
            };
            if closed_first {
                disconnect(&p);
            }
            p.connect("bob", "Bob", Role::Viewer, t0());
            if !claim.counted() {
                p.disconnect("bob");
            }
            if !closed_first {
                disconnect(&p);
            }
            assert!(!p.is_online("bob"), "closed_first = {closed_first}");
        }
    }

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn transitions_once_per_user_not_per_socket() {
        let p = Presence::new();
        assert_eq!(
            p.connect("alice", "Alice", Role::Viewer, t0()),
            Transition::Online
        );
        assert_eq!(
            p.connect("alice", "Alice", Role::Viewer, t0()),
            Transition::None
        );
        assert_eq!(p.count(), 1);
        assert_eq!(p.disconnect("alice"), Transition::None);
        assert!(p.is_online("alice"));
        assert_eq!(p.disconnect("alice"), Transition::Offline);
        assert!(!p.is_online("alice"));
        assert_eq!(p.disconnect("alice"), Transition::None);
        assert_eq!(p.count(), 0);
    }

    #[test]
    fn pages_in_id_order() {
        let p = Presence::new();
        for id in ["carol", "alice", "bob", "dave"] {
            p.connect(id, id, Role::Viewer, t0());
        }
        p.connect("bob", "Bob", Role::Driver, t0());
        let (page, more) = p.page(None, 2);
        assert_eq!(
            page.iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(),
            ["alice", "bob"]
        );
        assert_eq!(page[1].connections, 2);
        assert_eq!(page[1].role, Role::Driver);
        assert!(more);
        let (page, more) = p.page(Some("bob"), 2);
        assert_eq!(
            page.iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(),
            ["carol", "dave"]
        );
        assert!(!more);
        let (page, more) = p.page(Some("dave"), 2);
        assert!(page.is_empty() && !more);
    }
}
