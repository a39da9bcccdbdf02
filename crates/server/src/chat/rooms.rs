//! Chat rooms (PROTOCOL.md §7): joining under a naming, leaving, creating over HTTP, adding
//! members, and the one access rule: public rooms admit anyone, private rooms their creator
//! and the users added over HTTP.
//!
//! Membership (`room_members`, which notifications to target `room` address) starts with a
//! join and ends with a leave, across disconnects; the Socket.IO rooms of a socket end with
//! the socket.

use opsdeck_protocol::chat::{
    AddRoomMembers, ChatRoom, ChatUser, CreateRoom, RoomJoined, RoomMembersAdded, chat_room,
};
use opsdeck_protocol::{ProtocolError, Role, Validate, events};
use socketioxide::extract::SocketRef;

use super::naming::{Naming, RoomNotice, render};
use crate::handlers::may_join;
use crate::state::App;
use crate::store::now;

fn private(room_id: &str) -> ProtocolError {
    ProtocolError::forbidden(format!("room `{room_id}` is private"))
}

/// Tells the members of `room_id` about `notice`, one broadcast per naming. `from` is the
/// socket that caused it (left out unless the table says it echoes).
pub async fn tell(app: &App, from: Option<&SocketRef>, room_id: &str, notice: RoomNotice<'_>) {
    for naming in Naming::ALL {
        let Some(out) = render(naming, room_id, notice) else {
            continue;
        };
        let (to, except) = naming.group(room_id);
        let from = if out.echo { None } else { from };
        app.emit_group(from, to, except, out.event, &out.payload)
            .await;
    }
}

/// Whether `socket` is in chat room `room_id` (then it was admitted when it joined).
pub fn is_in(socket: &SocketRef, room_id: &str) -> bool {
    let room = chat_room(room_id);
    socket.rooms().iter().any(|r| *r == room)
}

/// Whether `user` may use room `room_id`: `Ok(true)` when it exists and admits them,
/// `Ok(false)` when there is no such room, `forbidden` for a private room they may not enter.
pub async fn check(
    app: &App,
    socket: Option<&SocketRef>,
    user: &ChatUser,
    room_id: &str,
) -> Result<bool, ProtocolError> {
    if socket.is_some_and(|s| is_in(s, room_id)) {
        return Ok(true);
    }
    match app.store.room(room_id).await? {
        None => Ok(false),
        Some(r) if r.is_public => Ok(true),
        Some(_) if app.store.has_room_access(room_id, &user.id).await? => Ok(true),
        Some(_) => Err(private(room_id)),
    }
}

/// Joins `socket` to room `room_id` under `naming` (creating a public room for an unknown
/// id), records the membership, and tells the others when the socket is new in the room. A
/// socket already in the room switches to `naming` (the latest join decides what it hears).
pub async fn join(
    app: &App,
    socket: &SocketRef,
    user: &ChatUser,
    room_id: &str,
    naming: Naming,
) -> Result<RoomJoined, ProtocolError> {
    let before = Naming::of_socket(&socket.rooms(), room_id);
    // The room limit before writing, and the socket joins only once the store admitted it:
    // `check` trusts a socket that is in the room, so it must not be in a private room early.
    may_join(app, socket, &chat_room(room_id))?;
    let room = match app.store.enter_room(room_id, user, now()).await {
        Ok(Some(room)) => room,
        Ok(None) => return Err(private(room_id)),
        Err(e) => return Err(ProtocolError::from(e)),
    };
    socket.join(chat_room(room_id));
    let mine = naming.sub_room(room_id);
    for sub in Naming::sub_rooms(room_id) {
        if Some(&sub) != mine.as_ref() {
            socket.leave(sub);
        }
    }
    if let Some(sub) = mine {
        socket.join(sub);
    }
    if before.is_none() {
        let notice = RoomNotice::Joined { user, at: now() };
        tell(app, Some(socket), room_id, notice).await;
    }
    Ok(RoomJoined { room })
}

/// Ends `user`'s membership of `room_id` and takes `socket` out of it (every naming); the
/// others are told when the socket was in the room.
pub async fn leave(
    app: &App,
    socket: &SocketRef,
    user: &ChatUser,
    room_id: &str,
) -> Result<(), ProtocolError> {
    app.store.leave_room(room_id, &user.id).await?;
    let was_in = is_in(socket, room_id);
    socket.leave(chat_room(room_id));
    socket.leave(Naming::sub_rooms(room_id));
    if was_in {
        let notice = RoomNotice::Left {
            user_id: &user.id,
            at: now(),
        };
        tell(app, Some(socket), room_id, notice).await;
    }
    Ok(())
}

/// `POST /api/rooms`: creates a room (the creator and `members` become members) and emits
/// `room:created` to every socket, as PROTOCOL.md §7 and the study-room document (seed 002)
/// say; a private room still admits only its members.
pub async fn create(
    app: &App,
    user: &ChatUser,
    req: CreateRoom,
) -> Result<ChatRoom, ProtocolError> {
    req.validate()?;
    let room = app.store.create_room(&req, user, now()).await?;
    app.emit_all_except(Vec::new(), events::ROOM_CREATED, &room)
        .await;
    Ok(room)
}

/// `POST /api/rooms/{id}/members`: adds members to a room. Anyone may add to a public room;
/// to a private one, those who may enter it and dispatchers and admins.
pub async fn add_members(
    app: &App,
    user: &ChatUser,
    room_id: &str,
    req: AddRoomMembers,
) -> Result<RoomMembersAdded, ProtocolError> {
    opsdeck_protocol::validate::id("roomId", room_id)?;
    req.validate()?;
    let Some(room) = app.store.room(room_id).await? else {
        return Err(ProtocolError::not_found(format!("no room `{room_id}`")));
    };
    if !room.is_public
        && !user.role.at_least(Role::Dispatcher)
        && !app.store.has_room_access(room_id, &user.id).await?
    {
        return Err(private(room_id));
    }
    let added = app
        .store
        .add_room_members(room_id, &req.user_ids, now())
        .await?;
    Ok(RoomMembersAdded {
        room_id: room_id.to_owned(),
        added,
    })
}
