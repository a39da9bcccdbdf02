//! State shared by the [`crate::Client`] handles, the supervisor task and the connection's
//! event pump. Every lock here is a `std` mutex held for a few instructions, never across an
//! `.await`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::capabilities::Capabilities;
use crate::catchup::CatchupState;
use crate::config::ClientConfig;
use crate::connection::Conn;
use crate::events::ClientEvent;
use crate::state::{ConnectionState, Latency, LatencyStats};
use crate::subscriptions::SubscriptionSet;

/// What the owner asks of the supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// The token changed: if waiting (backoff or auth failure), try now.
    Retry,
    /// Drop the connection (if any) and connect again now.
    Reconnect,
}

/// Locks, recovering from poisoning (a panicking holder cannot leave these half-updated in a
/// way that matters more than stopping the client would).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) struct Shared {
    pub config: ClientConfig,
    token: Mutex<Option<String>>,
    state: watch::Sender<ConnectionState>,
    /// Capabilities of the current (or last) connection; `None` before the first probe.
    caps: Mutex<Option<Capabilities>>,
    /// The connection requests go to; `None` while disconnected.
    conn: RwLock<Option<Arc<Conn>>>,
    pub subs: Mutex<SubscriptionSet>,
    pub catchup: Mutex<CatchupState>,
    latency: Mutex<LatencyStats>,
    events: mpsc::Sender<ClientEvent>,
    dropped: AtomicU64,
    pub commands: mpsc::UnboundedSender<Command>,
    pub shutdown: CancellationToken,
}

impl Shared {
    pub(crate) fn new(
        config: ClientConfig,
        events: mpsc::Sender<ClientEvent>,
        commands: mpsc::UnboundedSender<Command>,
    ) -> Self {
        let token = config.token.clone();
        Self {
            config,
            token: Mutex::new(token),
            state: watch::Sender::new(ConnectionState::Connecting { attempt: 1 }),
            caps: Mutex::new(None),
            conn: RwLock::new(None),
            subs: Mutex::new(SubscriptionSet::default()),
            catchup: Mutex::new(CatchupState::default()),
            latency: Mutex::new(LatencyStats::default()),
            events,
            dropped: AtomicU64::new(0),
            commands,
            shutdown: CancellationToken::new(),
        }
    }

    pub(crate) fn token(&self) -> Option<String> {
        lock(&self.token).clone()
    }

    pub(crate) fn set_token(&self, token: Option<String>) {
        *lock(&self.token) = token;
    }

    /// Hands an event to the owner; drops it (and counts) when the stream is full.
    pub(crate) fn deliver(&self, event: ClientEvent) {
        match self.events.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(ev)) => {
                let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(dropped = n, event = ?ev, "event stream full; dropping events");
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(crate) fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.subscribe()
    }

    pub(crate) fn current_state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// Publishes `new`; a [`ClientEvent::State`] goes out unless only the latency changed.
    pub(crate) fn set_state(&self, new: ConnectionState) {
        self.state.send_if_modified(|s| {
            if *s == new {
                return false;
            }
            if !s.same_but_latency(&new) {
                tracing::debug!(state = ?new, "connection state");
                self.deliver(ClientEvent::State(new.clone()));
            }
            *s = new;
            true
        });
    }

    pub(crate) fn capabilities(&self) -> Option<Capabilities> {
        *lock(&self.caps)
    }

    pub(crate) fn set_capabilities(&self, caps: Capabilities) {
        *lock(&self.caps) = Some(caps);
    }

    /// Applies `f` to the known capabilities; if it reports a change while connected, the
    /// state is republished.
    pub(crate) fn update_capabilities(&self, f: impl FnOnce(&mut Capabilities) -> bool) {
        let updated = {
            let mut guard = lock(&self.caps);
            match guard.as_mut() {
                Some(c) => f(c).then_some(*c),
                None => None,
            }
        };
        if let Some(caps) = updated
            && let ConnectionState::Connected {
                socket_id,
                user,
                latency_ms,
                ..
            } = self.current_state()
        {
            self.set_state(ConnectionState::Connected {
                socket_id,
                user,
                latency_ms,
                capabilities: caps,
            });
        }
    }

    pub(crate) fn latency(&self) -> Option<Latency> {
        lock(&self.latency).current()
    }

    pub(crate) fn reset_latency(&self) {
        lock(&self.latency).reset();
    }

    /// Records a round trip, tells the owner, and refreshes the state's `latency_ms`.
    pub(crate) fn record_latency(&self, rtt: std::time::Duration) {
        let l = lock(&self.latency).record(rtt);
        self.deliver(ClientEvent::Latency(l));
        if let ConnectionState::Connected {
            socket_id,
            user,
            capabilities,
            ..
        } = self.current_state()
        {
            self.set_state(ConnectionState::Connected {
                socket_id,
                user,
                latency_ms: Some(l.smoothed_ms),
                capabilities,
            });
        }
    }

    pub(crate) fn conn(&self) -> Option<Arc<Conn>> {
        self.conn.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn install(&self, conn: Arc<Conn>) {
        *self.conn.write().unwrap_or_else(|e| e.into_inner()) = Some(conn);
    }

    /// Removes the connection if it is still `id`'s.
    pub(crate) fn uninstall(&self, id: u64) {
        let mut guard = self.conn.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|c| c.id == id) {
            *guard = None;
        }
    }

    pub(crate) fn take_conn(&self) -> Option<Arc<Conn>> {
        self.conn.write().unwrap_or_else(|e| e.into_inner()).take()
    }
}
