//! One live connection: the rust_socketio client, the ack gate and the event pump.
//!
//! rust_socketio's callbacks only push [`Incoming`] items into a channel; the pump task
//! decodes them, so a slow owner never blocks rust_socketio's reader (which runs callbacks
//! inline, holding its own locks).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use opsdeck_protocol::identity::Connected;
use rust_socketio::Payload;
use rust_socketio::asynchronous::Client as SioClient;
use serde_json::Value;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::ack::{ack_args, first, parse_ack};
use crate::error::ClientError;
use crate::events::{ClientEvent, ServerEvent};
pub(crate) use crate::handshake::{
    ErrorKind, Incoming, OpenError, Opened, Sio, classify_error, open,
};
use crate::shared::{Shared, lock};

/// `connected` as received, and when.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub connected: Connected,
    pub at: Instant,
}

/// A connection's flags, shared with its pump.
pub(crate) struct Signals {
    lost: CancellationToken,
    reason: Mutex<Option<String>>,
    suspect: Notify,
    identity: watch::Sender<Option<Identity>>,
    ready: watch::Sender<bool>,
}

impl Signals {
    fn new() -> Self {
        Self {
            lost: CancellationToken::new(),
            reason: Mutex::new(None),
            suspect: Notify::new(),
            identity: watch::Sender::new(None),
            ready: watch::Sender::new(false),
        }
    }

    /// Declares the connection dead (first reason wins).
    pub(crate) fn mark_lost(&self, reason: impl Into<String>) {
        {
            let mut r = lock(&self.reason);
            if r.is_none() {
                let reason = reason.into();
                tracing::debug!(%reason, "connection lost");
                *r = Some(reason);
            }
        }
        self.lost.cancel();
    }

    pub(crate) fn is_lost(&self) -> bool {
        self.lost.is_cancelled()
    }

    /// Resolves once the connection is declared dead.
    pub(crate) async fn lost(&self) {
        self.lost.cancelled().await;
    }

    pub(crate) fn reason(&self) -> String {
        lock(&self.reason)
            .clone()
            .unwrap_or_else(|| "connection lost".into())
    }

    /// Asks the supervisor for an immediate liveness check.
    pub(crate) fn suspect(&self) {
        self.suspect.notify_one();
    }

    pub(crate) async fn suspected(&self) {
        self.suspect.notified().await;
    }

    fn set_identity(&self, connected: Connected) {
        self.identity.send_replace(Some(Identity {
            connected,
            at: Instant::now(),
        }));
    }

    pub(crate) fn identity(&self) -> Option<Identity> {
        self.identity.borrow().clone()
    }

    /// Waits up to `d` for `connected`.
    pub(crate) async fn wait_identity(&self, d: Duration) -> Option<Identity> {
        let mut rx = self.identity.subscribe();
        let _ = tokio::time::timeout(d, rx.wait_for(Option::is_some)).await;
        self.identity()
    }

    /// The server's clock now, estimated from `connected.serverTime`.
    pub(crate) fn server_now(&self) -> Option<opsdeck_protocol::Timestamp> {
        self.identity().map(|i| {
            let elapsed = chrono::Duration::from_std(i.at.elapsed()).unwrap_or_default();
            i.connected.server_time + elapsed
        })
    }

    pub(crate) fn set_ready(&self) {
        self.ready.send_replace(true);
    }

    pub(crate) fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Waits up to `d` for capability detection to finish; `false` on timeout or loss.
    pub(crate) async fn wait_ready(&self, d: Duration) -> bool {
        let mut rx = self.ready.subscribe();
        tokio::select! {
            r = tokio::time::timeout(d, rx.wait_for(|r| *r)) => matches!(r, Ok(Ok(_))),
            () = self.lost() => false,
        }
    }
}

