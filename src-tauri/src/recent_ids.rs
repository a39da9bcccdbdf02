//! A bounded memory of ids seen lately: duplicate deliveries (a broadcast that also arrives as
//! a personal notification, a chat message replayed by a reconnect's catch-up) and stale
//! events (a trip's progress emitted after it closed) are recognised by id.

use std::collections::{HashSet, VecDeque};

/// The last `cap` distinct ids, oldest forgotten first.
#[derive(Debug)]
pub struct RecentIds {
    cap: usize,
    order: VecDeque<String>,
    set: HashSet<String>,
}

impl RecentIds {
    /// Remembers at most `cap` ids.
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            order: VecDeque::with_capacity(cap.min(1024)),
            set: HashSet::with_capacity(cap.min(1024)),
        }
    }

    /// Whether `id` is among the remembered ones.
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// Remembers `id`; `true` the first time (among the last `cap`).
    pub fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() == self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.order.push_back(id.to_owned());
        self.set.insert(id.to_owned());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_last_cap_ids() {
        let mut r = RecentIds::new(3);
        assert!(r.insert("a"));
        assert!(!r.insert("a"), "a second time");
        for id in ["b", "c", "d"] {
            assert!(r.insert(id));
        }
        assert!(!r.contains("a"), "the oldest is forgotten");
        assert!(r.contains("b") && r.contains("d"));
        assert!(r.insert("a"), "forgotten ids are new again");
        assert!(!r.contains("b"));
    }
}
