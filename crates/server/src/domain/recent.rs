//! A count of events over a sliding window (alerts in the last hour, PROTOCOL.md §4), kept in
//! fixed-size buckets so memory stays bounded however many events arrive.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// Events counted per `bucket_ms` over the last `window_ms`. An event stays counted until its
/// bucket leaves the window, so the count is exact to one bucket.
#[derive(Debug, Clone)]
pub struct RecentCount {
    window_ms: i64,
    bucket_ms: i64,
    /// (bucket index, events), oldest first.
    buckets: VecDeque<(i64, u64)>,
}

impl RecentCount {
    /// A counter over `window_ms`, in buckets of `bucket_ms` (both positive).
    pub fn new(window_ms: i64, bucket_ms: i64) -> Self {
        Self {
            window_ms: window_ms.max(1),
            bucket_ms: bucket_ms.max(1),
            buckets: VecDeque::new(),
        }
    }

    /// One hour in 10-second buckets.
    pub fn hour() -> Self {
        Self::new(3_600_000, 10_000)
    }

    fn bucket(&self, at: DateTime<Utc>) -> i64 {
        at.timestamp_millis().div_euclid(self.bucket_ms)
    }

    /// The oldest bucket index still inside the window at `now`.
    fn floor(&self, now: DateTime<Utc>) -> i64 {
        self.bucket(now) - self.window_ms / self.bucket_ms + 1
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let floor = self.floor(now);
        while self.buckets.front().is_some_and(|(b, _)| *b < floor) {
            self.buckets.pop_front();
        }
    }

    /// Records one event at `at`. Events older than the window are ignored; events out of
    /// order are counted in their own bucket.
    pub fn record(&mut self, at: DateTime<Utc>, now: DateTime<Utc>) {
        self.prune(now);
        let b = self.bucket(at);
        if b < self.floor(now) {
            return;
        }
        match self.buckets.iter_mut().rev().find(|(i, _)| *i <= b) {
            Some((i, n)) if *i == b => *n += 1,
            _ => {
                let pos = self.buckets.partition_point(|(i, _)| *i < b);
                self.buckets.insert(pos, (b, 1));
            }
        }
    }

    /// Events in the window ending at `now`.
    pub fn count(&mut self, now: DateTime<Utc>) -> u64 {
        self.prune(now);
        self.buckets.iter().map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn counts_within_the_window() {
        let t0: DateTime<Utc> = "2026-02-19T10:00:00Z".parse().unwrap();
        let mut c = RecentCount::hour();
        assert_eq!(c.count(t0), 0);
        c.record(t0, t0);
        c.record(t0 + TimeDelta::seconds(3), t0 + TimeDelta::seconds(3));
        c.record(t0 + TimeDelta::minutes(30), t0 + TimeDelta::minutes(30));
        assert_eq!(c.count(t0 + TimeDelta::minutes(30)), 3);
        assert_eq!(c.count(t0 + TimeDelta::minutes(59)), 3);
        assert_eq!(
            c.count(t0 + TimeDelta::minutes(60)),
            1,
            "the first two left"
        );
        assert_eq!(c.count(t0 + TimeDelta::minutes(91)), 0);
        assert!(c.buckets.is_empty(), "old buckets are dropped");
    }

    #[test]
    fn out_of_order_and_too_old() {
        let now: DateTime<Utc> = "2026-02-19T10:00:00Z".parse().unwrap();
        let mut c = RecentCount::hour();
        c.record(now - TimeDelta::minutes(5), now);
        c.record(now - TimeDelta::minutes(50), now);
        c.record(now - TimeDelta::minutes(20), now);
        c.record(now - TimeDelta::minutes(61), now);
        assert_eq!(c.count(now), 3);
        let order: Vec<_> = c.buckets.iter().map(|(b, _)| *b).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "buckets stay ordered");
        assert_eq!(c.count(now + TimeDelta::minutes(11)), 2);
    }

    #[test]
    fn memory_is_bounded() {
        let t0: DateTime<Utc> = "2026-02-19T10:00:00Z".parse().unwrap();
        let mut c = RecentCount::hour();
        for s in 0..20_000 {
            let at = t0 + TimeDelta::seconds(s);
            c.record(at, at);
        }
        assert!(c.buckets.len() <= 360);
        assert_eq!(c.count(t0 + TimeDelta::seconds(19_999)), 3600);
    }
}
