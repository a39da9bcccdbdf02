//! The chat directory against the real Opsdeck server: `room:create` → `room:created`,
//! `room:list` (public rooms, private rooms only for their members, membership after join and
//! leave), `dm:conversations`, and the direct typing notice (`typing` → `userTyping`).

mod common;

use common::*;
use opsdeck_client::{Client, ServerEvent};
use opsdeck_protocol::chat::{CreateRoom, DmSend};
use opsdeck_protocol::{ErrorCode, Role};

#[tokio::test]
async fn lists_creates_rooms_and_conversations() {
    init_tracing();
    let server = TestServer::start().await;
    let (ada, ada_events) =
        Client::start(fast_config(server.url()).with_token(token("ada", Role::Dispatcher)));
    let (bob, mut bob_events) =
        Client::start(fast_config(server.url()).with_token(token("bob", Role::Viewer)));
    ada.wait_connected(WAIT).await.expect("ada connected");
    bob.wait_connected(WAIT).await.expect("bob connected");

    assert!(ada.chat_rooms().await.expect("list").is_empty());
    assert!(ada.dm_conversations().await.expect("dms").is_empty());

    // a public room: everyone hears of it and may list it
    let ops = ada
        .create_room(&CreateRoom {
            name: "Ops".into(),
            description: Some("day shift".into()),
            is_public: true,
            members: None,
        })
        .await
        .expect("create public");
    let ev = next_server(
        &mut bob_events,
        "room:created",
        |e| matches!(e, ServerEvent::RoomCreated(r) if r.id == ops.id),
    )
    .await;
    assert!(matches!(ev, ServerEvent::RoomCreated(r) if r.name == "Ops" && r.is_public));

    // a private room: only its members see it
    let secret = ada
        .create_room(&CreateRoom {
            name: "Audit".into(),
            description: None,
            is_public: false,
            members: None,
        })
        .await
        .expect("create private");
    let listed = ada.chat_rooms().await.expect("ada list");
    let names: Vec<_> = listed.iter().map(|r| r.room.name.as_str()).collect();
    assert_eq!(names, ["Audit", "Ops"], "by name");
    assert!(listed.iter().all(|r| r.member), "the creator is a member");
    let for_bob = bob.chat_rooms().await.expect("bob list");
    assert_eq!(for_bob.len(), 1, "{for_bob:?}");
    assert_eq!(for_bob[0].room.id, ops.id);
    assert!(!for_bob[0].member);

    // joining makes bob a member, leaving ends it
    bob.join_room(&ops.id).await.expect("join");
    assert!(bob.chat_rooms().await.unwrap()[0].member);
    bob.leave_room(&ops.id).await.expect("leave");
    assert!(!bob.chat_rooms().await.unwrap()[0].member);
    let err = bob.join_room(&secret.id).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden), "{err:?}");

    // bad input is refused
    let err = ada
        .create_room(&CreateRoom {
            name: String::new(),
            description: None,
            is_public: true,
            members: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadRequest), "{err:?}");

    // conversations: both sides, named, most recent first
    bob.send_dm(&DmSend {
        recipient_id: "ada".into(),
        text: "hi".into(),
    })
    .await
    .expect("dm");
    let for_ada = ada.dm_conversations().await.expect("ada dms");
    assert_eq!(for_ada.len(), 1);
    assert_eq!(
        (for_ada[0].peer_id.as_str(), for_ada[0].peer_name.as_str()),
        ("bob", "bob Test")
    );
    let for_bob = bob.dm_conversations().await.expect("bob dms");
    assert_eq!(
        (for_bob[0].peer_id.as_str(), for_bob[0].peer_name.as_str()),
        ("ada", "ada Test")
    );

    // direct typing notices
    ada.set_dm_typing("bob", true).await.expect("typing");
    let ev = next_server(&mut bob_events, "userTyping", |e| {
        matches!(e, ServerEvent::UserTyping(_))
    })
    .await;
    let ServerEvent::UserTyping(t) = ev else {
        unreachable!()
    };
    assert_eq!((t.user_id.as_str(), t.is_typing), ("ada", true));

    drop(ada_events);
    ada.shutdown().await;
    bob.shutdown().await;
    server.stop().await;
}
