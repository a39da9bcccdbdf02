//! PROTOCOL.md §6 with rust_socketio: durable before emit, offline catch-up, restart, sync.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::json;

fn note(title: &str, target: serde_json::Value) -> serde_json::Value {
    json!({"title": title, "message": format!("{title} body"), "type": "warning", "target": target})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_users_catch_up_and_everything_survives_a_restart() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    // Alice becomes known, then goes offline.
    connect(&url, &token("alice", Role::Driver))
        .await
        .close()
        .await;
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    let a = disp
        .ack(
            "notification:send",
            note(
                "direct",
                json!({"kind": "users", "ids": ["alice", "ghost"]}),
            ),
        )
        .await;
    assert_eq!(a["success"], true, "{a}");
    assert_eq!(a["recipients"], 1, "unknown users are not counted");
    let b = disp
        .ack(
            "notification:send",
            note("drivers", json!({"kind": "roles", "ids": ["driver"]})),
        )
        .await;
    assert_eq!(b["recipients"], 1);
    let c = disp
        .ack(
            "notification:send",
            note("everyone", json!({"kind": "all"})),
        )
        .await;
    assert_eq!(c["recipients"], 2);
    disp.close().await;

    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    let took = srv.stop().await;
    assert!(took < Duration::from_secs(10), "shutdown took {took:?}");

    let srv = TestServer::start_on(dir, db, |_| {}).await;
    let url = srv.url();
    // A user first seen after the sends is addressed by none of them: roles and `all` are
    // resolved at send time.
    let late = connect(&url, &token("late", Role::Driver)).await;
    let late_list = late.ack("notification:list", json!({})).await;
    assert_eq!(late_list["items"], json!([]), "{late_list}");
    let late_count = late.ack("notification:request-count", json!(null)).await;
    assert_eq!(late_count["count"], 0);
    late.close().await;

    let mut tab1 = connect(&url, &token("alice", Role::Driver)).await;
    let mut tab2 = connect(&url, &token("alice", Role::Driver)).await;
    let count = tab1.ack("notification:request-count", json!(null)).await;
    assert_eq!(count["count"], 3);
    assert_eq!(tab1.next("notification:count").await, json!({"count": 3}));
    let list = tab1.ack("notification:list", json!({"limit": 2})).await;
    let items = list["items"].as_array().unwrap();
    let titles: Vec<_> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["everyone", "drivers"], "newest first");
    assert_eq!(items[0]["read"], false);
    assert_eq!(
        items[0]["sender"],
        json!({"id": "dora", "name": "dora Test"})
    );
    let cursor = list["nextCursor"].as_str().unwrap().to_owned();
    let rest = tab1
        .ack("notification:list", json!({"before": cursor, "limit": 2}))
        .await;
    assert_eq!(rest["items"][0]["title"], "direct");
    assert_eq!(rest["nextCursor"], serde_json::Value::Null);

    // Marking read in one tab updates the count in every tab.
    let id = items[0]["id"].as_str().unwrap().to_owned();
    let r = tab1.ack("notification:mark-read", json!(id)).await;
    assert_eq!(r["count"], 2);
    assert_eq!(tab2.next("notification:count").await, json!({"count": 2}));
    assert_eq!(tab1.next("notification:count").await, json!({"count": 2}));
    let unread = tab2
        .ack("notification:list", json!({"unreadOnly": true}))
        .await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 2);
    let r = tab2.ack("notification:mark-all-read", json!(null)).await;
    assert_eq!(r["count"], 0);
    assert_eq!(tab1.next("notification:count").await, json!({"count": 0}));
    tab1.close().await;
    tab2.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targeted_notifications_reach_every_tab_of_recipients_only() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut a1 = connect(&url, &token("alice", Role::Viewer)).await;
    let mut a2 = connect(&url, &token("alice", Role::Viewer)).await;
    let mut bob = connect(&url, &token("bob", Role::Viewer)).await;
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    let r = disp
        .ack(
            "notification:send",
            note("hi alice", json!({"kind": "users", "ids": ["alice"]})),
        )
        .await;
    let n1 = a1.next("notification:new").await;
    let n2 = a2.next("notification:new").await;
    assert_eq!(n1, n2);
    assert_eq!(n1["id"], r["id"]);
    assert_eq!(n1["title"], "hi alice");
    assert_eq!(n1["type"], "warning");
    assert_eq!(n1["target"], json!({"kind": "users", "ids": ["alice"]}));
    bob.none("notification:new", Duration::from_millis(300))
        .await;
    // Someone else's notification cannot be marked read.
    let e = bob
        .ack("notification:mark-read", json!({"notificationId": r["id"]}))
        .await;
    assert_eq!(e["error"]["code"], "not_found");
    for c in [a1, a2, bob, disp] {
        c.close().await;
    }
}
