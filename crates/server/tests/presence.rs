//! PROTOCOL.md §3 with rust_socketio: one transition per user, not per tab.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_transitions_once_per_user_across_tabs() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut watcher = connect(&url, &token("watcher", Role::Viewer)).await;
    let first = watcher.ack("presence:subscribe", json!(null)).await;
    assert_eq!(first["success"], true);
    assert_eq!(first["users"][0]["userId"], "watcher");

    let tab1 = connect(&url, &token("alice", Role::Driver)).await;
    assert_eq!(
        watcher.next("user:online").await,
        json!({"userId": "alice"})
    );
    let st = watcher.next("user:status").await;
    assert_eq!(st["userId"], "alice");
    assert_eq!(st["status"], "online");

    let tab2 = connect(&url, &token("alice", Role::Driver)).await;
    watcher
        .none("user:online", Duration::from_millis(300))
        .await;
    let list = watcher.ack("presence:list", json!({})).await;
    let alice = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["userId"] == "alice")
        .cloned()
        .unwrap();
    assert_eq!(alice["connections"], 2);
    assert_eq!(alice["role"], "driver");
    assert_eq!(
        watcher.ack("get:online:count", json!(null)).await["count"],
        2
    );

    tab1.close().await;
    watcher
        .none("user:offline", Duration::from_millis(300))
        .await;
    tab2.close().await;
    assert_eq!(
        watcher.next("user:offline").await,
        json!({"userId": "alice"})
    );
    assert_eq!(watcher.next("user:status").await["status"], "offline");
    assert_eq!(
        watcher.ack("get:online:count", json!(null)).await["count"],
        1
    );
    watcher.close().await;
}
