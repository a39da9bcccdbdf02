//! Capability probes never leave a request next to an unanswered one on a connection.
//! rust_socketio matches acks by an id drawn at random below 1000 and keeps an unanswered
//! request's entry for the connection's life: a later request drawing the same id would get
//! the server's answer handed to both entries (the unanswered probe then reads as answered),
//! and the entries' removal by stale indices drops another request's entry or panics the
//! reader. So after the first probe a server ignores, every remaining probe goes alone on a
//! connection of its own.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use common::*;
use opsdeck_client::{Client, ConnectionState, Feature, Support};
use serde_json::json;
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Event, SocketRef};

/// Requests this server answers; it ignores every other event (no ack, no error).
const ANSWERED: [&str; 3] = ["module:subscribe", "get:online:count", "alert:list"];

/// Every request each socket received, in order, with whether it was answered.
type Log = Arc<Mutex<HashMap<String, Vec<(String, bool)>>>>;

async fn server() -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let logged = log.clone();
    let (layer, io) = SocketIo::new_layer();
    io.ns("/", move |s: SocketRef| {
        let log = logged.clone();
        s.on_fallback(
            move |s: SocketRef, Event(event): Event, ack: AckSender| async move {
                let answer = ANSWERED.contains(&event.as_str());
                log.lock()
                    .unwrap()
                    .entry(s.id.to_string())
                    .or_default()
                    .push((event, answer));
                if answer {
                    let _ = ack.send(&json!({"success": true, "count": 1, "items": []}));
                }
            },
        );
        async {}
    });
    let addr = serve_layer(layer).await;
    (addr, log)
}

#[tokio::test]
async fn no_request_follows_an_unanswered_probe_on_its_connection() {
    init_tracing();
    let (addr, log) = server().await;
    let (client, _events) = Client::start(fast_config(format!("http://{addr}")));
    let ConnectionState::Connected {
        capabilities: caps, ..
    } = client.wait_connected(WAIT).await.expect("connected")
    else {
        unreachable!()
    };

    // probes in order: KPI, presence answered; notifications ignored; then fleet (answered)
    // and chat (ignored) each on a connection of its own
    for (f, expected) in [
        (Feature::Kpi, Support::Full),
        (Feature::Presence, Support::Full),
        (Feature::Notifications, Support::Unsupported),
        (Feature::Fleet, Support::Full),
        (Feature::Chat, Support::Unsupported),
    ] {
        assert_eq!(caps.get(f), expected, "{f:?} in {caps:?}");
    }

    let log = log.lock().unwrap().clone();
    for (socket, requests) in &log {
        if let Some(first_ignored) = requests.iter().position(|(_, answered)| !answered) {
            assert_eq!(
                first_ignored,
                requests.len() - 1,
                "socket {socket} was asked more after an ignored request: {requests:?}"
            );
        }
    }
    let asked = |event: &str| log.values().flatten().filter(|(e, _)| e == event).count();
    for event in ["notification:list", "alert:list", "message:history"] {
        assert_eq!(asked(event), 1, "{event} probed once: {log:?}");
    }
    client.shutdown().await;
}
