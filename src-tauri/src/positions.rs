//! The `fleet://positions` stream: coalesced positions delivered over a Tauri channel, at the
//! pace the page reads them.
//!
//! An event (`app.emit`) reaches WebKit as a script with the payload written into it, which
//! the webview parses as code and keeps; at 10,000 vehicles that was ≈ 1.5 MB of script a
//! second. A channel hands any payload over 8 KiB to the page as the body of an IPC fetch,
//! read with the native JSON parser.
//!
//! Tauri keeps each such body in the app's memory until the page fetches it, and nothing
//! bounded how many waited: with the app slowed under heaptrack at 10,000 vehicles, 41.6 MB of
//! its 80.3 MB live heap were unread batches (BENCHMARKS.md, stop 16). So the page tells how
//! many batches it has handled (`fleet_positions_handled`), and no more than [`WINDOW`] go
//! unhandled: while the page is behind, the bridge's coalescer keeps only the latest state per
//! vehicle, which is bounded by the fleet's size, and the page gets one larger batch when it
//! catches up instead of every stale one.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::ipc::Channel;

use crate::shell::lock;
use crate::types::Positions;

/// Batches the page may have unhandled: one being handled and one waiting, so a page that
/// keeps up never waits for a round trip.
pub const WINDOW: u64 = 2;

/// After this long without word from a page whose window is full, one more batch goes: a
/// page that lost count (a failed acknowledgement) is not starved for good, and a stuck one
/// gets at most one batch per interval.
pub const STALL: Duration = Duration::from_secs(5);

/// Credit-based flow control of one channel: what was sent, what the page said it handled.
#[derive(Debug, Clone, Copy)]
pub struct Flow {
    sent: u64,
    handled: u64,
    /// The last time the page made progress (or the channel opened, or a stall send).
    progress_at: Instant,
}

impl Flow {
    /// A fresh channel: nothing sent.
    pub fn new(now: Instant) -> Self {
        Self {
            sent: 0,
            handled: 0,
            progress_at: now,
        }
    }

    /// Batches sent and not yet handled.
    pub fn in_flight(&self) -> u64 {
        self.sent - self.handled
    }

    /// Whether a batch may go now.
    pub fn may_send(&self, now: Instant) -> bool {
        self.in_flight() < WINDOW || now.duration_since(self.progress_at) >= STALL
    }

    /// Counts a sent batch.
    pub fn sent(&mut self, now: Instant) {
        if self.in_flight() >= WINDOW {
            // A stall send: the next one waits another STALL.
            self.progress_at = now;
        }
        self.sent += 1;
    }

    /// The page has handled `count` batches of this channel in all. Counts are cumulative,
    /// so a lost acknowledgement is made good by the next; one from the past or beyond what
    /// was sent is ignored.
    pub fn handled(&mut self, count: u64, now: Instant) {
        if count > self.handled && count <= self.sent {
            self.handled = count;
            self.progress_at = now;
        }
    }
}

/// Where positions go: the channel of the UI's fleet store, once it asked for one.
#[derive(Default)]
pub struct PositionsSink {
    current: Mutex<Option<(Channel<Positions>, Flow)>>,
}

impl PositionsSink {
    /// Sends future batches to `channel` (a reloaded page replaces the old one).
    pub fn attach(&self, channel: Channel<Positions>) {
        *lock(&self.current) = Some((channel, Flow::new(Instant::now())));
    }

