//! The control connection: one Socket.IO client for the simulator's own dispatcher requests
//! (geofences, KPI thresholds and reports, and trips in `--http` mode), with
//! request/response over acks and reconnection.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use opsdeck_sim::wire::{self, AckOutcome, Frame, Packet};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tracing::{debug, info, warn};

use crate::device::ACK_TIMEOUT;
use crate::socket::{self, Ws};

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// The server answered `{success: false, error: {code, message}}`.
    Rejected {
        /// Error code.
        code: String,
        /// Explanation.
        message: String,
    },
    /// No ack within [`ACK_TIMEOUT`].
    Timeout,
    /// The connection is down.
    Closed,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected { code, message } => write!(f, "{code}: {message}"),
            Self::Timeout => f.write_str("no ack within 10 s"),
            Self::Closed => f.write_str("control connection down"),
        }
    }
}

impl RequestError {
    /// The code to tally: the server's, or `no-ack` / `unsent`.
    pub fn code(&self) -> &str {
        match self {
            Self::Rejected { code, .. } => code,
            Self::Timeout => "no-ack",
            Self::Closed => "unsent",
        }
    }
}

type Reply = oneshot::Sender<Result<Value, RequestError>>;

struct Request {
    event: String,
    data: Value,
    reply: Reply,
}

/// A handle to the control connection; cheap to clone.
#[derive(Clone)]
pub struct Control {
    tx: mpsc::Sender<Request>,
}

impl Control {
    /// Connects (failing fast on a refused token) and keeps the connection up in a task.
    pub async fn connect(url: String, token: String) -> anyhow::Result<Self> {
        let (ws, _) = socket::open(&url, &token).await?;
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(serve(url, token, ws, rx));
        Ok(Self { tx })
    }

    /// Emits `event` with `data` and waits for its ack.
    pub async fn request<T: Serialize + ?Sized>(
        &self,
        event: &str,
        data: &T,
    ) -> Result<Value, RequestError> {
        let data = serde_json::to_value(data).map_err(|e| RequestError::Rejected {
            code: "encode".into(),
            message: e.to_string(),
        })?;
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Request {
                event: event.to_owned(),
                data,
                reply,
            })
            .await
            .map_err(|_| RequestError::Closed)?;
        match tokio::time::timeout(ACK_TIMEOUT, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(RequestError::Closed),
            Err(_) => Err(RequestError::Timeout),
        }
    }
}

/// Owns the socket: sends requests, routes acks, answers pings, reconnects.
async fn serve(url: String, token: String, mut ws: Ws, mut rx: mpsc::Receiver<Request>) {
    let mut next_id = 0u64;
    loop {
        if session(&mut ws, &mut rx, &mut next_id).await {
            return;
        }
        warn!("control connection lost; reconnecting");
        let mut wait = Duration::from_secs(1);
        loop {
            let until = Instant::now() + wait;
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(until) => break,
                    req = rx.recv() => match req {
                        None => return,
                        Some(r) => { let _ = r.reply.send(Err(RequestError::Closed)); }
                    },
                }
            }
            match socket::open(&url, &token).await {
                Ok((fresh, _)) => {
                    info!("control connection restored");
                    ws = fresh;
                    break;
                }
                Err(e) => {
                    warn!(error = %format!("{e:#}"), "control reconnect failed");
                    wait = (wait * 2).min(Duration::from_secs(16));
                }
            }
        }
    }
}

/// Serves one connection; `true` once every handle is gone (after closing politely).
async fn session(ws: &mut Ws, rx: &mut mpsc::Receiver<Request>, next_id: &mut u64) -> bool {
    let mut waiting: HashMap<u64, (Instant, Reply)> = HashMap::new();
    let mut sweep = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            frame = futures_util::StreamExt::next(ws) => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return false,
                    Some(Ok(_)) => continue,
                };
                match wire::decode(text.as_str()) {
                    Ok(Frame::Ping(p)) => {
                        if socket::send(ws, wire::pong(&p)).await.is_err() {
                            return false;
                        }
                    }
                    Ok(Frame::Message(Packet::Ack { id, data, .. })) => {
                        if let Some((_, reply)) = waiting.remove(&id) {
                            let _ = reply.send(match wire::ack_outcome(&data) {
                                AckOutcome::Ok(v) => Ok(v),
                                AckOutcome::Rejected { code, message } => {
                                    Err(RequestError::Rejected { code, message })
                                }
                            });
                        }
                    }
                    Ok(Frame::Close | Frame::Message(Packet::Disconnect { .. })) => return false,
                    Ok(other) => debug!(frame = ?other, "control: ignored"),
                    Err(e) => debug!(error = %e, "control: undecodable frame"),
                }
            }
            req = rx.recv() => {
                let Some(req) = req else {
                    socket::close(ws).await;
                    return true;
                };
                let id = *next_id;
                *next_id += 1;
                let text = wire::event("/", &req.event, &req.data, Some(id));
                match text {
                    Ok(text) => {
                        if socket::send(ws, text).await.is_err() {
                            let _ = req.reply.send(Err(RequestError::Closed));
                            return false;
                        }
                        waiting.insert(id, (Instant::now(), req.reply));
                    }
                    Err(e) => {
                        let _ = req.reply.send(Err(RequestError::Rejected {
                            code: "encode".into(),
                            message: e.to_string(),
                        }));
                    }
                }
            }
            _ = sweep.tick() => waiting.retain(|_, (sent, _)| sent.elapsed() < ACK_TIMEOUT * 2),
        }
    }
}
