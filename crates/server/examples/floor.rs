//! The floor under `opsdeck-server`'s figures: socketioxide and axum with Opsdeck's transport
//! (its engine settings from [`opsdeck_server::socketio_builder`], request heads copied out
//! of hyper's buffer, the listener that cuts off stalled writers) and none of its logic. No token check, no validation, no rate limits, no
//! SQLite, no presence. It answers just enough of the protocol for `opsdeck-bench`'s
//! scenarios, so a run against it shows what a socketioxide server pays on this machine
//! before doing any work of its own:
//!
//! - `location:report` (acked) → ack `{success: true}`; the report is kept for the next
//!   `tracking:batch`;
//! - `subscribe:tracking` (acked) → joins room `tracking`; every 500 ms the reports kept since
//!   the last batch go to that room as one `tracking:batch`;
//! - `POST /api/notifications/broadcast` → its body, with an id and a time, goes to every
//!   socket as `notification:broadcast`;
//! - `GET /api/health` → 200.
//!
//! ```sh
//! cargo build --release -p opsdeck-server --example floor
//! target/release/opsdeck-bench tracking --servers opsdeck --server-bin target/release/examples/floor
//! ```
//!
//! It takes `opsdeck-server`'s command line (`serve --listen ADDR …`) and ignores every
//! other flag, so the bench starts it as it starts the real server.
#![allow(clippy::print_stdout)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::routing::{get, post};
use opsdeck_server::Limits;
use opsdeck_server::transport::GuardedListener;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};

/// Reports received since the last batch.
type Pending = Arc<Mutex<Vec<Value>>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let listen = args
        .iter()
        .position(|a| a == "--listen")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:4600", String::as_str);
    let pending: Pending = Arc::default();
    let limits = Limits::default();
    let (layer, io) = opsdeck_server::socketio_builder(&limits).build_layer();
    let kept = pending.clone();
    io.ns("/", move |s: SocketRef| {
        let kept = kept.clone();
        s.on(
            "location:report",
            move |Data(report): Data<Value>, ack: AckSender| {
                kept.lock().unwrap_or_else(|e| e.into_inner()).push(report);
                let _ = ack.send(&json!({ "success": true }));
                std::future::ready(())
            },
        );
        s.on("subscribe:tracking", |s: SocketRef, ack: AckSender| {
            s.join("tracking");
            let _ = ack.send(&json!({ "success": true }));
            std::future::ready(())
        });
        std::future::ready(())
    });
    tokio::spawn(batches(io.clone(), pending));
    let next_id = Arc::new(AtomicU64::new(0));
    let app = axum::Router::new()
        .route("/api/health", get(|| async { "ok" }))
        .route(
            "/api/notifications/broadcast",
            post(move |Json(body): Json<Value>| broadcast(io.clone(), next_id.clone(), body)),
        )
        .layer(layer)
        .layer(axum::middleware::map_request(
            opsdeck_server::http::head::detach,
        ));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("floor server on {}", listener.local_addr()?);
    let listener = GuardedListener::new(listener, limits.send_stall_timeout);
    axum::serve(listener, app).await?;
    Ok(())
}

/// Sends the reports kept since the last tick to room `tracking`, every 500 ms.
async fn batches(io: SocketIo, pending: Pending) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let positions = std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
        if !positions.is_empty() {
            let _ = io
                .to("tracking")
                .emit("tracking:batch", &json!({ "positions": positions }))
                .await;
        }
    }
}

/// Sends a notification built from `body` to every socket.
async fn broadcast(io: SocketIo, next_id: Arc<AtomicU64>, body: Value) -> StatusCode {
    let id = next_id.fetch_add(1, Ordering::Relaxed);
    let notification = json!({
        "id": format!("n{id}"),
        "title": body["title"],
        "message": body["message"],
        "type": body["type"],
        "data": body["data"],
        "createdAt": chrono::Utc::now().to_rfc3339(),
    });
    match io.emit("notification:broadcast", &notification).await {
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