    /// Stops sending to the channel with `id`, if it is the current one.
    pub fn detach(&self, id: u32) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|(c, _)| c.id() == id) {
            *current = None;
        }
    }

    /// Whether the next batch should go now: `false` only while the listening page is
    /// [`WINDOW`] batches behind (nobody listening: `true`, and [`Self::send`] drops it).
    pub fn ready(&self) -> bool {
        lock(&self.current)
            .as_ref()
            .is_none_or(|(_, flow)| flow.may_send(Instant::now()))
    }

    /// The page of the channel with `id` has handled `count` of its batches.
    pub fn handled(&self, id: u32, count: u64) {
        if let Some((c, flow)) = lock(&self.current).as_mut()
            && c.id() == id
        {
            flow.handled(count, Instant::now());
        }
    }

    /// Sends one batch; `false` when nobody listens (or the page is gone).
    pub fn send(&self, batch: Positions) -> bool {
        let channel = {
            let mut current = lock(&self.current);
            let Some((c, flow)) = current.as_mut() else {
                return false;
            };
            flow.sent(Instant::now());
            c.clone()
        };
        match channel.send(batch) {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, "positions channel closed");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tauri::ipc::InvokeResponseBody;

    fn recording() -> (Channel<Positions>, Arc<Mutex<Vec<String>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let channel = Channel::new(move |body| {
            if let InvokeResponseBody::Json(s) = body {
                sink.lock().unwrap().push(s);
            }
            Ok(())
        });
        (channel, got)
    }

    fn batch(id: &str) -> Positions {
        serde_json::from_value(serde_json::json!({"updates": [
            {"vehicleId": id, "location": {"lat": 24.7, "lng": 46.7, "ts": "2026-01-01T00:00:05Z"}}
        ]}))
        .unwrap()
    }

    #[test]
    fn sends_to_the_latest_channel_only() {
        let sink = PositionsSink::default();
        assert!(!sink.send(batch("V-0")), "nobody listens yet");
        let (first, first_got) = recording();
        let (second, second_got) = recording();
        sink.attach(first.clone());
        assert!(sink.send(batch("V-1")));
        sink.attach(second.clone());
        assert!(sink.send(batch("V-2")));
        assert_eq!(first_got.lock().unwrap().len(), 1);
        let got = second_got.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("\"vehicleId\":\"V-2\""), "{}", got[0]);
        // Detaching a channel that was already replaced leaves the current one alone.
        sink.detach(first.id());
        assert!(sink.send(batch("V-3")));
        sink.detach(second.id());
        assert!(!sink.send(batch("V-4")));
    }

    #[test]
    fn holds_batches_while_the_page_is_a_window_behind() {
        let sink = PositionsSink::default();
        assert!(
            sink.ready(),
            "nobody listens: batches are dropped, not held"
        );
        let (channel, got) = recording();
        sink.attach(channel.clone());
        for k in 0..WINDOW {
            assert!(sink.ready());
            assert!(sink.send(batch(&format!("V-{k}"))));
        }
        assert!(!sink.ready(), "the page has handled none of {WINDOW}");
        sink.handled(channel.id() + 1, WINDOW); // another channel's count
        assert!(!sink.ready());
        sink.handled(channel.id(), 1);
        assert!(sink.ready());
        assert_eq!(got.lock().unwrap().len() as u64, WINDOW);
        // A reloaded page's channel starts with its full window.
        let (fresh, _) = recording();
        assert!(sink.send(batch("V-9")));
        assert!(!sink.ready());
        sink.attach(fresh);
        assert!(sink.ready());
    }

    #[test]
    fn counts_are_cumulative_and_bounded_by_what_was_sent() {
        let t0 = Instant::now();
        let mut f = Flow::new(t0);
        for _ in 0..3 {
            f.sent(t0);
        }
        f.handled(5, t0); // more than was sent: a stale page's count
        assert_eq!(f.in_flight(), 3);
        f.handled(2, t0); // the ack of batch 1 was lost, this one covers it
        assert_eq!(f.in_flight(), 1);
        f.handled(1, t0); // late, out of order
        assert_eq!(f.in_flight(), 1);
        assert!(f.may_send(t0));
    }

    #[test]
    fn a_silent_page_gets_one_batch_per_stall_interval() {
        let t0 = Instant::now();
        let mut f = Flow::new(t0);
        for _ in 0..WINDOW {
            assert!(f.may_send(t0));
            f.sent(t0);
        }
        assert!(!f.may_send(t0 + STALL - Duration::from_millis(1)));
        let t1 = t0 + STALL;
        assert!(f.may_send(t1));
        f.sent(t1);
        assert!(
            !f.may_send(t1 + STALL / 2),
            "the stall send restarts the wait"
        );
        assert!(f.may_send(t1 + STALL));
        f.handled(WINDOW + 1, t1 + STALL);
        assert_eq!(f.in_flight(), 0);
    }
}
