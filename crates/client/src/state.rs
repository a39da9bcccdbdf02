//! The connection state mirror ([`ConnectionState`]) and round-trip latency ([`Latency`]).

use std::time::Duration;

use opsdeck_protocol::identity::UserRef;
use serde::{Serialize, Serializer};

use crate::capabilities::Capabilities;

/// Where the connection stands. Serializes as `{kind: "connected", ...}` (camelCase) for the
/// desktop bridge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ConnectionState {
    /// An attempt is under way (`attempt` counts from 1 since the last success).
    Connecting {
        /// Attempt number.
        attempt: u32,
    },
    /// Connected, subscriptions restored and caught up.
    Connected {
        /// Our Socket.IO id (from Opsdeck's `connected`; `None` on other servers).
        socket_id: Option<String>,
        /// Who the server thinks we are (`None` on servers without `connected`).
        user: Option<UserRef>,
        /// Smoothed round-trip time, ms (`None` until measured, or when the server answers no
        /// request this client can time).
        latency_ms: Option<f64>,
        /// What the server supports.
        capabilities: Capabilities,
    },
    /// Waiting before the next attempt.
    Reconnecting {
        /// The attempt that comes next.
        attempt: u32,
        /// Time until it starts.
        #[serde(rename = "retryInMs", serialize_with = "as_millis")]
        retry_in: Duration,
        /// Why the previous attempt or connection failed.
        last_error: String,
    },
    /// Stopped for good ([`crate::Client::shutdown`]).
    Disconnected {
        /// Why.
        reason: String,
    },
    /// The server refused our credentials. No further attempt is made until
    /// [`crate::Client::set_token`] (or [`crate::Client::reconnect`]) is called.
    AuthFailed {
        /// The server's message (`Authentication error: ...`).
        message: String,
    },
}

fn as_millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl ConnectionState {
    /// Whether requests can be sent.
    pub fn is_connected(&self) -> bool {
        matches!(self, Self::Connected { .. })
    }

    /// The capabilities, when connected.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        match self {
            Self::Connected { capabilities, .. } => Some(capabilities),
            _ => None,
        }
    }

    /// Equal apart from `latency_ms` (latency changes are not state changes).
    pub(crate) fn same_but_latency(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Connected {
                    socket_id: a,
                    user: b,
                    capabilities: c,
                    ..
                },
                Self::Connected {
                    socket_id: x,
                    user: y,
                    capabilities: z,
                    ..
                },
            ) => a == x && b == y && c == z,
            _ => self == other,
        }
    }
}

/// Round-trip time of an acked request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Latency {
    /// The latest sample, ms.
    pub last_ms: f64,
    /// Exponentially smoothed (weight 1/5 for each new sample), ms.
    pub smoothed_ms: f64,
}

/// Smooths samples into [`Latency`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LatencyStats {
    current: Option<Latency>,
}

impl LatencyStats {
    const WEIGHT: f64 = 0.2;

    /// Adds a sample.
    pub(crate) fn record(&mut self, rtt: Duration) -> Latency {
        let ms = rtt.as_secs_f64() * 1000.0;
        let smoothed = match self.current {
            Some(prev) => prev.smoothed_ms + Self::WEIGHT * (ms - prev.smoothed_ms),
            None => ms,
        };
        let l = Latency {
            last_ms: ms,
            smoothed_ms: smoothed,
        };
        self.current = Some(l);
        l
    }

    /// The latest value.
    pub(crate) fn current(&self) -> Option<Latency> {
        self.current
    }

    /// Forgets everything (a new connection may take another route).
    pub(crate) fn reset(&mut self) {
        self.current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn latency_is_smoothed() {
        let mut s = LatencyStats::default();
        assert!(s.current().is_none());
        let a = s.record(Duration::from_millis(100));
        assert_eq!((a.last_ms, a.smoothed_ms), (100.0, 100.0));
        let b = s.record(Duration::from_millis(200));
        assert_eq!(b.last_ms, 200.0);
        assert!((b.smoothed_ms - 120.0).abs() < 1e-9);
        s.reset();
        assert!(s.current().is_none());
    }

    #[test]
    fn state_serializes_for_the_bridge() {
        let v = serde_json::to_value(ConnectionState::Reconnecting {
            attempt: 3,
            retry_in: Duration::from_millis(1500),
            last_error: "refused".into(),
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"kind": "reconnecting", "attempt": 3, "retryInMs": 1500, "lastError": "refused"})
        );
        let v = serde_json::to_value(ConnectionState::AuthFailed {
            message: "Authentication error: expired".into(),
        })
        .unwrap();
        assert_eq!(v["kind"], "authFailed");
    }

    #[test]
    fn latency_changes_are_not_state_changes() {
        let a = ConnectionState::Connected {
            socket_id: Some("s".into()),
            user: None,
            latency_ms: Some(1.0),
            capabilities: Capabilities::default(),
        };
        let mut b = a.clone();
        if let ConnectionState::Connected { latency_ms, .. } = &mut b {
            *latency_ms = Some(9.0);
        }
        assert!(a.same_but_latency(&b));
        assert!(!a.same_but_latency(&ConnectionState::Connecting { attempt: 1 }));
    }
}
