//! Opening a Socket.IO session over a raw websocket, using the pure codec of
//! `opsdeck_sim::wire`: read the Engine.IO `open` packet, send `40{"token":..}`, wait for
//! `40` (or `44`, refused). Heartbeats are answered by whoever reads the socket afterwards.

use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use opsdeck_sim::wire::{self, Frame, OpenInfo, Packet};
use serde_json::json;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A websocket to the server.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Longest wait for the whole handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Small buffers: thousands of sockets each carry one short message per second.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(16 << 20))
}

/// Connects to the default namespace of the Engine.IO endpoint `url` with `token`.
pub async fn open(url: &str, token: &str) -> anyhow::Result<(Ws, OpenInfo)> {
    tokio::time::timeout(CONNECT_TIMEOUT, handshake(url, token))
        .await
        .context("handshake timed out")?
}

async fn handshake(url: &str, token: &str) -> anyhow::Result<(Ws, OpenInfo)> {
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config()), true)
        .await
        .context("websocket connect")?;
    let Frame::Open(info) = wire::decode(&next_text(&mut ws).await?)? else {
        bail!("expected the Engine.IO open packet");
    };
    ws.send(Message::text(wire::connect(
        "/",
        &json!({ "token": token }),
    )))
    .await?;
    loop {
        match wire::decode(&next_text(&mut ws).await?)? {
            Frame::Ping(p) => ws.send(Message::text(wire::pong(&p))).await?,
            Frame::Message(Packet::Connect { .. }) => return Ok((ws, info)),
            Frame::Message(Packet::ConnectError { data, .. }) => {
                let msg = data
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map_or_else(|| data.to_string(), str::to_owned);
                bail!("connection refused: {msg}");
            }
            Frame::Close => bail!("server closed the session"),
            _ => {}
        }
    }
}

/// The next text frame (websocket pings are answered by tungstenite itself).
async fn next_text(ws: &mut Ws) -> anyhow::Result<String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return Ok(t.as_str().to_owned()),
            Some(Ok(Message::Close(_))) | None => bail!("websocket closed"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

/// Sends one text frame.
pub async fn send(ws: &mut Ws, text: String) -> anyhow::Result<()> {
    ws.send(Message::text(text)).await?;
    Ok(())
}

/// Says goodbye politely: Socket.IO disconnect, then a websocket close.
pub async fn close(ws: &mut Ws) {
    let _ = ws.send(Message::text(wire::disconnect("/"))).await;
    let _ = ws.close(None).await;
}
