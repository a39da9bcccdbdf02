//! Payloads of §7 as the reference clients send and read them.

use super::*;
use serde_json::json;

#[test]
fn study_room_client_payloads() {
    // seed 002: socket.emit('room:join', roomId) with a bare id
    let r: RoomRef = serde_json::from_value(json!("room-42")).unwrap();
    assert_eq!(r.id(), "room-42");
    assert!(r.validate().is_ok());
    let o: RoomRef = serde_json::from_value(json!({"roomId": "room-42"})).unwrap();
    assert_eq!(
        o,
        RoomRef::Object {
            room_id: "room-42".into()
        }
    );
    assert_eq!(chat_room(r.id()), "room:room-42");

    let m: MessageSend =
        serde_json::from_value(json!({"roomId": "room-42", "text": "hello"})).unwrap();
    assert!(m.validate().is_ok());
    let d: DmSend = serde_json::from_value(json!({"recipientId": "u2", "text": "hi"})).unwrap();
    assert!(d.validate().is_ok());
    let t: TypingRequest = serde_json::from_value(json!({"roomId": "room-42"})).unwrap();
    assert!(t.validate().is_ok());
    // seed 002 createRoom reads { name, description, isPublic } from the body
    let c: CreateRoom = serde_json::from_value(
        json!({"name": "Algebra", "description": "Study group", "isPublic": true}),
    )
    .unwrap();
    assert!(c.validate().is_ok());
}

#[test]
fn references_refuse_unknown_fields() {
    assert!(serde_json::from_value::<RoomRef>(json!({"roomId": "r1", "x": 1})).is_err());
    assert!(serde_json::from_value::<RoomRef>(json!({})).is_err());
    assert!(serde_json::from_value::<RoomRef>(json!(7)).is_err());
    assert!(serde_json::from_value::<RoomRef>(json!(null)).is_err());
}

#[test]
fn text_lengths() {
    let m = |text: String| MessageSend {
        room_id: "r".into(),
        text,
    };
    assert!(m(String::new()).validate().is_err());
    assert!(m("é".repeat(MAX_TEXT)).validate().is_ok());
    assert!(m("x".repeat(MAX_TEXT + 1)).validate().is_err());
    let d = DmSend {
        recipient_id: "u2".into(),
        text: String::new(),
    };
    assert!(d.validate().is_err());
}

#[test]
fn read_receipt_accepts_seed_003_sender_id() {
    // seed 003: socket.emit('message:read', { messageId, senderId })
    let r: MarkMessageRead =
        serde_json::from_value(json!({"messageId": "msg-123", "senderId": "user-456"})).unwrap();
    assert!(r.validate().is_ok());
    let bare: MarkMessageRead = serde_json::from_value(json!({"messageId": "m1"})).unwrap();
    assert_eq!(bare.sender_id, None);
    let receipt = serde_json::to_value(MessageRead {
        message_id: "m1".into(),
        read_by: "u2".into(),
    })
    .unwrap();
    assert_eq!(receipt, json!({"messageId": "m1", "readBy": "u2"}));
}

#[test]
fn history_requests() {
    let h = |v| serde_json::from_value::<MessageHistoryRequest>(v).unwrap();
    assert!(h(json!({"roomId": "r1"})).validate().is_ok());
    assert!(h(json!({"peerId": "u2", "limit": 200})).validate().is_ok());
    assert!(h(json!({"peerId": "u2", "limit": 201})).validate().is_err());
    assert!(h(json!({})).validate().is_err());
    assert!(
        h(json!({"roomId": "r1", "peerId": "u2"}))
            .validate()
            .is_err()
    );
}

#[test]
fn rooms_and_members() {
    let c = |v| serde_json::from_value::<CreateRoom>(v).unwrap();
    assert!(c(json!({"name": "", "isPublic": true})).validate().is_err());
    assert!(
        c(json!({"name": "R", "isPublic": false, "members": ["u1", "bad id"]}))
            .validate()
            .is_err()
    );
    assert!(serde_json::from_value::<CreateRoom>(json!({"name": "R"})).is_err());
    let a = |v| serde_json::from_value::<AddRoomMembers>(v).unwrap();
    assert!(a(json!({"userIds": ["u1", "u2"]})).validate().is_ok());
    assert!(a(json!({"userIds": []})).validate().is_err());
}

#[test]
fn outgoing_shapes() {
    let created = serde_json::to_value(ChatRoom {
        id: "r1".into(),
        name: "Algebra".into(),
        description: None,
        is_public: true,
        created_by: ChatUser::new("u1", "Ada Lovelace", Role::Viewer),
    })
    .unwrap();
    // seed 002 emits createdBy: {id, firstName, lastName}
    assert_eq!(
        created,
        json!({"id": "r1", "name": "Algebra", "description": null, "isPublic": true,
               "createdBy": {"id": "u1", "name": "Ada Lovelace", "role": "viewer",
                             "firstName": "Ada", "lastName": "Lovelace"}})
    );
    let user = ChatUser::from(&UserRef {
        id: "u1".into(),
        name: "Ada  King Lovelace ".into(),
        role: Role::Viewer,
    });
    assert_eq!(user.first_name, "Ada");
    assert_eq!(user.last_name, "King Lovelace");
    assert_eq!(first_name("  "), "");
    assert_eq!(last_name("Plato"), "");
    let e = serde_json::to_value(DmError::from(&DmError::recipient_not_found())).unwrap();
    assert_eq!(
        e,
        json!({"message": "Recipient not found", "code": "not_found"})
    );
    let typing = serde_json::to_value(TypingUpdate {
        room_id: "r1".into(),
        user_id: "u1".into(),
        first_name: "Ada".into(),
        is_typing: true,
    })
    .unwrap();
    assert_eq!(
        typing,
        json!({"roomId": "r1", "userId": "u1", "firstName": "Ada", "isTyping": true})
    );
}

#[test]
fn post_message_from_seed_004() {
    // seed 004: const { receiverId, text } = req.body
    let p: PostMessage =
        serde_json::from_value(json!({"receiverId": "user_123", "text": "Hey"})).unwrap();
    assert!(p.validate().is_ok());
    let dm = DmSend::from(p);
    assert_eq!(dm.recipient_id, "user_123");
    // the receiver gets newMessage { id, senderId, text, timestamp, ... }
    let n = serde_json::to_value(NewMessage {
        id: "m1".into(),
        sender_id: "u1".into(),
        receiver_id: "user_123".into(),
        text: "Hey".into(),
        timestamp: "2026-02-04T10:30:00Z".parse().unwrap(),
    })
    .unwrap();
    for k in ["id", "senderId", "receiverId", "text", "timestamp"] {
        assert!(n.get(k).is_some(), "{k}");
    }
}
