//! A minimal Socket.IO websocket client, one small task per connection, so one process can
//! hold tens of thousands of them (rust_socketio keeps several tasks and buffers per client).
//!
//! Connections are spread over loopback source addresses (127.0.0.2, 127.0.0.3, ...) so
//! ephemeral ports do not run out: each source address has its own port range.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use crate::eio::{self, Packet};

/// Bytes read from a socket at a time. tungstenite zero-fills this much of its read buffer
/// before every read: with its 128 KiB default, a third of the load generator's CPU in the
/// tracking scenario went to `memset` (10,000 small reads a second), CPU the server under
/// test then did not get. engineioxide reads 4 KiB at a time; a few times that still takes a
/// large batch in few reads.
const READ_BUFFER: usize = 16 * 1024;

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER)
}

/// What a connection's task reports to its handler.
#[derive(Debug)]
pub enum Incoming {
    /// A server event: name and first argument.
    Event {
        /// Event name.
        name: String,
        /// First argument (`null` if none).
        arg: Value,
    },
    /// The ack of one of our events: its first argument.
    Ack {
        /// First argument.
        arg: Value,
    },
    /// A server event left unparsed (connections opened with `raw_events`): the JSON array
    /// text `["name", ...]`.
    Raw {
        /// The packet's JSON array.
        data: String,
    },
    /// The connection ended (server close, error or EOF).
    Closed,
}

/// Called from a connection's task with its index and what arrived.
pub type Handler = Arc<dyn Fn(usize, Incoming) + Send + Sync>;

/// Commands to a connection's task.
#[derive(Debug)]
enum Cmd {
    Send(String),
    Reading(bool),
}

/// A live connection: send events, pause reading, or drop it to close.
#[derive(Debug, Clone)]
pub struct Conn {
    tx: mpsc::UnboundedSender<Cmd>,
}

impl Conn {
    /// Sends `name` with `arg`, asking for an ack with `ack` if given.
    pub fn emit(&self, name: &str, arg: &Value, ack: Option<u64>) {
        let _ = self.tx.send(Cmd::Send(eio::event(name, arg, ack)));
    }

    /// Stops (false) or resumes (true) reading the TCP socket. A connection that is not read
    /// lets the kernel buffers fill, so the server sees a client that does not keep up.
    pub fn set_reading(&self, reading: bool) {
        let _ = self.tx.send(Cmd::Reading(reading));
    }
}

/// Hands out loopback source addresses round-robin.
#[derive(Debug)]
pub struct Sources {
    addrs: Vec<Ipv4Addr>,
    next: AtomicUsize,
}

impl Sources {
    /// Enough source addresses for `n` connections (about 20,000 per address, at least 2).
    pub fn for_connections(n: usize) -> Self {
        let count = (n / 20_000 + 2).min(250);
        let addrs = (0..count)
            .map(|i| Ipv4Addr::new(127, 0, 0, 2 + i as u8))
            .collect();
        Self {
            addrs,
            next: AtomicUsize::new(0),
        }
    }

    /// The next source address.
    pub fn next(&self) -> Ipv4Addr {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.addrs[i % self.addrs.len()]
    }
}

/// Options of one connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectOptions {
    /// SO_RCVBUF for the client socket (small for slow consumers).
    pub recv_buffer: Option<u32>,
    /// Hand events over as [`Incoming::Raw`] text instead of parsed JSON (cheaper when the
    /// handler only scans them).
    pub raw_events: bool,
}

type Ws = WebSocketStream<TcpStream>;

