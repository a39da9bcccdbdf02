//! One connection attempt, on a fresh rust_socketio client each time.
//!
//! rust_socketio's own reconnect is off (`reconnect(false)`): it never retries a failed first
//! connect, reconnects only when the transport closes, and its loop may survive
//! `disconnect()`. Instead the supervisor calls [`open`] per attempt and drops the whole
//! client when the connection is lost.
//!
//! Facts about rust_socketio 0.6 this relies on: `connect()` returns before the server
//! confirms (we wait for the namespace `Connect` packet); a refused handshake still returns
//! `Ok` and shows only as an `Error` callback `"Received an ConnectError frame: {json}"`; the
//! server's own `error` event (§2) arrives through the same `Error` callback, as an object; a
//! transport closed by the server ends the reader silently, and the next emit fails.

use std::time::Duration;

use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client as SioClient, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::ack::{event_args, first};
use crate::config::ClientConfig;

/// What rust_socketio's callbacks report.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// The namespace opened (the server's `Connect` packet).
    Open,
    /// The server sent a `Disconnect` packet.
    Close,
    /// The `Error` callback: a refusal, the server's `error` event, or a transport error.
    Error(Value),
    /// Any other event, with its first argument.
    Event(String, Value),
}

/// How rust_socketio's `Error` callback is to be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ErrorKind {
    /// The handshake was refused (`connect_error`), with the server's message.
    Refused(String),
    /// The server emitted an event named `error` (PROTOCOL.md §2 `{event, code, message}`).
    Event(Value),
    /// rust_socketio reports trouble with the transport or a packet.
    Transport(String),
}

const CONNECT_ERROR_PREFIX: &str = "Received an ConnectError frame: ";

/// Sorts out an `Error` callback payload.
pub(crate) fn classify_error(v: Value) -> ErrorKind {
    match v {
        Value::String(s) => match s.strip_prefix(CONNECT_ERROR_PREFIX) {
            Some(rest) => ErrorKind::Refused(match serde_json::from_str::<Value>(rest) {
                Ok(Value::Object(o)) => o
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| Value::Object(o).to_string()),
                Ok(Value::String(m)) => m,
                _ => rest.to_owned(),
            }),
            None => ErrorKind::Transport(s),
        },
        other => ErrorKind::Event(other),
    }
}

/// A client whose namespace is open, with what it received so far.
pub(crate) struct Opened {
    pub sio: Sio,
    pub rx: mpsc::UnboundedReceiver<Incoming>,
    /// Items that arrived before the namespace opened (normally none).
    pub early: Vec<Incoming>,
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OpenError {
    /// The server refused the handshake (message as sent).
    Refused(String),
    /// Anything else: unreachable, timeout, transport error.
    Failed(String),
}

/// A rust_socketio client that says goodbye when dropped unclosed. rust_socketio's reader task
/// keeps a healthy connection alive (it answers the server's pings) even when every handle is
/// gone, so a client abandoned mid-way (a cancelled attempt, a shutdown during setup) would
/// otherwise stay connected for good.
pub(crate) struct Sio {
    pub(crate) client: SioClient,
    closed: std::sync::atomic::AtomicBool,
}

impl Sio {
    fn new(client: SioClient) -> Self {
        Self {
            client,
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Sends the Socket.IO and Engine.IO goodbyes (the server then closes the transport and
    /// rust_socketio's reader ends). Best effort, bounded.
    pub(crate) async fn close(&self) {
        if !self.closed.swap(true, std::sync::atomic::Ordering::AcqRel) {
            let _ = tokio::time::timeout(Duration::from_secs(1), self.client.disconnect()).await;
        }
    }
}

impl Drop for Sio {
    fn drop(&mut self) {
        if !self.closed.load(std::sync::atomic::Ordering::Acquire)
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let client = self.client.clone();
            rt.spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(1), client.disconnect()).await;
            });
        }
    }
}

fn callback(
    tx: &mpsc::UnboundedSender<Incoming>,
    make: impl Fn(Payload) -> Incoming + Send + Sync + 'static,
) -> impl FnMut(Payload, SioClient) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync + 'static
{
    let tx = tx.clone();
    move |p: Payload, _c: SioClient| {
        let _ = tx.send(make(p));
        async {}.boxed()
    }
}

/// Builds a fresh rust_socketio client and waits until the namespace is open or refused.
pub(crate) async fn open(config: &ClientConfig, token: Option<&str>) -> Result<Opened, OpenError> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Incoming>();
    let any_tx = tx.clone();
    let mut builder = ClientBuilder::new(config.url.clone())
        .namespace(config.namespace.clone())
        .transport_type(TransportType::Websocket)
        .reconnect(false)
        .on(Event::Connect, callback(&tx, |_| Incoming::Open))
        .on(Event::Close, callback(&tx, |_| Incoming::Close))
        .on(
            Event::Error,
            callback(&tx, |p| Incoming::Error(first(event_args(p)))),
        )
        .on_any(move |ev: Event, p: Payload, _c: SioClient| {
            let _ = any_tx.send(Incoming::Event(
                ev.as_str().to_owned(),
                first(event_args(p)),
            ));
            async {}.boxed()
        });
    drop(tx);
    if let Some(t) = token {
        builder = builder.auth(json!({ "token": t }));
    }
    let deadline = Instant::now() + config.connect_timeout;
    let sio = match tokio::time::timeout_at(deadline, builder.connect()).await {
        Ok(Ok(sio)) => Sio::new(sio),
        Ok(Err(e)) => return Err(OpenError::Failed(format!("cannot connect: {e}"))),
        Err(_) => return Err(OpenError::Failed("connect timed out".into())),
    };
    let mut early = Vec::new();
    let failure = loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Incoming::Open)) => return Ok(Opened { sio, rx, early }),
            Ok(Some(Incoming::Error(v))) => match classify_error(v) {
                ErrorKind::Refused(m) => break OpenError::Refused(m),
                ErrorKind::Transport(m) => break OpenError::Failed(m),
                ErrorKind::Event(v) => early.push(Incoming::Error(v)),
            },
            Ok(Some(Incoming::Close)) => {
                break OpenError::Failed("closed during the handshake".into());
            }
            Ok(Some(other)) => early.push(other),
            Ok(None) => break OpenError::Failed("connection ended during the handshake".into()),
            Err(_) => break OpenError::Failed("the namespace did not open in time".into()),
        }
    };
    sio.close().await;
    Err(failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_callbacks_are_sorted_out() {
        assert_eq!(
            classify_error(Value::String(format!(
                "{CONNECT_ERROR_PREFIX}{{\"message\":\"Authentication error: missing token\"}}"
            ))),
            ErrorKind::Refused("Authentication error: missing token".into())
        );
        assert_eq!(
            classify_error(Value::String(format!(
                "{CONNECT_ERROR_PREFIX}\"No error message provided\""
            ))),
            ErrorKind::Refused("No error message provided".into())
        );
        assert_eq!(
            classify_error(Value::String(format!("{CONNECT_ERROR_PREFIX}garbage"))),
            ErrorKind::Refused("garbage".into())
        );
        assert_eq!(
            classify_error(json!({"event": "x", "code": "bad_request", "message": "m"})),
            ErrorKind::Event(json!({"event": "x", "code": "bad_request", "message": "m"}))
        );
        assert_eq!(
            classify_error(Value::String("Got an IO-Error: broken pipe".into())),
            ErrorKind::Transport("Got an IO-Error: broken pipe".into())
        );
    }
}
