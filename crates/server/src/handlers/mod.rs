//! Socket.IO handlers, one file per domain, registered in one place ([`register_main`],
//! [`register_admin`]).
//!
//! Every client→server event goes through [`on`]: it counts the event, applies the socket's
//! rate limit, decodes the payload into its protocol type (`bad_request` on failure), runs the
//! domain function and answers per PROTOCOL.md §2: an ack `{success: true, ...}` /
//! `{success: false, error}` when the client asked for one, else an `error` event on failure
//! (`dm:error` for `dm:send`, see [`on_with`]).

pub mod admin;
pub mod alerts;
pub mod chat;
pub mod compat;
pub mod connection;
pub mod fleet;
pub mod kpi;
pub mod notifications;
pub mod presence;

use std::any::TypeId;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Waker};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use opsdeck_protocol::chat::DmError;
use opsdeck_protocol::{AckFailure, ErrorCode, ErrorEvent, ProtocolError, events, ok_ack};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use socketioxide::ParserError;
use socketioxide::adapter::LocalAdapter;
use socketioxide::extract::{AckSender, Event, SocketRef, State, TryData};
use socketioxide::handler::{FromMessageParts, MessageHandler, Value as RawValue};
use socketioxide::socket::Socket;

use crate::metrics::Counters;
use crate::state::{App, SocketCtx};

/// What a handler returns: the ack result (an object, merged into `{success: true, ...}`).
pub type Reply = Result<Value, ProtocolError>;

/// The caller of an event: app state, the socket and its context.
#[derive(Clone)]
pub struct Caller {
    /// Shared state.
    pub app: App,
    /// The socket.
    pub socket: SocketRef,
    /// Identity, rate limit, connection time.
    pub ctx: Arc<SocketCtx>,
}

/// Ack channel plus whether the client asked for an ack at all.
pub struct Responder {
    ack: AckSender,
    asked: bool,
}

impl FromMessageParts<LocalAdapter> for Responder {
    type Error = Infallible;
    fn from_message_parts(
        s: &Arc<Socket>,
        v: &mut RawValue,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self {
            ack: AckSender::from_message_parts(s, v, ack_id)?,
            asked: ack_id.is_some(),
        })
    }
}

/// How an event reports a failure to a client that asked for no ack (PROTOCOL.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `error` `{event, code, message}`: every event but `dm:send`.
    ErrorEvent,
    /// `dm:error` `{message, code}` (§7). An unknown recipient (`not_found`) is reported this
    /// way even when an ack was asked for, since the study-room document's clients listen
    /// for it.
    DmError,
}

