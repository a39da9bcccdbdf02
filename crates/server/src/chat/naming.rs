//! The compatibility table of PROTOCOL.md §9, outgoing side: which event, under which name and
//! with which payload, each member of a chat room gets for something that happened in it.
//!
//! A socket is in Socket.IO room `room:{id}` for every chat room it joined, whatever the
//! naming. A socket that joined under an alternative naming is also in that naming's sub-room
//! (`room:{id}#conversation`, `room:{id}#module`); `#` cannot occur in an id, so sub-rooms
//! never collide with rooms. A socket's naming for a room is the one of its latest join. Each
//! notice is then one broadcast per naming ([`Naming::group`]), not one emit per socket.
//!
//! | happened | [`Naming::Canonical`] (`room:join`) | [`Naming::Conversation`] (`conversation:join`) | [`Naming::ChatModule`] (`joinRoom`) |
//! |---|---|---|---|
//! | joined | `room:userJoined` {roomId, user} | – | `userJoinedRoom` {userId, roomId, timestamp} |
//! | left | `room:userLeft` {roomId, userId} | – | `userLeftRoom` {userId, roomId, timestamp} |
//! | message | `message:received` {id, roomId, sender, text, createdAt}, sender's socket too | `message:new` {id, content, senderId, conversationId, createdAt} | `newRoomMessage` {id, roomId, userId, message, timestamp} |
//! | typing | `typing:update` {roomId, userId, firstName, isTyping} | `typing:start` / `typing:stop` {userId, conversationId} | – |
//!
//! Only `message:received` reaches the acting socket itself; everything else goes to the
//! others. A dash means the reference document of that naming has no such event.
//!
//! Direct messages belong to no room, and a recipient may not have sent anything yet that
//! would reveal its naming, so [`dm_fanout`] sends each DM under every name: `dm:received` to
//! every socket of both sides, `message:new` {id, content, from, createdAt} and `newMessage`
//! {id, senderId, receiverId, text, timestamp} to the recipient's. A client listens to the
//! name its document uses.

use opsdeck_protocol::chat::{
    ChatUser, DmReceived, MessageReceived, NewMessage, RoomUserJoined, RoomUserLeft, TypingUpdate,
    chat_room,
};
use opsdeck_protocol::compat::{
    ConversationMessageNew, ConversationTypingNotice, MESSAGE_NEW, NEW_ROOM_MESSAGE,
    NewRoomMessage, PrivateMessageNew, USER_JOINED_ROOM, USER_LEFT_ROOM, UserRoomNotice,
};
use opsdeck_protocol::identity::user_room;
use opsdeck_protocol::{Timestamp, events};
use serde::Serialize;
use serde_json::Value;

/// How a socket joined a chat room, which decides the names it hears the room under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Naming {
    /// PROTOCOL.md §7 (`room:join`), as the study-room document (seed 002) names things.
    Canonical,
    /// `conversation:join`, the typed chat server document (seed 003).
    Conversation,
    /// `joinRoom`, the chat module document (seed 004).
    ChatModule,
}

impl Naming {
    /// Every naming, canonical first.
    pub const ALL: [Naming; 3] = [Naming::Canonical, Naming::Conversation, Naming::ChatModule];

    fn suffix(self) -> Option<&'static str> {
        match self {
            Naming::Canonical => None,
            Naming::Conversation => Some("conversation"),
            Naming::ChatModule => Some("module"),
        }
    }

    /// The sub-room marking sockets that joined `room_id` under this naming; `None` for the
    /// canonical naming, whose sockets are the room's members in no sub-room.
    pub fn sub_room(self, room_id: &str) -> Option<String> {
        self.suffix().map(|s| format!("{}#{s}", chat_room(room_id)))
    }

    /// Every sub-room of `room_id`.
    pub fn sub_rooms(room_id: &str) -> Vec<String> {
        Self::ALL
            .iter()
            .filter_map(|n| n.sub_room(room_id))
            .collect()
    }

    /// The naming of a socket in Socket.IO rooms `rooms` for chat room `room_id`; `None` when
    /// the socket is not in that chat room.
    pub fn of_socket<S: AsRef<str>>(rooms: &[S], room_id: &str) -> Option<Naming> {
        let has = |r: &str| rooms.iter().any(|x| x.as_ref() == r);
        if !has(&chat_room(room_id)) {
            return None;
        }
        let alias = Self::ALL
            .into_iter()
            .find(|n| n.sub_room(room_id).is_some_and(|r| has(&r)));
        Some(alias.unwrap_or(Naming::Canonical))
    }

    /// The sockets of chat room `room_id` that hear it under this naming: `(to, except)`.
    pub fn group(self, room_id: &str) -> (Vec<String>, Vec<String>) {
        match self.sub_room(room_id) {
            Some(sub) => (vec![sub], Vec::new()),
            None => (vec![chat_room(room_id)], Self::sub_rooms(room_id)),
        }
    }
}