/// A live connection: the rust_socketio client, the ack gate and the pump.
pub(crate) struct Conn {
    /// Distinguishes connections of one client.
    pub id: u64,
    sio: Sio,
    gate: Arc<Semaphore>,
    /// See [`crate::ClientConfig::late_ack_grace`]; `None` on a throwaway connection, whose
    /// unanswered requests just hold their slots until it closes.
    late_ack_grace: Option<Duration>,
    pub signals: Arc<Signals>,
    pump: JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

/// What the pump does with decoded events.
pub(crate) type EventSink = Box<dyn Fn(&Signals, ServerEvent) + Send + Sync>;

impl Conn {
    /// Wraps an opened client; `sink` receives every decoded server event.
    pub(crate) fn start(
        id: u64,
        opened: Opened,
        max_in_flight: usize,
        late_ack_grace: Option<Duration>,
        sink: EventSink,
    ) -> Arc<Self> {
        let signals = Arc::new(Signals::new());
        let pump = tokio::spawn(pump(signals.clone(), opened.rx, opened.early, sink));
        Arc::new(Self {
            id,
            sio: opened.sio,
            gate: Arc::new(Semaphore::new(max_in_flight.max(1))),
            late_ack_grace,
            signals,
            pump,
        })
    }

    /// The main connection's pump sink: capability refinement, catch-up bookkeeping, and
    /// delivery to the owner.
    pub(crate) fn main_sink(shared: &Arc<Shared>) -> EventSink {
        let shared = Arc::downgrade(shared);
        Box::new(move |signals: &Signals, ev: ServerEvent| {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            if let Some(feature) = ev.feature() {
                shared.update_capabilities(|c| c.observe(feature));
            }
            let me = signals.identity().map(|i| i.connected.user.id);
            let fresh = lock(&shared.catchup).observe_live(&ev, me.as_deref());
            if fresh {
                shared.deliver(ClientEvent::Server(ev));
            }
        })
    }

    /// Waits up to `wait` for a slot of the ack gate.
    pub(crate) async fn permit(&self, wait: Duration) -> Option<OwnedSemaphorePermit> {
        tokio::select! {
            p = tokio::time::timeout(wait, self.gate.clone().acquire_owned()) => p.ok()?.ok(),
            () = self.signals.lost() => None,
        }
    }

    /// Sends `event` with an ack request and waits up to `timeout` for the ack, holding
    /// `permit` (a slot of the ack gate). Returns the first ack argument and the round-trip
    /// time.
    ///
    /// After a timeout the permit is held a while longer (up to the late-ack grace) until
    /// the late ack arrives: rust_socketio keeps a request's entry until its ack comes and
    /// matches acks by an id drawn at random below 1000, so a next request drawing the same
    /// id meanwhile would receive this one's answer, and rust_socketio's reader would then
    /// panic removing both entries. With no ack within the grace either, the entry would
    /// stay for the connection's life, so the connection is marked lost (the supervisor
    /// opens a new one) while the permit is still held: no request goes out after it.
    pub(crate) async fn ack(
        &self,
        permit: OwnedSemaphorePermit,
        event: &str,
        payload: Value,
        timeout: Duration,
    ) -> Result<(Value, Duration), ClientError> {
        if self.signals.is_lost() {
            return Err(ClientError::Disconnected);
        }
        let (tx, mut rx) = oneshot::channel::<Payload>();
        let slot = Arc::new(Mutex::new(Some(tx)));
        let started = Instant::now();
        let sent = self
            .sio
            .client
            .emit_with_ack(event, payload, timeout, move |p: Payload, _c: SioClient| {
                if let Some(tx) = lock(&slot).take() {
                    let _ = tx.send(p);
                }
                async {}.boxed()
            })
            .await;
        if let Err(e) = sent {
            self.signals
                .mark_lost(format!("sending `{event}` failed: {e}"));
            return Err(ClientError::Disconnected);
        }
        tokio::select! {
            r = &mut rx => match r {
                Ok(p) => Ok((first(ack_args(p)), started.elapsed())),
                Err(_) => Err(ClientError::Disconnected),
            },
            () = tokio::time::sleep(timeout) => {
                let signals = self.signals.clone();
                let name = event.to_owned();
                let grace = self.late_ack_grace;
                tokio::spawn(async move {
                    let _permit = permit;
                    tokio::select! {
                        // rust_socketio does not call back for an ack after the timeout, but
                        // removing the request's entry drops `tx`: either way it is gone.
                        _ = rx => tracing::debug!(event = %name, "a late ack arrived"),
                        () = sleep_or_forever(grace) => {
                            let grace = grace.unwrap_or_default();
                            tracing::warn!(event = %name, "no ack within the grace; replacing the connection");
                            signals.mark_lost(format!(
                                "`{name}` got no ack within {:?}",
                                timeout + grace
                            ));
                        }
                        () = signals.lost() => {}
                    }
                });
                Err(ClientError::Timeout {
                    event: event.to_owned(),
                    after: timeout,
                })
            }
            () = self.signals.lost() => Err(ClientError::Disconnected),
        }
    }