/// Opens a websocket to `server` from `source`, does the Engine.IO and Socket.IO handshakes
/// with `token`, and returns the stream once the namespace is connected.
pub async fn handshake(
    server: SocketAddr,
    source: Ipv4Addr,
    token: &str,
    opts: ConnectOptions,
) -> anyhow::Result<Ws> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::V4(SocketAddrV4::new(source, 0)))?;
    if let Some(size) = opts.recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let stream = socket
        .connect(server)
        .await
        .with_context(|| format!("tcp connect from {source}"))?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{server}/socket.io/?EIO=4&transport=websocket");
    let (mut ws, _) = client_async_with_config(url, stream, Some(ws_config()))
        .await
        .context("websocket upgrade")?;
    let mut sent_connect = false;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .map_err(|_| anyhow!("handshake timed out"))?
            .ok_or_else(|| anyhow!("closed during handshake"))??;
        let Message::Text(text) = msg else { continue };
        match eio::parse(text.as_str()) {
            Packet::Open(_) if !sent_connect => {
                let auth = json!({ "token": token });
                ws.send(Message::text(eio::connect(&auth))).await?;
                sent_connect = true;
            }
            Packet::Ping => ws.send(Message::text(eio::PONG)).await?,
            Packet::Connect(_) => return Ok(ws),
            Packet::ConnectError(e) => bail!("connect_error {e}"),
            Packet::Close | Packet::Disconnect => bail!("closed during handshake"),
            _ => {}
        }
    }
}

/// Runs a connected stream in its own task; `handler` gets every event and ack.
pub fn spawn(ws: Ws, index: usize, handler: Handler, raw: bool) -> Conn {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(run(ws, index, handler, raw, rx));
    Conn { tx }
}

async fn run(
    mut ws: Ws,
    index: usize,
    handler: Handler,
    raw: bool,
    mut rx: mpsc::UnboundedReceiver<Cmd>,
) {
    let mut reading = true;
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(Cmd::Send(text)) => {
                    if ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Cmd::Reading(r)) => reading = r,
                None => break,
            },
            msg = ws.next(), if reading => {
                let Some(Ok(msg)) = msg else { break };
                let text = match msg {
                    Message::Text(t) => t,
                    Message::Close(_) => break,
                    _ => continue,
                };
                let alive = match eio::parse(text.as_str()) {
                    Packet::Ping => ws.send(Message::text(eio::PONG)).await.is_ok(),
                    Packet::Event { data, .. } if raw => {
                        handler(index, Incoming::Raw { data: data.to_owned() });
                        true
                    }
                    Packet::Event { data, .. } => {
                        if let Some((name, arg)) = eio::event_parts(data) {
                            handler(index, Incoming::Event { name, arg });
                        }
                        true
                    }
                    Packet::Ack { data, .. } => {
                        let arg = match serde_json::from_str::<Value>(data) {
                            Ok(Value::Array(mut a)) if !a.is_empty() => a.swap_remove(0),
                            _ => Value::Null,
                        };
                        handler(index, Incoming::Ack { arg });
                        true
                    }
                    Packet::Close | Packet::Disconnect => false,
                    _ => true,
                };
                if !alive {
                    break;
                }
            }
        }
    }
    handler(index, Incoming::Closed);
    let _ = ws.close(None).await;
}

/// Connects `tokens.len()` sockets, `parallel` handshakes at a time; returns the connections
/// (in token order, `None` where it failed) and the errors seen (first few).
pub async fn connect_many(
    server: SocketAddr,
    sources: &Arc<Sources>,
    tokens: Vec<String>,
    first_index: usize,
    opts: ConnectOptions,
    handler: Handler,
    parallel: usize,
) -> (Vec<Option<Conn>>, Vec<String>) {
    let results = futures_util::stream::iter(tokens.into_iter().enumerate())
        .map(|(i, token)| {
            let sources = sources.clone();
            let handler = handler.clone();
            async move {
                match handshake(server, sources.next(), &token, opts).await {
                    Ok(ws) => Ok(spawn(ws, first_index + i, handler, opts.raw_events)),
                    Err(e) => Err(format!("{e:#}")),
                }
            }
        })
        .buffered(parallel.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut errors = Vec::new();
    let conns = results
        .into_iter()
        .map(|r| match r {
            Ok(c) => Some(c),
            Err(e) => {
                if errors.len() < 5 {
                    errors.push(e);
                }
                None
            }
        })
        .collect();
    (conns, errors)
}
