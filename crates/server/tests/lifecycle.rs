//! Shutdown (issue: exit within 10 s with sockets open) and the `/admin` operations of §8.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_sockets_and_returns_promptly() {
    use futures_util::StreamExt;
    let srv = TestServer::start(|_| {}).await;
    // Raw websocket clients, so the test sees exactly what the server does to the transport.
    let mut sockets = Vec::new();
    for i in 0..5 {
        let url = format!("ws://{}/socket.io/?EIO=4&transport=websocket", srv.addr);
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
        ws.next().await.expect("open").expect("open");
        futures_util::SinkExt::send(
            &mut ws,
            tokio_tungstenite::tungstenite::Message::text(format!(
                "40{}",
                json!({"token": token(&format!("u{i}"), Role::Viewer)})
            )),
        )
        .await
        .expect("connect");
        loop {
            let m = ws.next().await.expect("frame").expect("frame");
            if m.to_text().unwrap_or("").starts_with("40") {
                break;
            }
        }
        sockets.push(ws);
    }
    let took = srv.stop().await;
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Every transport is closed by the server: the stream ends (after any queued frames).
    for mut ws in sockets {
        let ended = tokio::time::timeout(WAIT, async {
            while let Some(Ok(m)) = ws.next().await {
                if m.is_close() {
                    break;
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "socket still open after shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_see_stats_and_sockets_and_can_kick() {
    let srv = TestServer::start(|c| c.stats_interval = Duration::from_millis(200)).await;
    let url = srv.url();
    let mut victim = connect(&url, &token("victim", Role::Viewer)).await;
    let mut admin = connect_ns(&url, "/admin", &token("root", Role::Admin)).await;
    let first = admin.ack("stats:subscribe", json!(null)).await;
    assert_eq!(first["success"], true);
    let stats = admin.next("stats").await;
    for key in [
        "connections",
        "users",
        "rooms",
        "eventsInPerSec",
        "eventsOutPerSec",
        "bytesOutPerSec",
        "rssBytes",
        "uptimeS",
        "nodes",
    ] {
        assert!(stats[key].is_number(), "{key} in {stats}");
    }
    assert_eq!(stats["connections"], 1);
    assert!(stats["rssBytes"].as_u64().unwrap() > 1_000_000);

    let list = admin.ack("sockets:list", json!({"limit": 10})).await;
    let s = &list["sockets"][0];
    assert_eq!(s["userId"], "victim");
    assert_eq!(s["role"], "viewer");
    assert_eq!(s["transport"], "websocket");
    assert!(
        s["rooms"]
            .as_array()
            .unwrap()
            .contains(&json!("user:victim"))
    );
    assert!(s["remoteAddr"].as_str().unwrap().starts_with("127.0.0.1:"));
    let sid = s["socketId"].as_str().unwrap().to_owned();

    let missing = admin
        .ack("socket:disconnect", json!({"socketId": "nope"}))
        .await;
    assert_eq!(missing["error"]["code"], "not_found");
    let kicked = admin
        .ack("socket:disconnect", json!({"socketId": sid}))
        .await;
    assert_eq!(kicked["success"], true);
    victim.next("__close").await;
    // the gauge follows disconnections too
    loop {
        if admin.next("stats").await["connections"] == 0 {
            break;
        }
    }
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_gone_during_their_handshake_leave_no_count_behind() {
    use futures_util::{SinkExt, StreamExt};
    let srv = TestServer::start(|_| {}).await;
    // Each asks to connect and goes at once, while the server is still authenticating it
    // (recording the user): some close before the connect handler, some during the
    // middleware, some after.
    for i in 0..60 {
        let url = format!("ws://{}/socket.io/?EIO=4&transport=websocket", srv.addr);
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
        ws.next().await.expect("open").expect("open");
        let auth = json!({"token": token(&format!("brief{i}"), Role::Viewer)});
        ws.send(tokio_tungstenite::tungstenite::Message::text(format!(
            "40{auth}"
        )))
        .await
        .expect("connect");
        if i % 2 == 0 {
            let _ = ws.close(None).await;
        }
        drop(ws);
    }
    let url = format!("{}/api/socket/health", srv.url());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let health: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        if health["socket"]["connected"] == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "sockets still counted: {health}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ... which is the truth: no socket is left in the namespace either
    assert_eq!(connected_users(&srv.url()).await, Vec::<String>::new());
    // ... and the count still works afterwards
    let mut c = connect(&srv.url(), &token("stays", Role::Viewer)).await;
    let health: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(health["socket"]["connected"], 1, "{health}");
    assert_eq!(connected_users(&srv.url()).await, ["stays"]);
    c.none("__close", Duration::from_millis(10)).await;
    c.close().await;
}