/// Something that happened in a chat room, to be told to its members.
#[derive(Debug, Clone, Copy)]
pub enum RoomNotice<'a> {
    /// `user` joined.
    Joined {
        /// Who.
        user: &'a ChatUser,
        /// When.
        at: Timestamp,
    },
    /// `user_id` left.
    Left {
        /// Who.
        user_id: &'a str,
        /// When.
        at: Timestamp,
    },
    /// A stored message.
    Message(&'a MessageReceived),
    /// `user` started (`is_typing`) or stopped typing.
    Typing {
        /// Who.
        user: &'a ChatUser,
        /// Started or stopped.
        is_typing: bool,
    },
}

/// One broadcast of the table: event name, payload, and whether the acting socket gets it too.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Event name.
    pub event: &'static str,
    /// Payload (a JSON object).
    pub payload: Value,
    /// Whether the socket that caused it receives it as well.
    pub echo: bool,
}

fn out<T: Serialize>(event: &'static str, payload: T, echo: bool) -> Option<Outgoing> {
    Some(Outgoing {
        event,
        payload: serde_json::to_value(payload).ok()?,
        echo,
    })
}

/// The table: what members of `room_id` that joined under `naming` get for `notice`.
pub fn render(naming: Naming, room_id: &str, notice: RoomNotice<'_>) -> Option<Outgoing> {
    use Naming::*;
    use RoomNotice::*;
    let id = room_id.to_owned();
    match (naming, notice) {
        (Canonical, Joined { user, .. }) => out(
            events::ROOM_USER_JOINED,
            RoomUserJoined {
                room_id: id,
                user: user.clone(),
            },
            false,
        ),
        (Canonical, Left { user_id, .. }) => out(
            events::ROOM_USER_LEFT,
            RoomUserLeft {
                room_id: id,
                user_id: user_id.to_owned(),
            },
            false,
        ),
        (Canonical, Message(m)) => out(events::MESSAGE_RECEIVED, m, true),
        (Canonical, Typing { user, is_typing }) => out(
            events::TYPING_UPDATE,
            TypingUpdate {
                room_id: id,
                user_id: user.id.clone(),
                first_name: user.first_name.clone(),
                is_typing,
            },
            false,
        ),
        (Conversation, Message(m)) => out(
            MESSAGE_NEW,
            ConversationMessageNew {
                id: m.id.clone(),
                content: m.text.clone(),
                sender_id: m.sender.id.clone(),
                conversation_id: id,
                created_at: m.created_at,
            },
            false,
        ),
        (Conversation, Typing { user, is_typing }) => out(
            if is_typing {
                events::TYPING_START
            } else {
                events::TYPING_STOP
            },
            ConversationTypingNotice {
                user_id: user.id.clone(),
                conversation_id: id,
            },
            false,
        ),
        (Conversation, Joined { .. } | Left { .. }) => None,
        (ChatModule, Joined { user, at }) => out(
            USER_JOINED_ROOM,
            UserRoomNotice {
                user_id: user.id.clone(),
                room_id: id,
                timestamp: at,
            },
            false,
        ),
        (ChatModule, Left { user_id, at }) => out(
            USER_LEFT_ROOM,
            UserRoomNotice {
                user_id: user_id.to_owned(),
                room_id: id,
                timestamp: at,
            },
            false,
        ),
        (ChatModule, Message(m)) => out(
            NEW_ROOM_MESSAGE,
            NewRoomMessage {
                id: m.id.clone(),
                room_id: id,
                user_id: m.sender.id.clone(),
                message: m.text.clone(),
                timestamp: m.created_at,
            },
            false,
        ),
        (ChatModule, Typing { .. }) => None,
    }
}

