//! Catching up after a reconnect, so that nothing sent while disconnected is lost.
//!
//! Notifications (§6) and chat messages (§7) are stored by the server; everything else is
//! state that the server resends on subscribe (KPIs, vehicles) or that has no history
//! (positions, typing). For each conversation — the user's notifications, each joined room,
//! each direct-message peer seen — a [`Thread`] remembers the newest `createdAt` known (the
//! *mark*: the newest item received, or the server time when the conversation started being
//! followed) and the ids recently seen. After a reconnect the client pages through the
//! server's newest-first list until it passes the mark, and emits what it had not seen,
//! oldest first, as the live events would have looked. An item that then also arrives live
//! (sent during the reconnect) is not emitted twice. People who sent their first direct
//! message while we were away are found through the server's list of undelivered direct
//! messages (§9 `requestMissedMessages`), then caught up like any peer.
//!
//! This file keeps the bookkeeping (pure, tested here); `fetch.rs` talks to the server.

mod fetch;

use std::collections::{HashMap, HashSet, VecDeque};

use opsdeck_protocol::Timestamp;
use opsdeck_protocol::chat::NewMessage;

use crate::events::ServerEvent;

pub(crate) use fetch::catch_up;

/// A bounded set of recent ids (oldest evicted first).
#[derive(Debug, Clone)]
pub(crate) struct RecentIds {
    set: HashSet<String>,
    order: VecDeque<String>,
    cap: usize,
}

impl Default for RecentIds {
    fn default() -> Self {
        Self::with_capacity(2048)
    }
}

impl RecentIds {
    pub(crate) fn with_capacity(cap: usize) -> Self {
        Self {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
        }
    }

    /// Adds `id`; returns whether it was new.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() == self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }
}

/// One conversation's catch-up bookkeeping.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thread {
    mark: Option<Timestamp>,
    seen: RecentIds,
    replayed: RecentIds,
}

/// The part of a newest-first page not seen yet.
#[derive(Debug, PartialEq)]
pub(crate) struct Missed<'a, T> {
    /// Unseen items at or after the mark, newest first.
    pub items: Vec<&'a T>,
    /// Whether the page reached the mark (no older page is needed).
    pub reached: bool,
}

impl Thread {
    /// The newest `createdAt` known, if the conversation is followed at all.
    pub(crate) fn mark(&self) -> Option<Timestamp> {
        self.mark
    }

    fn observe(&mut self, id: &str, at: Timestamp) {
        self.seen.insert(id);
        if self.mark.is_none_or(|m| at > m) {
            self.mark = Some(at);
        }
    }

    /// Starts following the conversation at `at` unless it already is.
    pub(crate) fn set_baseline(&mut self, at: Timestamp) {
        if self.mark.is_none() {
            self.mark = Some(at);
        }
    }

    /// An item the owner fetched itself (a list): known, but the mark stays (older unseen
    /// items may still be missing).
    pub(crate) fn note_seen(&mut self, id: &str) {
        self.seen.insert(id);
    }

    /// A live item: records it; `false` if catch-up already emitted it.
    pub(crate) fn accept_live(&mut self, id: &str, at: Timestamp) -> bool {
        if self.replayed.contains(id) {
            return false;
        }
        self.observe(id, at);
        true
    }

    /// A caught-up item about to be emitted: `false` if it arrived live meanwhile.
    pub(crate) fn accept_replay(&mut self, id: &str, at: Timestamp) -> bool {
        if self.seen.contains(id) {
            return false;
        }
        self.replayed.insert(id);
        self.observe(id, at);
        true
    }

    /// Splits a newest-first page: what is new, and whether the mark was passed. Items
    /// exactly at the mark are kept unless seen (several can share a timestamp).
    pub(crate) fn missed<'a, T>(
        &self,
        page: &'a [T],
        key: impl Fn(&T) -> (&str, Timestamp),
    ) -> Missed<'a, T> {
        let Some(mark) = self.mark else {
            return Missed {
                items: Vec::new(),
                reached: true,
            };
        };
        let mut items = Vec::new();
        for item in page {
            let (id, at) = key(item);
            if at < mark {
                return Missed {
                    items,
                    reached: true,
                };
            }
            if !self.seen.contains(id) {
                items.push(item);
            }
        }
        Missed {
            items,
            reached: false,
        }
    }
}