    /// An acked request: waits for the gate and the ack within `timeout` in total, and
    /// interprets the ack (§2). A timeout makes the supervisor check the connection.
    pub(crate) async fn request_value(
        &self,
        event: &str,
        payload: Value,
        timeout: Duration,
    ) -> Result<Value, ClientError> {
        let deadline = Instant::now() + timeout;
        let Some(permit) = self.permit(timeout).await else {
            return Err(if self.signals.is_lost() {
                ClientError::Disconnected
            } else {
                ClientError::Timeout {
                    event: event.to_owned(),
                    after: timeout,
                }
            });
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        match self.ack(permit, event, payload, remaining).await {
            Ok((v, _)) => parse_ack(event, v),
            Err(ClientError::Timeout { event, .. }) => {
                self.signals.suspect();
                Err(ClientError::Timeout {
                    event,
                    after: timeout,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Sends `event` without asking for an ack.
    pub(crate) async fn emit(&self, event: &str, payload: Value) -> Result<(), ClientError> {
        if self.signals.is_lost() {
            return Err(ClientError::Disconnected);
        }
        match self.sio.client.emit(event, payload).await {
            Ok(()) => Ok(()),
            Err(e) => {
                self.signals
                    .mark_lost(format!("sending `{event}` failed: {e}"));
                Err(ClientError::Disconnected)
            }
        }
    }

    /// Says goodbye (best effort) and stops the pump.
    pub(crate) async fn close(&self) {
        self.signals.mark_lost("closed by the client");
        self.sio.close().await;
        self.pump.abort();
    }
}

/// Sleeps for `d`, or forever when there is none.
async fn sleep_or_forever(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

async fn pump(
    signals: Arc<Signals>,
    mut rx: mpsc::UnboundedReceiver<Incoming>,
    early: Vec<Incoming>,
    sink: EventSink,
) {
    for item in early {
        handle(&signals, &sink, item);
    }
    while let Some(item) = rx.recv().await {
        handle(&signals, &sink, item);
    }
    signals.mark_lost("the connection's reader stopped");
}

fn handle(signals: &Signals, sink: &EventSink, item: Incoming) {
    match item {
        Incoming::Open => {}
        Incoming::Close => signals.mark_lost("the server closed the connection"),
        Incoming::Error(v) => match classify_error(v) {
            ErrorKind::Refused(m) => signals.mark_lost(format!("refused: {m}")),
            ErrorKind::Transport(m) => {
                tracing::debug!(error = %m, "transport error; checking the connection");
                signals.suspect();
            }
            ErrorKind::Event(v) => sink(signals, ServerEvent::decode("error", v)),
        },
        Incoming::Event(name, payload) => {
            let ev = ServerEvent::decode(&name, payload);
            if let ServerEvent::Connected(c) = &ev {
                signals.set_identity(c.clone());
            }
            sink(signals, ev);
        }
    }
}
