//! PROTOCOL.md §10: packet size, rate limit, and a client that stops reading.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::SinkExt;
use opsdeck_protocol::Role;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversize_packet_closes_only_that_client() {
    let srv = TestServer::start(|c| c.limits.max_packet_bytes = 4096).await;
    let url = srv.url();
    let big = connect(&url, &token("big", Role::Viewer)).await;
    let other = connect(&url, &token("other", Role::Viewer)).await;
    until_connected(&url, "both connected", |u| u.len() == 2).await;
    big.emit("presence:list", json!({"after": "x".repeat(10_000)}))
        .await;
    until_connected(&url, "big dropped", |u| u == ["other"]).await;
    let r = other.ack("get:online:count", json!(null)).await;
    assert_eq!(
        r["count"], 1,
        "the other client is still connected and served"
    );
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_answers_rate_limited_per_socket() {
    let srv = TestServer::start(|c| {
        c.limits.events_per_sec = 2.0;
        c.limits.events_burst = 5.0;
    })
    .await;
    let url = srv.url();
    let noisy = connect(&url, &token("noisy", Role::Viewer)).await;
    let calm = connect(&url, &token("calm", Role::Viewer)).await;
    let mut limited = 0;
    let mut ok = 0;
    for _ in 0..15 {
        let r = noisy.ack("get:online:count", json!(null)).await;
        match r["success"].as_bool() {
            Some(true) => ok += 1,
            _ => {
                assert_eq!(r["error"]["code"], "rate_limited", "{r}");
                limited += 1;
            }
        }
    }
    assert!(ok >= 5 && limited >= 5, "ok {ok}, limited {limited}");
    assert_eq!(
        calm.ack("get:online:count", json!(null)).await["success"],
        true
    );
    noisy.close().await;
    calm.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rooms_per_socket_limit_answers_too_large() {
    let srv = TestServer::start(|c| c.limits.max_rooms_per_socket = 1).await;
    let c = connect(&srv.url(), &token("c", Role::Viewer)).await;
    assert_eq!(
        c.ack("presence:subscribe", json!(null)).await["success"],
        true
    );
    let r = c.ack("notification:subscribe", json!(null)).await;
    assert_eq!(r["error"]["code"], "too_large");
    c.close().await;
}

/// A server queueing `queue` packets per socket, with the given send-stall timeout and
/// heartbeat (interval and timeout alike), and a client of user `slow` that never reads.
async fn with_a_stalled_client(
    queue: usize,
    stall: Duration,
    heartbeat: Duration,
) -> (TestServer, impl Sized) {
    let srv = TestServer::start(|c| {
        c.limits.send_buffer_packets = queue;
        c.limits.send_stall_timeout = stall;
        c.limits.ping_interval = heartbeat;
        c.limits.ping_timeout = heartbeat;
    })
    .await;
    let stalled = stalled_client(srv.addr, &token("slow", Role::Viewer)).await;
    (srv, stalled)
}

/// One broadcast notification of ~100 KB, from a dispatcher.
async fn flood(http: &reqwest::Client, url: &str) {
    let r = http
        .post(format!("{url}/api/notifications/broadcast"))
        .bearer_auth(token("dora", Role::Dispatcher))
        .json(&json!({"title": "flood", "message": "m", "data": {"blob": "x".repeat(100_000)}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// A raw websocket Socket.IO client that completes the handshake and then never reads.
async fn stalled_client(addr: std::net::SocketAddr, token: &str) -> impl Sized + use<> {
    use futures_util::StreamExt;
    let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
    let open = ws.next().await.expect("open").expect("open");
    assert!(open.to_text().unwrap().starts_with('0'));
    ws.send(Message::text(format!("40{}", json!({"token": token}))))
        .await
        .expect("connect");
    // Read until the connect ack, then stop reading for good.
    loop {
        let m = ws.next().await.expect("frame").expect("frame");
        if m.to_text().unwrap_or("").starts_with("40") {
            break;
        }
    }
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected_not_buffered() {
    // Heartbeats would take 60 s to notice: only the send-stall guard can explain a
    // disconnect within a few seconds.
    let (srv, _stalled) =
        with_a_stalled_client(32, Duration::from_secs(2), Duration::from_secs(30)).await;
    let url = srv.url();
    let mut reader = connect(&url, &token("reader", Role::Viewer)).await;
    let http = reqwest::Client::new();
    let admin = token("root", Role::Admin);
    let slow_sockets = |list: &serde_json::Value| {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["userId"] == "slow")
            .count()
    };
    let conns: serde_json::Value = http
        .get(format!("{url}/api/connections"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(slow_sockets(&conns), 1);

    // ~100 KB per broadcast: loopback socket buffers fill within a few MB.
    let started = Instant::now();
    let mut sent = 0;
    let gone = loop {
        flood(&http, &url).await;
        sent += 1;
        let n = reader.next("notification:broadcast").await;
        assert_eq!(n["title"], "flood");
        let conns: serde_json::Value = http
            .get(format!("{url}/api/connections"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if slow_sockets(&conns) == 0 {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "stalled client still connected after {sent} broadcasts ({:?})",
            started.elapsed()
        );
    };
    assert!(gone < Duration::from_secs(15));
    // The reading client is unaffected and still served.
    assert_eq!(
        reader.ack("get:online:count", json!(null)).await["success"],
        true
    );
    reader.close().await;
}

/// `opsdeck_emits_refused_total` from the `/metrics` text.
async fn emits_refused(http: &reqwest::Client, url: &str) -> u64 {
    let text = http
        .get(format!("{url}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("opsdeck_emits_refused_total "))
        .expect("the counter is exported")
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emits_refused_by_a_full_send_queue_are_counted() {
    // A long stall timeout and heartbeat: the stalled socket stays, and its queue fills.
    let (srv, _stalled) =
        with_a_stalled_client(4, Duration::from_secs(60), Duration::from_secs(60)).await;
    let url = srv.url();
    let http = reqwest::Client::new();
    assert_eq!(emits_refused(&http, &url).await, 0);

    // The loopback buffers fill, then the 4-packet queue.
    let started = Instant::now();
    while emits_refused(&http, &url).await == 0 {
        flood(&http, &url).await;
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no refusal counted after {:?}",
            started.elapsed()
        );
    }
}
