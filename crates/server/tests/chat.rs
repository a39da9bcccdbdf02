//! PROTOCOL.md §7 with rust_socketio: rooms (public, private, over HTTP), messages stored
//! before they are emitted, history with cursors, direct messages to every tab, typing, read
//! receipts, and nothing lost while a recipient is offline or the server restarts.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::{Value, json};

const QUIET: Duration = Duration::from_millis(300);

async fn post(url: &str, path: &str, tok: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .bearer_auth(tok)
        .json(&body)
        .send()
        .await
        .expect("post");
    (r.status().as_u16(), r.json().await.expect("json"))
}

fn ids(history: &Value) -> Vec<String> {
    history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_rooms_messages_and_history_pages() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut alice = connect(&url, &token("alice", Role::Viewer)).await;
    let mut bob = connect(&url, &token("bob", Role::Driver)).await;

    let joined = alice.ack("room:join", json!("algebra")).await;
    assert_eq!(joined["success"], true, "{joined}");
    assert_eq!(joined["room"]["id"], "algebra");
    assert_eq!(
        joined["room"]["isPublic"], true,
        "an unknown id makes a public room"
    );
    assert_eq!(joined["room"]["createdBy"]["id"], "alice");

    assert_eq!(
        bob.ack("room:join", json!({"roomId": "algebra"})).await["success"],
        true
    );
    let notice = alice.next("room:userJoined").await;
    assert_eq!(notice["roomId"], "algebra");
    assert_eq!(
        notice["user"],
        json!({"id": "bob", "name": "bob Test", "role": "driver", "firstName": "bob",
               "lastName": "Test"})
    );
    bob.none("room:userJoined", QUIET).await;

    let sent = bob
        .ack(
            "message:send",
            json!({"roomId": "algebra", "text": "x = 2"}),
        )
        .await;
    assert_eq!(sent["success"], true, "{sent}");
    let id = sent["messageId"].as_str().expect("messageId").to_owned();
    for c in [&mut alice, &mut bob] {
        let m = c.next("message:received").await;
        assert_eq!(m["id"], id.as_str());
        assert_eq!(m["roomId"], "algebra");
        assert_eq!(m["text"], "x = 2");
        assert_eq!(m["sender"]["id"], "bob");
        assert_eq!(m["sender"]["firstName"], "bob");
        assert!(m["createdAt"].as_str().unwrap().ends_with('Z'));
    }

    for i in 1..=4 {
        alice
            .ack(
                "message:send",
                json!({"roomId": "algebra", "text": format!("n{i}")}),
            )
            .await;
        assert_eq!(bob.next("message:received").await["text"], format!("n{i}"));
    }
    let p1 = bob
        .ack("message:history", json!({"roomId": "algebra", "limit": 2}))
        .await;
    assert_eq!(ids(&p1), ["n4", "n3"], "newest first");
    let cursor = p1["nextCursor"].as_str().expect("a cursor").to_owned();
    let p2 = bob
        .ack(
            "message:history",
            json!({"roomId": "algebra", "limit": 2, "before": cursor}),
        )
        .await;
    assert_eq!(ids(&p2), ["n2", "n1"]);
    let p3 = bob
        .ack(
            "message:history",
            json!({"roomId": "algebra", "before": p2["nextCursor"]}),
        )
        .await;
    assert_eq!(ids(&p3), ["x = 2"]);
    assert_eq!(p3["nextCursor"], Value::Null);
    let bad = bob
        .ack(
            "message:history",
            json!({"roomId": "algebra", "before": "nope"}),
        )
        .await;
    assert_eq!(bad["error"]["code"], "bad_request");
    let unknown = bob
        .ack("message:history", json!({"roomId": "nowhere"}))
        .await;
    assert_eq!(unknown["error"]["code"], "not_found");

    assert_eq!(
        bob.ack("room:leave", json!("algebra")).await["success"],
        true
    );
    assert_eq!(
        alice.next("room:userLeft").await,
        json!({"roomId": "algebra", "userId": "bob"})
    );
    alice
        .ack(
            "message:send",
            json!({"roomId": "algebra", "text": "gone?"}),
        )
        .await;
    bob.none("message:received", QUIET).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_rooms_admit_their_members_only() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut bob = connect(&url, &token("bob", Role::Viewer)).await;
    let mut carol = connect(&url, &token("carol", Role::Viewer)).await;
    let alice_tok = token("alice", Role::Viewer);

    let (status, body) = post(
        &url,
        "/api/rooms",
        &alice_tok,
        json!({"name": "Staff room", "description": "Members only", "isPublic": false,
               "members": ["bob"]}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let room = body["data"]["id"].as_str().expect("room id").to_owned();
    let created = bob.next("room:created").await;
    assert_eq!(created["id"], room.as_str());
    assert_eq!(created["isPublic"], false);
    assert_eq!(created["createdBy"]["id"], "alice");
    // everyone hears of it (§7); only members may enter
    assert_eq!(carol.next("room:created").await["id"], room.as_str());

    let refused = carol.ack("room:join", json!(room)).await;
    assert_eq!(refused["error"]["code"], "forbidden", "{refused}");
    for (event, payload) in [
        ("message:send", json!({"roomId": room, "text": "let me in"})),
        ("message:history", json!({"roomId": room})),
        ("typing:start", json!({"roomId": room})),
    ] {
        let r = carol.ack(event, payload).await;
        assert_eq!(r["error"]["code"], "forbidden", "{event}: {r}");
    }
    assert_eq!(bob.ack("room:join", json!(room)).await["success"], true);
    let h = bob.ack("message:history", json!({"roomId": room})).await;
    assert_eq!(
        h["messages"],
        json!([]),
        "the refused message was not stored"
    );

    let carol_tok = token("carol", Role::Viewer);
    let path = format!("/api/rooms/{room}/members");
    let (status, _) = post(&url, &path, &carol_tok, json!({"userIds": ["carol"]})).await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &url,
        &path,
        &alice_tok,
        json!({"userIds": ["carol", "bob"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!({"roomId": room, "added": ["carol"]}));
    let (status, _) = post(
        &url,
        "/api/rooms/nope/members",
        &alice_tok,
        json!({"userIds": ["x"]}),
    )
    .await;
    assert_eq!(status, 404);

    assert_eq!(carol.ack("room:join", json!(room)).await["success"], true);
    assert_eq!(bob.next("room:userJoined").await["user"]["id"], "carol");
    // leaving ends membership but not access: carol can come back
    assert_eq!(carol.ack("room:leave", json!(room)).await["success"], true);
    assert_eq!(carol.ack("room:join", json!(room)).await["success"], true);

    let device = connect(&url, &device_token("truck", "V-9")).await;
    let r = device.ack("room:join", json!("lobby")).await;
    assert_eq!(r["error"]["code"], "forbidden", "devices do not chat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_reach_every_tab_and_wait_for_offline_users() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut a1 = connect(&url, &token("alice", Role::Viewer)).await;
    let mut a2 = connect(&url, &token("alice", Role::Viewer)).await;
    let mut b1 = connect(&url, &token("bob", Role::Viewer)).await;
    let mut b2 = connect(&url, &token("bob", Role::Viewer)).await;

    let r = a1
        .ack("dm:send", json!({"recipientId": "bob", "text": "hi bob"}))
        .await;
    assert_eq!(r["success"], true, "{r}");
    for c in [&mut a1, &mut a2, &mut b1, &mut b2] {
        let dm = c.next("dm:received").await;
        assert_eq!(dm["id"], r["messageId"]);
        assert_eq!(dm["recipientId"], "bob");
        assert_eq!(dm["sender"]["id"], "alice");
        assert_eq!(dm["text"], "hi bob");
    }

    // unknown recipient: dm:error, and a not_found ack when one was asked for
    let r = a1
        .ack("dm:send", json!({"recipientId": "ghost", "text": "boo"}))
        .await;
    assert_eq!(r["error"]["code"], "not_found");
    assert_eq!(
        a1.next("dm:error").await,
        json!({"message": "Recipient not found", "code": "not_found"})
    );
    a1.emit("dm:send", json!({"recipientId": "ghost", "text": "boo"}))
        .await;
    assert_eq!(a1.next("dm:error").await["message"], "Recipient not found");
    a1.emit("dm:send", json!({"recipientId": "bob", "text": ""}))
        .await;
    assert_eq!(a1.next("dm:error").await["code"], "bad_request");
    a1.none("error", QUIET).await;

    // carol is known but offline: the message waits for her
    connect(&url, &token("carol", Role::Viewer))
        .await
        .close()
        .await;
    until_connected(&url, "carol gone", |u| !u.iter().any(|x| x == "carol")).await;
    let sent = a1
        .ack(
            "dm:send",
            json!({"recipientId": "carol", "text": "while you were out"}),
        )
        .await;
    let mut carol = connect(&url, &token("carol", Role::Viewer)).await;
    let missed = carol.ack("requestMissedMessages", json!(null)).await;
    assert_eq!(missed["messages"][0]["id"], sent["messageId"], "{missed}");
    let pushed = carol.next("missedMessages").await;
    assert_eq!(pushed[0]["senderId"], "alice");
    assert_eq!(pushed[0]["receiverId"], "carol");
    assert_eq!(pushed[0]["text"], "while you were out");
    let again = carol.ack("requestMissedMessages", json!(null)).await;
    assert_eq!(again["messages"], json!([]), "delivered once");
    let h = carol
        .ack("message:history", json!({"peerId": "alice"}))
        .await;
    assert_eq!(ids(&h), ["while you were out"]);
    assert_eq!(h["messages"][0]["recipientId"], "carol");
    // bob was online when his message was sent: nothing is missed
    let b = b1.ack("requestMissedMessages", json!(null)).await;
    assert_eq!(b["messages"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_and_read_receipts() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut ada = connect(&url, &token("ada", Role::Viewer)).await;
    let mut ada2 = connect(&url, &token("ada", Role::Viewer)).await;
    let mut bob = connect(&url, &token("bob", Role::Viewer)).await;
    for c in [&ada, &ada2, &bob] {
        c.ack("room:join", json!("r1")).await;
    }
    ada.emit("typing:start", json!({"roomId": "r1"})).await;
    assert_eq!(
        bob.next("typing:update").await,
        json!({"roomId": "r1", "userId": "ada", "firstName": "ada", "isTyping": true})
    );
    assert_eq!(
        ada2.next("typing:update").await["isTyping"],
        true,
        "own other tab"
    );
    ada.none("typing:update", QUIET).await;
    ada.emit("typing:stop", json!({"roomId": "r1"})).await;
    assert_eq!(bob.next("typing:update").await["isTyping"], false);

    let m = ada
        .ack("message:send", json!({"roomId": "r1", "text": "read me"}))
        .await;
    let id = m["messageId"].clone();
    let r = bob
        .ack("message:read", json!({"messageId": id, "senderId": "ada"}))
        .await;
    assert_eq!(r["success"], true, "{r}");
    for c in [&mut ada, &mut ada2] {
        assert_eq!(
            c.next("message:read").await,
            json!({"messageId": id, "readBy": "bob"})
        );
    }
    bob.ack("message:read", json!({"messageId": id})).await;
    ada.none("message:read", QUIET).await;
    let nf = bob
        .ack("message:read", json!({"messageId": "msg_nope"}))
        .await;
    assert_eq!(nf["error"]["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_rooms_and_messages() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut viewer = connect(&url, &token("vic", Role::Viewer)).await;
    let mut bob = connect(&url, &token("bob", Role::Viewer)).await;
    let alice = token("alice", Role::Viewer);

    let (status, body) = post(
        &url,
        "/api/rooms",
        &alice,
        json!({"name": "Algebra", "description": "Study group", "isPublic": true}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["success"], true);
    let created = viewer.next("room:created").await;
    assert_eq!(created, body["data"]);
    assert_eq!(created["name"], "Algebra");
    assert_eq!(created["createdBy"]["firstName"], "alice");
    let (status, body) = post(&url, "/api/rooms", &alice, json!({"name": ""})).await;
    assert_eq!(status, 400, "{body}");

    let (status, body) = post(
        &url,
        "/api/messages",
        &alice,
        json!({"receiverId": "bob", "text": "from a controller"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"], body["message"]);
    // the same message under every name, in this order
    assert_eq!(bob.next("dm:received").await["id"], body["data"]["id"]);
    assert_eq!(bob.next("message:new").await["from"], "alice");
    let m = bob.next("newMessage").await;
    assert_eq!(m, body["data"]);
    assert_eq!(m["senderId"], "alice");
    assert_eq!(m["text"], "from a controller");
    // the HTTP sender became a known user: bob can answer
    let r = bob
        .ack("dm:send", json!({"recipientId": "alice", "text": "got it"}))
        .await;
    assert_eq!(r["success"], true, "{r}");
    let (status, body) = post(
        &url,
        "/api/messages",
        &alice,
        json!({"receiverId": "ghost", "text": "x"}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["message"], "Recipient not found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_and_membership_survive_a_restart() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let a = connect(&url, &token("alice", Role::Viewer)).await;
    let b = connect(&url, &token("bob", Role::Viewer)).await;
    a.ack("room:join", json!("durable")).await;
    b.ack("room:join", json!("durable")).await;
    a.ack(
        "message:send",
        json!({"roomId": "durable", "text": "before"}),
    )
    .await;
    a.ack(
        "dm:send",
        json!({"recipientId": "bob", "text": "dm before"}),
    )
    .await;
    a.close().await;
    b.close().await;
    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    srv.stop().await;

    let srv = TestServer::start_on(dir, db, |_| {}).await;
    let url = srv.url();
    let mut bob = connect(&url, &token("bob", Role::Viewer)).await;
    let h = bob
        .ack("message:history", json!({"roomId": "durable"}))
        .await;
    assert_eq!(ids(&h), ["before"]);
    let h = bob.ack("message:history", json!({"peerId": "alice"})).await;
    assert_eq!(ids(&h), ["dm before"]);
    // membership lasted across disconnects: a notification to the room reaches bob
    let d = connect(&url, &token("dora", Role::Dispatcher)).await;
    let sent = d
        .ack(
            "notification:send",
            json!({"title": "t", "message": "m", "type": "info",
                   "target": {"kind": "room", "ids": ["durable"]}}),
        )
        .await;
    assert_eq!(sent["recipients"], 2, "{sent}");
    assert_eq!(bob.next("notification:new").await["title"], "t");
}
