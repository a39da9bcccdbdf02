//! [`Client`]: the handle the application holds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opsdeck_protocol::identity::UserRef;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::ack::decode_result;
use crate::capabilities::{Capabilities, Support, feature_of_request};
use crate::config::ClientConfig;
use crate::connection::Conn;
use crate::error::ClientError;
use crate::events::ClientEvent;
use crate::shared::{Command, Shared, lock};
use crate::state::{ConnectionState, Latency};
use crate::subscriptions::{Subscribed, Subscription};
use crate::supervisor;

/// The stream of everything the client reports, in order. Read it continuously: events that
/// do not fit in [`ClientConfig::event_buffer`] are dropped.
pub type EventStream = mpsc::Receiver<ClientEvent>;

/// A supervised connection to an Opsdeck (or compatible) server. Cheap to clone; every clone
/// drives the same connection. Dropping the last clone stops the supervisor like
/// [`Client::shutdown`] (without waiting for it).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.shared.config.url)
            .field("namespace", &self.inner.shared.config.namespace)
            .field("state", &self.inner.shared.current_state())
            .finish()
    }
}

impl Client {
    /// Starts the supervisor (on the current tokio runtime) and returns the handle and the
    /// event stream. Connecting happens in the background; watch [`Client::state`] or the
    /// stream's [`ClientEvent::State`] events.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn start(config: ClientConfig) -> (Client, EventStream) {
        let (events_tx, events_rx) = mpsc::channel(config.event_buffer.max(16));
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::new(config, events_tx, cmd_tx));
        let task = tokio::spawn(supervisor::run(shared.clone(), cmd_rx));
        let client = Client {
            inner: Arc::new(Inner {
                shared,
                task: Mutex::new(Some(task)),
            }),
        };
        (client, events_rx)
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    /// The configuration the client was started with (the token may have changed since).
    pub fn config(&self) -> &ClientConfig {
        &self.shared().config
    }

    /// A watch of the connection state (updated on every change, and on latency updates).
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.shared().state()
    }

    /// The connection state now.
    pub fn current_state(&self) -> ConnectionState {
        self.shared().current_state()
    }

    /// Waits until connected (subscriptions restored, caught up), for at most `timeout`.
    /// Returns the state then; `Err` with the state at the deadline, or when the client
    /// stops ([`ConnectionState::AuthFailed`] or [`ConnectionState::Disconnected`]).
    pub async fn wait_connected(
        &self,
        timeout: Duration,
    ) -> Result<ConnectionState, ConnectionState> {
        let mut rx = self.state();
        let settled = tokio::time::timeout(
            timeout,
            rx.wait_for(|s| {
                matches!(
                    s,
                    ConnectionState::Connected { .. }
                        | ConnectionState::AuthFailed { .. }
                        | ConnectionState::Disconnected { .. }
                )
            }),
        )
        .await;
        let state = self.current_state();
        match settled {
            Ok(Ok(_)) if state.is_connected() => Ok(state),
            _ => Err(state),
        }
    }

    /// What the server supports (detected on the last connect; default before that).
    pub fn capabilities(&self) -> Capabilities {
        self.shared().capabilities().unwrap_or_default()
    }

    /// The latest round-trip measurement of this connection.
    pub fn latency(&self) -> Option<Latency> {
        self.shared().latency()
    }

    /// Who the server says we are (Opsdeck's `connected`), while connected.
    pub fn user(&self) -> Option<UserRef> {
        match self.current_state() {
            ConnectionState::Connected { user, .. } => user,
            _ => None,
        }
    }

    /// The subscriptions that are replayed after every reconnect.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        lock(&self.shared().subs).snapshot()
    }

    /// Events dropped because the event stream was full.
    pub fn dropped_events(&self) -> u64 {
        self.shared().dropped()
    }

    /// Replaces the token. It is used from the next connection attempt on; if the client is
    /// waiting (after [`ConnectionState::AuthFailed`], or between attempts) it tries at once.
    /// A live connection is kept (call [`Client::reconnect`] to switch identities now).
    pub fn set_token(&self, token: Option<String>) {
        let shared = self.shared();
        shared.set_token(token);
        if matches!(shared.current_state(), ConnectionState::AuthFailed { .. })
            && !shared.shutdown.is_cancelled()
        {
            // what the supervisor is about to do; set now so that a `wait_connected` right
            // after this does not see the old failure
            shared.set_state(ConnectionState::Connecting { attempt: 1 });
        }
        let _ = shared.commands.send(Command::Retry);
    }

    /// Drops the current connection (if any) and connects again at once.
    pub fn reconnect(&self) {
        let _ = self.shared().commands.send(Command::Reconnect);
    }

    /// Stops for good: closes the connection, ends the supervisor (no reconnect attempt is
    /// made afterwards) and waits for it. Idempotent; requests fail with
    /// [`ClientError::Shutdown`] afterwards.
    pub async fn shutdown(&self) {
        self.shared().shutdown.cancel();
        let task = lock(&self.inner.task).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// The connection to send on, once capability detection finished (waiting up to
    /// `timeout` for that).
    async fn ready_conn(&self, timeout: Duration) -> Result<Arc<Conn>, ClientError> {
        if self.shared().shutdown.is_cancelled() {
            return Err(ClientError::Shutdown);
        }
        let conn = self.shared().conn().ok_or(ClientError::Disconnected)?;
        if conn.signals.wait_ready(timeout).await {
            Ok(conn)
        } else {
            Err(ClientError::Disconnected)
        }
    }

    /// Sends `event` and waits (up to [`ClientConfig::request_timeout`]) for its ack,
    /// decoded as `Resp` from the success result (`{success: true, ...}` minus `success`).
    /// Use `serde::de::IgnoredAny` when the result does not matter. Requests of a feature
    /// the server lacks fail at once with [`ClientError::Unsupported`].
    pub async fn request<Req, Resp>(&self, event: &str, payload: &Req) -> Result<Resp, ClientError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        self.request_with_timeout(event, payload, self.shared().config.request_timeout)
            .await
    }

    /// [`Client::request`] with an explicit timeout.
    pub async fn request_with_timeout<Req, Resp>(
        &self,
        event: &str,
        payload: &Req,
        timeout: Duration,
    ) -> Result<Resp, ClientError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let payload =
            serde_json::to_value(payload).map_err(|e| ClientError::Encode(e.to_string()))?;
        let v = self.request_value(event, payload, timeout).await?;
        decode_result(event, v)
    }

    /// An acked request with a JSON payload; returns the success result as JSON.
    pub async fn request_value(
        &self,
        event: &str,
        payload: Value,
        timeout: Duration,
    ) -> Result<Value, ClientError> {
        let started = tokio::time::Instant::now();
        let conn = self.ready_conn(timeout).await?;
        if let Some(feature) = feature_of_request(event)
            && !self.capabilities().get(feature).expects_acks()
        {
            return Err(ClientError::Unsupported {
                event: event.to_owned(),
            });
        }
        let remaining = timeout.saturating_sub(started.elapsed());
        conn.request_value(event, payload, remaining).await
    }

    /// Sends `event` without asking for an ack (fire and forget). Failures on Opsdeck come
    /// back as a [`crate::ServerEvent::Error`] event.
    pub async fn emit<Req: Serialize + ?Sized>(
        &self,
        event: &str,
        payload: &Req,
    ) -> Result<(), ClientError> {
        let payload =
            serde_json::to_value(payload).map_err(|e| ClientError::Encode(e.to_string()))?;
        let conn = self
            .ready_conn(self.shared().config.request_timeout)
            .await?;
        if let Some(feature) = feature_of_request(event)
            && self.capabilities().get(feature) == Support::Unsupported
        {
            return Err(ClientError::Unsupported {
                event: event.to_owned(),
            });
        }
        conn.emit(event, payload).await
    }

    /// Subscribes and records the subscription, so that it is restored after every
    /// reconnect. While disconnected it is only recorded ([`Subscribed::Pending`]). A refusal
    /// by the server is returned and the subscription forgotten; a timeout or a transient
    /// refusal (`rate_limited`, `internal`) is returned but the subscription kept (it is
    /// retried on the next connect).
    pub async fn subscribe(&self, sub: Subscription) -> Result<Subscribed, ClientError> {
        if self.shared().shutdown.is_cancelled() {
            return Err(ClientError::Shutdown);
        }
        lock(&self.shared().subs).insert(sub.clone());
        // Not ready yet: the session replays the set (which now holds `sub`) once it is.
        let Some(conn) = self.shared().conn().filter(|c| c.signals.is_ready()) else {
            return Ok(Subscribed::Pending);
        };
        match supervisor::apply(self.shared(), &conn, &sub).await {
            Ok(s) => {
                // messages in a room are caught up from the moment it was joined
                if let Subscription::Room { room_id } = &sub
                    && let Some(now) = conn.signals.server_now()
                {
                    lock(&self.shared().catchup).follow_room(room_id, now);
                }
                Ok(s)
            }
            Err(e) if e.is_permanent_refusal() => {
                lock(&self.shared().subs).remove_exact(&sub);
                Err(e)
            }
            Err(ClientError::Disconnected) => Ok(Subscribed::Pending),
            Err(e) => Err(e),
        }
    }

    /// Forgets a subscription (the one in the same slot: any tracking subscription for
    /// [`Subscription::Tracking`]) and, where PROTOCOL.md has an unsubscribe request and the
    /// client is connected, sends it. Subscriptions without one (dashboard, trip, presence,
    /// notification broadcasts) end with the connection.
    pub async fn unsubscribe(&self, sub: &Subscription) -> Result<(), ClientError> {
        if self.shared().shutdown.is_cancelled() {
            return Err(ClientError::Shutdown);
        }
        lock(&self.shared().subs).remove(sub);
        let Some((event, payload)) = sub.unsubscribe_request() else {
            return Ok(());
        };
        let Some(conn) = self.shared().conn().filter(|c| c.signals.is_ready()) else {
            return Ok(());
        };
        let support = self.capabilities().get(sub.feature());
        let sent = if support.expects_acks() {
            conn.request_value(event, payload, self.shared().config.request_timeout)
                .await
                .map(|_| ())
        } else {
            conn.emit(event, payload).await
        };
        match sent {
            Err(ClientError::Disconnected) => Ok(()),
            other => other,
        }
    }
}
