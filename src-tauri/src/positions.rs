//! The `fleet://positions` stream: coalesced positions delivered over a Tauri channel.
//!
//! An event (`app.emit`) reaches WebKit as a script with the payload written into it, which
//! the webview parses as code and keeps; at 10,000 vehicles that was ≈ 1.5 MB of script a
//! second. A channel hands any payload over 8 KiB to the page as the body of an IPC fetch,
//! read with the native JSON parser.

use std::sync::Mutex;

use tauri::ipc::Channel;

use crate::shell::lock;
use crate::types::Positions;

/// Where positions go: the channel of the UI's fleet store, once it asked for one.
#[derive(Default)]
pub struct PositionsSink {
    channel: Mutex<Option<Channel<Positions>>>,
}

impl PositionsSink {
    /// Sends future batches to `channel` (a reloaded page replaces the old one).
    pub fn attach(&self, channel: Channel<Positions>) {
        *lock(&self.channel) = Some(channel);
    }

    /// Stops sending to the channel with `id`, if it is the current one.
    pub fn detach(&self, id: u32) {
        let mut current = lock(&self.channel);
        if current.as_ref().is_some_and(|c| c.id() == id) {
            *current = None;
        }
    }

    /// Sends one batch; `false` when nobody listens (or the page is gone).
    pub fn send(&self, batch: Positions) -> bool {
        let channel = lock(&self.channel).clone();
        match channel {
            Some(c) => match c.send(batch) {
                Ok(()) => true,
                Err(e) => {
                    tracing::debug!(error = %e, "positions channel closed");
                    false
                }
            },
            None => false,
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
}
