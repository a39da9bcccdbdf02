//! Counters shared by every connection, and the progress lines printed from them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::latency::{Histogram, Summary};

/// An ack slower than this is counted as late (but not lost: the report was accepted).
pub const LATE_AFTER: Duration = Duration::from_secs(10);

/// What a request was, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A position (`location:report` or one item of an HTTP batch): the load being measured.
    Location,
    /// Anything else (status, emergency, trips, KPIs, registry), counted apart.
    Other(&'static str),
}

/// Live counters.
#[derive(Debug, Default)]
pub struct Stats {
    /// Device sockets connected now.
    pub connected: AtomicI64,
    /// Most device sockets connected at once.
    pub peak_connected: AtomicI64,
    /// Failed connection attempts (refused, timed out, unreachable).
    pub connect_failed: AtomicU64,
    /// Established sockets that dropped.
    pub dropped: AtomicU64,
    sent: AtomicU64,
    ok: AtomicU64,
    rejected: AtomicU64,
    lost: AtomicU64,
    unsent: AtomicU64,
    late: AtomicU64,
    latency: Histogram,
    other_sent: AtomicU64,
    other_ok: AtomicU64,
    other_failed: AtomicU64,
    /// `event code` → count, for every failure.
    codes: Mutex<BTreeMap<String, u64>>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Device sockets connected.
    pub connected: i64,
    /// Most device sockets connected at once.
    pub peak_connected: i64,
    /// Failed connection attempts.
    pub connect_failed: u64,
    /// Dropped sockets.
    pub dropped: u64,
    /// Positions sent.
    pub sent: u64,
    /// Positions acknowledged with success.
    pub ok: u64,
    /// Positions refused by the server.
    pub rejected: u64,
    /// Positions without an answer within the ack timeout.
    pub lost: u64,
    /// Positions never sent: socket down, or its queue full.
    pub unsent: u64,
    /// Positions acknowledged (ok or rejected) later than [`LATE_AFTER`].
    pub late: u64,
    /// Other requests sent.
    pub other_sent: u64,
    /// Other requests acknowledged with success.
    pub other_ok: u64,
    /// Other requests refused or unanswered.
    pub other_failed: u64,
}

impl Stats {
    /// One request of `kind` went out (`n` positions for an HTTP batch).
    pub fn sent(&self, kind: Kind, n: u64) {
        match kind {
            Kind::Location => self.sent.fetch_add(n, Relaxed),
            Kind::Other(_) => self.other_sent.fetch_add(n, Relaxed),
        };
    }

    /// It was acknowledged with success.
    pub fn ok(&self, kind: Kind, n: u64) {
        match kind {
            Kind::Location => self.ok.fetch_add(n, Relaxed),
            Kind::Other(_) => self.other_ok.fetch_add(n, Relaxed),
        };
    }

    /// Its ack (success or refusal) came `latency` after it was sent.
    pub fn answered(&self, kind: Kind, latency: Duration) {
        if kind == Kind::Location {
            self.latency.record(latency);
            if latency > LATE_AFTER {
                self.late.fetch_add(1, Relaxed);
            }
        }
    }

    /// Ack latency of positions so far.
    pub fn latency(&self) -> Summary {
        self.latency.summary()
    }

    /// The server refused it with `code`.
    pub fn rejected(&self, kind: Kind, n: u64, code: &str) {
        match kind {
            Kind::Location => self.rejected.fetch_add(n, Relaxed),
            Kind::Other(_) => self.other_failed.fetch_add(n, Relaxed),
        };
        self.tally(kind, code, n);
    }

    /// No answer came at all (or the connection dropped first).
    pub fn lost(&self, kind: Kind, n: u64) {
        match kind {
            Kind::Location => self.lost.fetch_add(n, Relaxed),
            Kind::Other(_) => self.other_failed.fetch_add(n, Relaxed),
        };
        self.tally(kind, "no-ack", n);
    }

    /// It could not be sent at all.
    pub fn unsent(&self, kind: Kind, n: u64) {
        match kind {
            Kind::Location => self.unsent.fetch_add(n, Relaxed),
            Kind::Other(_) => self.other_failed.fetch_add(n, Relaxed),
        };
        self.tally(kind, "unsent", n);
    }

    fn tally(&self, kind: Kind, code: &str, n: u64) {
        let event = match kind {
            Kind::Location => "location",
            Kind::Other(e) => e,
        };
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        *codes.entry(format!("{event} {code}")).or_default() += n;
    }

    /// The failures so far, `event code` → count.
    pub fn codes(&self) -> BTreeMap<String, u64> {
        self.codes.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            connected: self.connected.load(Relaxed),
            peak_connected: self.peak_connected.load(Relaxed),
            connect_failed: self.connect_failed.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            sent: self.sent.load(Relaxed),
            ok: self.ok.load(Relaxed),
            rejected: self.rejected.load(Relaxed),
            lost: self.lost.load(Relaxed),
            unsent: self.unsent.load(Relaxed),
            late: self.late.load(Relaxed),
            other_sent: self.other_sent.load(Relaxed),
            other_ok: self.other_ok.load(Relaxed),
            other_failed: self.other_failed.load(Relaxed),
        }
    }
}

/// Formats one progress line: totals, and the rate of successful reports since `prev`,
/// `secs` seconds ago.
pub fn progress_line(
    elapsed_s: f64,
    now: &Snapshot,
    prev: &Snapshot,
    secs: f64,
    sockets: Option<usize>,
) -> String {
    let rate = (now.ok - prev.ok) as f64 / secs.max(1e-9);
    let sockets = sockets.map_or_else(String::new, |n| format!("sockets {}/{n} ", now.connected));
    format!(
        "[{elapsed_s:>6.0}s] {sockets}sent {} ok {} rejected {} lost {} unsent {} late {} | {rate:.0} reports/s | \
         other ok {}/{} | connect failures {} drops {}",
        now.sent,
        now.ok,
        now.rejected,
        now.lost,
        now.unsent,
        now.late,
        now.other_ok,
        now.other_sent,
        now.connect_failed,
        now.dropped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_tallies() {
        let s = Stats::default();
        s.sent(Kind::Location, 10);
        s.ok(Kind::Location, 7);
        s.rejected(Kind::Location, 2, "bad_request");
        s.lost(Kind::Location, 1);
        s.answered(Kind::Location, Duration::from_millis(3));
        s.answered(Kind::Location, LATE_AFTER + Duration::from_millis(1));
        s.answered(Kind::Other("trip:start"), LATE_AFTER * 2);
        s.sent(Kind::Other("trip:start"), 1);
        s.rejected(Kind::Other("trip:start"), 1, "bad_request");
        let snap = s.snapshot();
        assert_eq!(
            (snap.sent, snap.ok, snap.rejected, snap.lost),
            (10, 7, 2, 1)
        );
        assert_eq!((snap.other_sent, snap.other_failed), (1, 1));
        assert_eq!(snap.late, 1, "only positions count as late");
        assert_eq!(s.latency().count, 2);
        let codes = s.codes();
        assert_eq!(codes["location bad_request"], 2);
        assert_eq!(codes["location no-ack"], 1);
        assert_eq!(codes["trip:start bad_request"], 1);
        let line = progress_line(5.0, &snap, &Snapshot::default(), 5.0, Some(10));
        assert!(line.contains("sockets 0/10"), "{line}");
        assert!(line.contains("1 reports/s"), "{line}");
    }
}