/// One broadcast of a direct message: event name, payload and the Socket.IO rooms it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct DmOutgoing {
    /// Event name.
    pub event: &'static str,
    /// Payload (a JSON object).
    pub payload: Value,
    /// `user:{id}` rooms.
    pub rooms: Vec<String>,
}

/// Every name a direct message goes out under (see the module documentation).
pub fn dm_fanout(dm: &DmReceived) -> Vec<DmOutgoing> {
    let recipient = vec![user_room(&dm.recipient_id)];
    let mut both = recipient.clone();
    if dm.sender.id != dm.recipient_id {
        both.push(user_room(&dm.sender.id));
    }
    let private = PrivateMessageNew {
        id: dm.id.clone(),
        content: dm.text.clone(),
        from: dm.sender.id.clone(),
        created_at: dm.created_at,
    };
    [
        (events::DM_RECEIVED, serde_json::to_value(dm), both),
        (
            MESSAGE_NEW,
            serde_json::to_value(private),
            recipient.clone(),
        ),
        (
            events::NEW_MESSAGE,
            serde_json::to_value(new_message(dm)),
            recipient,
        ),
    ]
    .into_iter()
    .filter_map(|(event, payload, rooms)| {
        Some(DmOutgoing {
            event,
            payload: payload.ok()?,
            rooms,
        })
    })
    .collect()
}