/// Every conversation the client follows.
#[derive(Debug, Default)]
pub(crate) struct CatchupState {
    pub notifications: Thread,
    rooms: HashMap<String, Thread>,
    peers: HashMap<String, Thread>,
    /// `missedMessages` events to swallow: catch-up asks with `requestMissedMessages`, which
    /// also emits them, and shows them as `dm:received` instead.
    pub(crate) swallow_missed: u32,
}

/// The other party of a direct message.
fn peer_of<'a>(sender: &'a str, recipient: &'a str, me: Option<&str>) -> &'a str {
    if Some(sender) == me {
        recipient
    } else {
        sender
    }
}

impl CatchupState {
    /// Records a live event; `false` means catch-up already emitted it (drop it).
    pub(crate) fn observe_live(&mut self, ev: &ServerEvent, me: Option<&str>) -> bool {
        match ev {
            ServerEvent::NotificationNew(n) | ServerEvent::NotificationBroadcast(n) => {
                self.notifications.accept_live(&n.id, n.created_at)
            }
            ServerEvent::MessageReceived(m) => self
                .rooms
                .entry(m.room_id.clone())
                .or_default()
                .accept_live(&m.id, m.created_at),
            ServerEvent::MissedMessages(_) if self.swallow_missed > 0 => {
                self.swallow_missed -= 1;
                false
            }
            ServerEvent::DmReceived(m) if me.is_some() => {
                let peer = peer_of(&m.sender.id, &m.recipient_id, me).to_owned();
                self.peers
                    .entry(peer)
                    .or_default()
                    .accept_live(&m.id, m.created_at)
            }
            _ => true,
        }
    }

    /// Starts following the notifications and `rooms` at `at` where not followed yet.
    pub(crate) fn set_baselines(&mut self, at: Timestamp, rooms: &[String]) {
        self.notifications.set_baseline(at);
        for r in rooms {
            self.rooms.entry(r.clone()).or_default().set_baseline(at);
        }
    }

    /// Starts following room `room` at `at` (joined now).
    pub(crate) fn follow_room(&mut self, room: &str, at: Timestamp) {
        self.rooms
            .entry(room.to_owned())
            .or_default()
            .set_baseline(at);
    }

    /// Peers whose direct messages were missed (from `requestMissedMessages`) and who were
    /// not followed yet: followed from their oldest missed message on.
    pub(crate) fn discover_peers(&mut self, missed: &[NewMessage], me: &str) {
        let mut discovered = HashSet::new();
        for m in missed {
            let peer = peer_of(&m.sender_id, &m.receiver_id, Some(me));
            let thread = self.peers.entry(peer.to_owned()).or_default();
            if thread.mark.is_none() {
                discovered.insert(peer.to_owned());
            }
            if discovered.contains(peer) {
                thread.mark = Some(thread.mark.map_or(m.timestamp, |t| t.min(m.timestamp)));
            }
        }
    }

    pub(crate) fn thread(&mut self, target: &HistoryTarget) -> &mut Thread {
        match target {
            HistoryTarget::Room(r) => self.rooms.entry(r.clone()).or_default(),
            HistoryTarget::Peer(p) => self.peers.entry(p.clone()).or_default(),
        }
    }