impl Responder {
    /// Answers `reply` for `event` per §2.
    pub fn finish(self, app: &App, socket: &SocketRef, event: &str, style: Failure, reply: Reply) {
        match (reply, self.asked) {
            (Ok(v), true) => {
                if let Err(e) = self.ack.send(&ok_ack(&v)) {
                    ack_refused(app, socket, event, &e);
                }
            }
            (Ok(_), false) => {}
            (Err(e), asked) => {
                if asked && let Err(err) = self.ack.send(&AckFailure::from(&e)) {
                    ack_refused(app, socket, event, &err);
                }
                match style {
                    Failure::ErrorEvent if !asked => {
                        app.emit_socket(socket, events::ERROR, &ErrorEvent::new(event, &e));
                    }
                    Failure::DmError if !asked || e.code == ErrorCode::NotFound => {
                        app.emit_socket(socket, events::DM_ERROR, &DmError::from(&e));
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Counts and logs an ack the socket's send queue refused (the client will time out).
fn ack_refused(app: &App, socket: &SocketRef, event: &str, e: &impl std::fmt::Display) {
    Counters::add(&app.counters.emits_refused, 1);
    tracing::debug!(sid = %socket.id, event, error = %e, "ack not sent");
}

/// Decodes a payload; an absent payload decodes as JSON `null`.
///
/// No event takes an array, and serde would read a struct from one (`["r1", "hi"]` as
/// `{roomId, text}`, `[]` as a list request with every field absent), so an array is refused,
/// except by the events that ignore their payload ([`IgnoredAny`]).
pub fn decode<T: DeserializeOwned + 'static>(data: Value) -> Result<T, ProtocolError> {
    if data.is_array() && TypeId::of::<T>() != TypeId::of::<IgnoredAny>() {
        return Err(ProtocolError::bad_request(
            "invalid payload: expected an object or an id, not an array",
        ));
    }
    serde_json::from_value(data)
        .map_err(|e| ProtocolError::bad_request(format!("invalid payload: {e}")))
}

/// The payload of an event packet: `null` when the client sent none (`socket.emit("x")`),
/// `bad_request` when it cannot be read at all (e.g. nested deeper than the JSON parser's
/// recursion limit), so such a payload is never mistaken for an absent one.
pub fn payload(data: Result<Value, ParserError>) -> Result<Value, ProtocolError> {
    match data {
        Ok(v) => Ok(v),
        Err(e) if e.to_string().contains("first element not found") => Ok(Value::Null),
        Err(e) => Err(ProtocolError::bad_request(format!("invalid payload: {e}"))),
    }
}

/// A handler with its payload type erased: decodes the payload and runs the domain function.
type Erased = Box<dyn Fn(Caller, Value) -> BoxFuture<'static, Reply> + Send + Sync>;

/// The events of a namespace and their handlers, built once and shared by every socket.
///
/// Registering some sixty handlers on each socket (`socket.on`) gave every connection its own
/// map of them (≈ 5 KiB per idle socket, and sixty inserts per connect); each socket now
/// registers one fallback handler that looks its event up here.
#[derive(Default)]
pub struct Table {
    handlers: HashMap<&'static str, (Failure, Erased)>,
}

impl Table {
    /// Whether `event` has a handler.
    pub fn handles(&self, event: &str) -> bool {
        self.handlers.contains_key(event)
    }
}

/// Registers `event` in `t`: rate limit, decode into `T`, run `f`, answer.
pub fn on<T, F, Fut>(t: &mut Table, event: &'static str, f: F)
where
    T: DeserializeOwned + Send + 'static,
    F: Fn(Caller, T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    on_with(t, event, Failure::ErrorEvent, f);
}

/// [`on`] with a choice of how failures without ack are reported.
pub fn on_with<T, F, Fut>(t: &mut Table, event: &'static str, style: Failure, f: F)
where
    T: DeserializeOwned + Send + 'static,
    F: Fn(Caller, T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let erased: Erased = Box::new(move |caller: Caller, data: Value| match decode::<T>(data) {
        Ok(payload) => f(caller, payload).boxed(),
        Err(e) => std::future::ready(Err(e)).boxed(),
    });
    t.handlers.insert(event, (style, erased));
}

/// Runs the handler of `event` from `table` for one incoming packet; events without one are
/// ignored, as Socket.IO servers do.
fn dispatch(
    table: &'static Table,
    socket: SocketRef,
    app: App,
    responder: Responder,
    event: String,
    data: Result<Value, ParserError>,
) -> impl Future<Output = ()> + Send + 'static {
    let tracker = app.tracker.clone();
    tracker.track_future(async move {
        let Some((event, (style, handler))) = table.handlers.get_key_value(event.as_str()) else {
            return;
        };
        let Some(ctx) = socket.extensions.get::<Arc<SocketCtx>>() else {
            return;
        };
        Counters::add(&app.counters.events_in, 1);
        let reply = if !ctx.allow_event() {
            Counters::add(&app.counters.rate_limited, 1);
            Err(ProtocolError::new(
                ErrorCode::RateLimited,
                "too many events, slow down",
            ))
        } else {
            match payload(data) {
                Ok(data) => {
                    let caller = Caller {
                        app: app.clone(),
                        socket: socket.clone(),
                        ctx,
                    };
                    handler(caller, data).await
                }
                Err(e) => Err(e),
            }
        };
        responder.finish(&app, &socket, event, *style, reply);
    })
}

/// Every handler of the main namespace.
static MAIN: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table::default();
    presence::register(&mut t);
    notifications::register(&mut t);
    kpi::register(&mut t);
    alerts::register(&mut t);
    fleet::register(&mut t);
    chat::register(&mut t);
    compat::register(&mut t);
    t
});

/// Every handler of the `/admin` namespace.
static ADMIN: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table::default();
    admin::register(&mut t);
    t
});

/// The handlers of the main namespace (for tests and introspection).
pub fn main_table() -> &'static Table {
    &MAIN
}

/// The fallback handler of a namespace: dispatches each event to its handler in [`Table`].
///
/// socketioxide spawns a task for every incoming event. Most of ours finish without waiting
/// for anything (a location report: decode, update the state, queue the history row, ack),
/// and at 10,000 reports a second the spawn, and the idle worker thread it woke up to steal
/// the new task, cost more than the handler. So the handler is first polled right here, on
/// the socket's reader task, and only a handler that has to wait is spawned, to finish there.
#[derive(Clone, Copy)]
struct Dispatcher(&'static Table);

/// Marks [`Dispatcher`]'s own [`MessageHandler`] implementation.
struct Inline;

impl MessageHandler<LocalAdapter, Inline> for Dispatcher {
    fn call(&self, s: Arc<Socket>, mut v: RawValue, ack_id: Option<i64>) {
        let Ok(State(app)) = State::<App>::from_message_parts(&s, &mut v, &ack_id) else {
            tracing::error!("socket.io state missing: event dropped");
            return;
        };
        let Ok(Event(event)) = Event::from_message_parts(&s, &mut v, &ack_id) else {
            return;
        };
        let Ok(responder) = Responder::from_message_parts(&s, &mut v, &ack_id);
        let Ok(TryData(data)) = TryData::<Value>::from_message_parts(&s, &mut v, &ack_id);
        let Ok(socket) = SocketRef::from_message_parts(&s, &mut v, &ack_id);
        run_inline(dispatch(self.0, socket, app, responder, event, data));
    }
}

/// Polls `fut` once on the calling thread; spawns it only if it is not finished yet.
///
/// The first poll uses a waker that does nothing. That is sound: a spawned task is polled
/// again at once, and the futures it waits on then register the task's own waker (a future
/// must only wake the waker of its latest poll).
fn run_inline<F: Future<Output = ()> + Send + 'static>(fut: F) {
    let mut fut = Box::pin(fut);
    let mut cx = Context::from_waker(Waker::noop());
    if fut.as_mut().poll(&mut cx).is_pending() {
        tokio::spawn(fut);
    }
}

/// Registers the handlers of `table` on a socket: one fallback handler that dispatches.
fn register_table(s: &SocketRef, table: &'static Table) {
    s.on_fallback(Dispatcher(table));
}

/// Registers every handler of the main namespace on a socket.
pub fn register_main(s: &SocketRef) {
    register_table(s, &MAIN);
}

/// Registers every handler of the `/admin` namespace on a socket.
pub fn register_admin(s: &SocketRef) {
    register_table(s, &ADMIN);
}

/// Joins `room` unless the socket already holds the maximum of non-identity rooms.
pub fn join_limited(caller: &Caller, room: &str) -> Result<(), ProtocolError> {
    join_socket_limited(&caller.app, &caller.socket, room)
}

/// [`join_limited`] for any socket. Identity rooms (`user:`, `role:`) and the naming
/// sub-rooms of chat rooms (`room:{id}#…`, part of the chat room they mark) do not count.
pub fn join_socket_limited(app: &App, socket: &SocketRef, room: &str) -> Result<(), ProtocolError> {
    if !may_join(app, socket, room)? {
        socket.join(room.to_owned());
    }
    Ok(())
}

/// Whether `socket` may join `room` under the per-socket room limit: `Ok(true)` when it is
/// in the room already, `Ok(false)` when it may join, `too_large` at the limit.
pub fn may_join(app: &App, socket: &SocketRef, room: &str) -> Result<bool, ProtocolError> {
    let rooms = socket.rooms();
    if rooms.iter().any(|r| r == room) {
        return Ok(true);
    }
    let own = rooms
        .iter()
        .filter(|r| !(r.starts_with("user:") || r.starts_with("role:") || r.contains('#')))
        .count();
    let max = app.config.limits.max_rooms_per_socket;
    if own >= max {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("a socket may join at most {max} rooms"),
        ));
    }
    Ok(false)
}