/// The `newMessage` / `missedMessages` form of a direct message.
pub fn new_message(dm: &DmReceived) -> NewMessage {
    NewMessage {
        id: dm.id.clone(),
        sender_id: dm.sender.id.clone(),
        receiver_id: dm.recipient_id.clone(),
        text: dm.text.clone(),
        timestamp: dm.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Role;
    use serde_json::json;

    fn at() -> Timestamp {
        "2026-02-19T10:00:00Z".parse().unwrap()
    }

    fn ada() -> ChatUser {
        ChatUser::new("ada", "Ada Lovelace", Role::Viewer)
    }

    fn message() -> MessageReceived {
        MessageReceived {
            id: "m1".into(),
            room_id: "r1".into(),
            sender: ada(),
            text: "hello".into(),
            created_at: at(),
        }
    }

    #[test]
    fn sub_rooms_and_groups() {
        assert_eq!(Naming::Canonical.sub_room("r1"), None);
        assert_eq!(
            Naming::Conversation.sub_room("r1").as_deref(),
            Some("room:r1#conversation")
        );
        assert_eq!(
            Naming::Canonical.group("r1"),
            (
                vec!["room:r1".to_owned()],
                vec![
                    "room:r1#conversation".to_owned(),
                    "room:r1#module".to_owned()
                ]
            )
        );
        assert_eq!(
            Naming::ChatModule.group("r1"),
            (vec!["room:r1#module".to_owned()], vec![])
        );
    }

    #[test]
    fn naming_of_a_socket() {
        assert_eq!(Naming::of_socket(&["user:a", "room:r2"], "r1"), None);
        assert_eq!(
            Naming::of_socket(&["room:r1", "room:r2#module"], "r1"),
            Some(Naming::Canonical)
        );
        assert_eq!(
            Naming::of_socket(&["room:r1", "room:r1#module"], "r1"),
            Some(Naming::ChatModule)
        );
        assert_eq!(
            Naming::of_socket(&["room:r1#conversation", "room:r1"], "r1"),
            Some(Naming::Conversation)
        );
    }

    #[test]
    fn one_message_three_names() {
        let m = message();
        let got: Vec<_> = Naming::ALL
            .iter()
            .map(|n| render(*n, "r1", RoomNotice::Message(&m)).unwrap())
            .collect();
        assert_eq!(got[0].event, "message:received");
        assert!(got[0].echo, "the sender's socket sees message:received");
        assert_eq!(
            got[0].payload,
            json!({"id": "m1", "roomId": "r1", "text": "hello", "createdAt": "2026-02-19T10:00:00Z",
                   "sender": {"id": "ada", "name": "Ada Lovelace", "role": "viewer",
                              "firstName": "Ada", "lastName": "Lovelace"}})
        );
        assert_eq!(got[1].event, "message:new");
        assert!(!got[1].echo);
        assert_eq!(
            got[1].payload,
            json!({"id": "m1", "content": "hello", "senderId": "ada", "conversationId": "r1",
                   "createdAt": "2026-02-19T10:00:00Z"})
        );
        assert_eq!(got[2].event, "newRoomMessage");
        assert!(!got[2].echo);
        assert_eq!(
            got[2].payload,
            json!({"id": "m1", "roomId": "r1", "userId": "ada", "message": "hello",
                   "timestamp": "2026-02-19T10:00:00Z"})
        );
    }

    #[test]
    fn joins_leaves_and_typing() {
        let u = ada();
        let joined = RoomNotice::Joined { user: &u, at: at() };
        let j = render(Naming::Canonical, "r1", joined).unwrap();
        assert_eq!(j.event, "room:userJoined");
        assert_eq!(j.payload["user"]["firstName"], "Ada");
        assert!(render(Naming::Conversation, "r1", joined).is_none());
        let m = render(Naming::ChatModule, "r1", joined).unwrap();
        assert_eq!(
            (m.event, m.payload),
            (
                "userJoinedRoom",
                json!({"userId": "ada", "roomId": "r1", "timestamp": "2026-02-19T10:00:00Z"})
            )
        );
        let left = RoomNotice::Left {
            user_id: "ada",
            at: at(),
        };
        assert_eq!(
            render(Naming::Canonical, "r1", left).unwrap().payload,
            json!({"roomId": "r1", "userId": "ada"})
        );
        assert_eq!(
            render(Naming::ChatModule, "r1", left).unwrap().event,
            "userLeftRoom"
        );

        let start = RoomNotice::Typing {
            user: &u,
            is_typing: true,
        };
        let stop = RoomNotice::Typing {
            user: &u,
            is_typing: false,
        };
        assert_eq!(
            render(Naming::Canonical, "r1", stop).unwrap().payload,
            json!({"roomId": "r1", "userId": "ada", "firstName": "Ada", "isTyping": false})
        );
        let c = render(Naming::Conversation, "r1", start).unwrap();
        assert_eq!(
            (c.event, c.payload),
            (
                "typing:start",
                json!({"userId": "ada", "conversationId": "r1"})
            )
        );
        assert_eq!(
            render(Naming::Conversation, "r1", stop).unwrap().event,
            "typing:stop"
        );
        assert!(render(Naming::ChatModule, "r1", start).is_none());
        for n in Naming::ALL {
            for notice in [joined, left, start] {
                assert!(render(n, "r1", notice).is_none_or(|o| !o.echo));
            }
        }
    }

    #[test]
    fn a_dm_under_every_name() {
        let dm = DmReceived {
            id: "m2".into(),
            sender: ada(),
            recipient_id: "bob".into(),
            text: "psst".into(),
            created_at: at(),
        };
        let out = dm_fanout(&dm);
        let names: Vec<_> = out.iter().map(|o| o.event).collect();
        assert_eq!(names, ["dm:received", "message:new", "newMessage"]);
        assert_eq!(out[0].rooms, ["user:bob", "user:ada"]);
        assert_eq!(out[1].rooms, ["user:bob"]);
        assert_eq!(
            out[1].payload,
            json!({"id": "m2", "content": "psst", "from": "ada", "createdAt": "2026-02-19T10:00:00Z"})
        );
        assert_eq!(
            out[2].payload,
            json!({"id": "m2", "senderId": "ada", "receiverId": "bob", "text": "psst",
                   "timestamp": "2026-02-19T10:00:00Z"})
        );
        let to_self = DmReceived {
            recipient_id: "ada".into(),
            ..dm
        };
        assert_eq!(dm_fanout(&to_self)[0].rooms, ["user:ada"]);
    }
}