    pub(crate) fn peers(&self) -> Vec<String> {
        self.peers.keys().cloned().collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) enum HistoryTarget {
    Room(String),
    Peer(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Role;
    use opsdeck_protocol::chat::{ChatUser, DmReceived, MessageReceived};
    use opsdeck_protocol::notification::{Notification, NotificationType, Target};

    fn t(s: u32) -> Timestamp {
        format!("2026-02-19T10:00:{s:02}Z").parse().unwrap()
    }

    fn n(id: &str, s: u32) -> Notification {
        Notification {
            id: id.into(),
            title: "t".into(),
            message: "m".into(),
            kind: NotificationType::Info,
            created_at: t(s),
            read: false,
            sender: None,
            target: Target::all(),
            data: None,
        }
    }

    fn key(n: &Notification) -> (&str, Timestamp) {
        (n.id.as_str(), n.created_at)
    }

    #[test]
    fn recent_ids_are_bounded() {
        let mut r = RecentIds::with_capacity(2);
        assert!(r.insert("a"));
        assert!(!r.insert("a"));
        assert!(r.insert("b"));
        assert!(r.insert("c"));
        assert!(!r.contains("a"));
        assert!(r.contains("b") && r.contains("c"));
    }

    #[test]
    fn nothing_to_catch_up_without_a_mark() {
        let th = Thread::default();
        let page = vec![n("x", 5)];
        assert_eq!(
            th.missed(&page, key),
            Missed {
                items: vec![],
                reached: true
            }
        );
    }

    #[test]
    fn pages_until_the_mark() {
        let mut th = Thread::default();
        th.set_baseline(t(10));
        th.accept_live("seen", t(12));
        // newest first
        let page1 = vec![n("n3", 20), n("n2", 15), n("seen", 12)];
        let m = th.missed(&page1, key);
        let ids: Vec<&str> = m.items.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["n3", "n2"]);
        assert!(!m.reached, "the mark (12) was not passed yet");
        let page2 = vec![n("same-second", 12), n("old", 9)];
        let m = th.missed(&page2, key);
        let ids: Vec<&str> = m.items.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["same-second"]);
        assert!(m.reached);
    }

    #[test]
    fn replay_and_live_are_deduplicated() {
        let mut th = Thread::default();
        th.set_baseline(t(0));
        // arrived live during the reconnect, then listed: not replayed
        assert!(th.accept_live("a", t(1)));
        assert!(!th.accept_replay("a", t(1)));
        // replayed first, then arrives live: dropped
        assert!(th.accept_replay("b", t(2)));
        assert!(!th.accept_live("b", t(2)));
        assert_eq!(th.mark(), Some(t(2)));
        // baseline does not move a mark back
        th.set_baseline(t(0));
        assert_eq!(th.mark(), Some(t(2)));
    }

    #[test]
    fn missed_direct_messages_name_new_peers() {
        let mut s = CatchupState::default();
        let dm = |from: &str, to: &str, sec: u32| NewMessage {
            id: format!("{from}-{sec}"),
            sender_id: from.into(),
            receiver_id: to.into(),
            text: "t".into(),
            timestamp: t(sec),
        };
        s.discover_peers(&[dm("carol", "me", 9), dm("carol", "me", 7)], "me");
        assert_eq!(
            s.thread(&HistoryTarget::Peer("carol".into())).mark(),
            Some(t(7))
        );
        // the event the request also causes is swallowed once
        s.swallow_missed = 1;
        let ev = ServerEvent::MissedMessages(vec![]);
        assert!(!s.observe_live(&ev, Some("me")));
        assert!(s.observe_live(&ev, Some("me")));
        s.follow_room("r9", t(3));
        assert_eq!(
            s.thread(&HistoryTarget::Room("r9".into())).mark(),
            Some(t(3))
        );
    }

    #[test]
    fn live_events_feed_the_right_threads() {
        let mut s = CatchupState::default();
        s.set_baselines(t(0), &["r1".to_owned()]);
        let dm = ServerEvent::DmReceived(DmReceived {
            id: "d1".into(),
            sender: ChatUser::new("me", "Me", Role::Viewer),
            recipient_id: "bob".into(),
            text: "hi".into(),
            created_at: t(3),
        });
        assert!(s.observe_live(&dm, Some("me")));
        assert_eq!(s.peers(), vec!["bob".to_owned()]);
        assert_eq!(
            s.thread(&HistoryTarget::Peer("bob".into())).mark(),
            Some(t(3))
        );
        let msg = ServerEvent::MessageReceived(MessageReceived {
            id: "m1".into(),
            room_id: "r1".into(),
            sender: ChatUser::new("bob", "Bob", Role::Viewer),
            text: "yo".into(),
            created_at: t(4),
        });
        assert!(s.observe_live(&msg, Some("me")));
        assert_eq!(
            s.thread(&HistoryTarget::Room("r1".into())).mark(),
            Some(t(4))
        );
        assert!(s.observe_live(&ServerEvent::NotificationNew(n("x", 5)), None));
        assert_eq!(s.notifications.mark(), Some(t(5)));
        assert_eq!(peer_of("bob", "me", Some("me")), "bob");
    }
}
