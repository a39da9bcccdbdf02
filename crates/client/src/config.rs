//! [`ClientConfig`]: where to connect and how patiently.

use std::time::Duration;

use crate::backoff::Backoff;

/// Everything [`crate::Client::start`] needs. Start from [`ClientConfig::new`] and adjust
/// fields; every field has a sensible default.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Server base URL, e.g. `http://127.0.0.1:4700` (the Socket.IO path `/socket.io/` is
    /// added).
    pub url: String,
    /// JWT sent as `auth.token`; `None` connects anonymously (servers without auth, or Opsdeck
    /// with anonymous access on). Replace it later with [`crate::Client::set_token`].
    pub token: Option<String>,
    /// Socket.IO namespace: `/` (everything but operations) or `/admin` (PROTOCOL.md §8).
    pub namespace: String,
    /// Reconnect schedule.
    pub backoff: Backoff,
    /// Longest time for one connection attempt: TCP, Engine.IO handshake and namespace open.
    pub connect_timeout: Duration,
    /// Default ack timeout of requests, and of the periodic liveness probe (two unanswered
    /// in a row count as a lost connection).
    pub request_timeout: Duration,
    /// Ack timeout of the capability probes made on every connect. Detecting the features
    /// of a server that lacks some takes about twice this long.
    pub probe_timeout: Duration,
    /// Period of the latency/liveness probe. A transport the server closed is noticed at the
    /// next probe (the next emit fails), so this also bounds how long a loss goes unnoticed
    /// when the server sends no `Disconnect` packet (a restart).
    pub latency_interval: Duration,
    /// How long to wait after the namespace opened for Opsdeck's `connected` event (servers
    /// that never send it cost this much per connect).
    pub connected_grace: Duration,
    /// Acked requests in flight at once on the connection. rust_socketio picks ack ids at
    /// random below 1000 and hands an ack to *every* outstanding request with that id, so
    /// more than one in flight risks a request receiving another's answer; 1 rules that out
    /// at the cost of queueing.
    pub max_in_flight: usize,
    /// How long a request's slot stays taken after its ack timed out, waiting for the late
    /// ack. rust_socketio keeps the request's entry until an ack with its id arrives, and a
    /// later request drawing the same id would receive that ack and make rust_socketio's
    /// reader panic removing both entries. So when no ack comes within this grace either,
    /// the connection is replaced rather than reused: other requests queue meanwhile, which
    /// is why this is short.
    pub late_ack_grace: Duration,
    /// Capacity of the event stream; events that do not fit are dropped (and counted, see
    /// [`crate::Client::dropped_events`]) rather than stalling the connection.
    pub event_buffer: usize,
    /// Most pages (of up to 100 notifications or 200 messages) fetched per conversation when
    /// catching up after a reconnect.
    pub catch_up_pages: u32,
}

impl ClientConfig {
    /// Defaults for `url`: main namespace, no token, 10 s connect and request timeouts, 2 s
    /// probes, latency every 5 s, backoff 0.5 s doubling to 30 s with ±20% jitter.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            token: None,
            namespace: "/".to_owned(),
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            probe_timeout: Duration::from_secs(2),
            latency_interval: Duration::from_secs(5),
            connected_grace: Duration::from_millis(500),
            max_in_flight: 1,
            late_ack_grace: Duration::from_secs(10),
            event_buffer: 4096,
            catch_up_pages: 10,
        }
    }

    /// Sets the token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets the namespace.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Whether this connects to the main namespace (where `connected` and catch-up apply).
    pub(crate) fn is_main_namespace(&self) -> bool {
        self.namespace.is_empty() || self.namespace == "/"
    }
}
