//! PROTOCOL.md §9 with rust_socketio: one room shared by every naming. A message, a join or
//! leave notice or a typing notice sent under any name reaches each member under the name its
//! socket joined with; direct messages go out under every name.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::json;

const QUIET: Duration = Duration::from_millis(300);

/// Three members of room `shared`: `canon` joined with `room:join`, `conv` with
/// `conversation:join`, `module` with `joinRoom`.
struct Room {
    canon: TestClient,
    conv: TestClient,
    module: TestClient,
}

async fn room(url: &str) -> Room {
    let mut canon = connect(url, &token("canon", Role::Viewer)).await;
    let mut conv = connect(url, &token("conv", Role::Viewer)).await;
    let module = connect(url, &token("module", Role::Viewer)).await;
    assert_eq!(
        canon.ack("room:join", json!("shared")).await["success"],
        true
    );
    let r = conv.ack("conversation:join", json!("shared")).await;
    assert_eq!(r["room"]["id"], "shared", "{r}");
    // the canonical member hears of the conversation member's join as room:userJoined
    assert_eq!(canon.next("room:userJoined").await["user"]["id"], "conv");
    assert_eq!(
        module.ack("joinRoom", json!("shared")).await["success"],
        true
    );
    let j = canon.next("room:userJoined").await;
    assert_eq!(j["user"]["id"], "module");
    // the conversation naming has no join notice
    conv.none("userJoinedRoom", QUIET).await;
    Room {
        canon,
        conv,
        module,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_under_any_name_reaches_every_naming() {
    let srv = TestServer::start(|_| {}).await;
    let Room {
        mut canon,
        mut conv,
        mut module,
    } = room(&srv.url()).await;

    // §7 name
    let a = canon
        .ack("message:send", json!({"roomId": "shared", "text": "one"}))
        .await;
    assert_eq!(canon.next("message:received").await["text"], "one");
    let m = conv.next("message:new").await;
    assert_eq!(
        m,
        json!({"id": a["messageId"], "content": "one", "senderId": "canon",
               "conversationId": "shared", "createdAt": m["createdAt"]})
    );
    let r = module.next("newRoomMessage").await;
    assert_eq!(r["userId"], "canon");
    assert_eq!(r["message"], "one");
    assert_eq!(r["roomId"], "shared");

    // seed 003 name: the sender's socket gets nothing but the ack
    let b = conv
        .ack(
            "message:send",
            json!({"conversationId": "shared", "content": "two"}),
        )
        .await;
    assert_eq!(b["success"], true, "{b}");
    let got = canon.next("message:received").await;
    assert_eq!(
        (got["text"].as_str(), got["sender"]["id"].as_str()),
        (Some("two"), Some("conv"))
    );
    assert_eq!(module.next("newRoomMessage").await["message"], "two");
    conv.none("message:new", QUIET).await;

    // seed 004 name
    let c = module
        .ack(
            "sendMessageToRoom",
            json!({"roomId": "shared", "message": "three"}),
        )
        .await;
    assert_eq!(c["success"], true, "{c}");
    assert_eq!(canon.next("message:received").await["text"], "three");
    assert_eq!(conv.next("message:new").await["content"], "three");
    module.none("newRoomMessage", QUIET).await;

    // every naming reads the same history
    let h = module
        .ack("message:history", json!({"roomId": "shared"}))
        .await;
    let texts: Vec<_> = h["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["three", "two", "one"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_and_leaving_under_each_name() {
    let srv = TestServer::start(|_| {}).await;
    let Room {
        mut canon,
        mut conv,
        mut module,
    } = room(&srv.url()).await;

    conv.emit("typing:start", json!({"conversationId": "shared"}))
        .await;
    let t = canon.next("typing:update").await;
    assert_eq!(
        t,
        json!({"roomId": "shared", "userId": "conv", "firstName": "conv", "isTyping": true})
    );
    canon.emit("typing:stop", json!({"roomId": "shared"})).await;
    assert_eq!(
        conv.next("typing:stop").await,
        json!({"userId": "canon", "conversationId": "shared"})
    );
    module.none("typing:update", QUIET).await;

    // seed 004's direct typing notice
    module
        .emit("typing", json!({"receiverId": "canon", "isTyping": true}))
        .await;
    assert_eq!(
        canon.next("userTyping").await,
        json!({"userId": "module", "isTyping": true})
    );

    // leaving under one name tells the others under theirs
    assert_eq!(
        conv.ack("conversation:leave", json!("shared")).await["success"],
        true
    );
    assert_eq!(
        canon.next("room:userLeft").await,
        json!({"roomId": "shared", "userId": "conv"})
    );
    let left = module.next("userLeftRoom").await;
    assert_eq!(
        (left["userId"].as_str(), left["roomId"].as_str()),
        (Some("conv"), Some("shared"))
    );
    assert!(left["timestamp"].is_string());
    canon
        .ack("message:send", json!({"roomId": "shared", "text": "after"}))
        .await;
    conv.none("message:new", QUIET).await;

    // a socket that joins again under another name hears the room under that one only
    assert_eq!(
        module.ack("room:join", json!("shared")).await["success"],
        true
    );
    canon
        .ack(
            "message:send",
            json!({"roomId": "shared", "text": "switched"}),
        )
        .await;
    let got = module.next("message:received").await;
    assert_eq!(got["text"], "switched");
    module.none("newRoomMessage", QUIET).await;
    assert_eq!(
        module.ack("leaveRoom", json!("shared")).await["success"],
        true
    );
    assert_eq!(canon.next("room:userLeft").await["userId"], "module");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_under_every_name() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut sender = connect(&url, &token("sender", Role::Viewer)).await;
    let mut sender2 = connect(&url, &token("sender", Role::Viewer)).await;
    let mut to = connect(&url, &token("to", Role::Viewer)).await;

    let r = sender
        .ack(
            "private:message",
            json!({"recipientUserId": "to", "content": "psst"}),
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    let id = r["messageId"].clone();
    assert_eq!(to.next("dm:received").await["id"], id);
    let n = to.next("message:new").await;
    assert_eq!(
        n,
        json!({"id": id, "content": "psst", "from": "sender", "createdAt": n["createdAt"]})
    );
    let nm = to.next("newMessage").await;
    assert_eq!(
        (nm["senderId"].as_str(), nm["text"].as_str()),
        (Some("sender"), Some("psst"))
    );
    // the sender's tabs get dm:received only
    assert_eq!(sender2.next("dm:received").await["id"], id);
    sender.none("message:new", QUIET).await;

    // private:message reports failures as `error`, not dm:error
    sender
        .emit(
            "private:message",
            json!({"recipientUserId": "ghost", "content": "x"}),
        )
        .await;
    let e = sender.next("error").await;
    assert_eq!(
        (e["event"].as_str(), e["code"].as_str()),
        (Some("private:message"), Some("not_found"))
    );
    sender.none("dm:error", QUIET).await;
}