/// Refuses callers below `min`.
pub fn require(caller: &Caller, min: opsdeck_protocol::Role) -> Result<(), ProtocolError> {
    if caller.ctx.identity.at_least(min) {
        Ok(())
    } else {
        Err(ProtocolError::forbidden(format!(
            "requires role {min} or above"
        )))
    }
}

/// The empty success result `{}`.
pub fn done() -> Reply {
    Ok(Value::Object(Default::default()))
}

/// Serializes a result for the ack.
pub fn reply<T: serde::Serialize>(v: &T) -> Reply {
    serde_json::to_value(v).map_err(|_| ProtocolError::internal())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_namespace_has_its_own_events() {
        let main = main_table();
        assert!(main.handles(events::LOCATION_REPORT));
        assert!(main.handles(events::DM_SEND));
        assert!(
            main.handles(opsdeck_protocol::compat::CONVERSATION_JOIN),
            "seed compatibility events"
        );
        assert!(
            !main.handles(events::STATS_SUBSCRIBE),
            "admin events stay in /admin"
        );
        assert!(ADMIN.handles(events::STATS_SUBSCRIBE));
        assert!(!ADMIN.handles(events::LOCATION_REPORT));
        assert!(!main.handles("no-such-event"));
        assert!(main.handlers.len() > 50, "{} handlers", main.handlers.len());
    }

    #[tokio::test]
    async fn a_handler_that_does_not_wait_runs_before_call_returns() {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        run_inline(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) });
        assert!(
            done.load(std::sync::atomic::Ordering::SeqCst),
            "no task, no yield"
        );
    }

    #[tokio::test]
    async fn a_handler_that_waits_finishes_on_its_own_task() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let (out_tx, out_rx) = tokio::sync::oneshot::channel::<u32>();
        run_inline(async move {
            // Pending at the inline poll: the sender has not sent yet.
            let v = rx.await.unwrap_or(0);
            let _ = out_tx.send(v + 1);
        });
        tx.send(41).unwrap();
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), out_rx)
            .await
            .expect("the spawned rest of the handler was woken")
            .unwrap();
        assert_eq!(got, 42);
    }

    #[test]
    fn dm_send_reports_failures_as_dm_error() {
        let (style, _) = &main_table().handlers[events::DM_SEND];
        assert_eq!(*style, Failure::DmError);
        let (style, _) = &main_table().handlers[events::LOCATION_REPORT];
        assert_eq!(*style, Failure::ErrorEvent);
    }
}
