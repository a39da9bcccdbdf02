//! Chat over REST (PROTOCOL.md §7), as the reference backends emit from their routes:
//! `POST /api/rooms` (→ `room:created`), `POST /api/rooms/{id}/members`, and
//! `POST /api/messages` (→ a direct message, `newMessage` to the receiver). Any user token
//! (`viewer`+) may call them; the caller is the creator or sender.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opsdeck_protocol::ProtocolError;
use opsdeck_protocol::Validate;
use opsdeck_protocol::chat::{AddRoomMembers, CreateRoom, PostMessage, PostedMessage};

use super::extract::{ApiError, AtLeast, Body, Viewer, ok};
use crate::auth::Identity;
use crate::chat::naming::new_message;
use crate::chat::{self, messages, rooms};
use crate::state::App;

/// The chat view of an HTTP caller, remembered as a known user (so others can answer its
/// direct messages even if it never connected).
async fn caller(app: &App, id: &Identity) -> Result<opsdeck_protocol::chat::ChatUser, ApiError> {
    let user = chat::chat_user(id)?;
    app.remember_user(id).await?;
    Ok(user)
}

/// `201 {success: true, data: room}`, as the study-room document (seed 002) answers.
pub(super) async fn create_room(
    State(app): State<App>,
    AtLeast(id, _): Viewer,
    Body(req): Body<CreateRoom>,
) -> Result<Response, ApiError> {
    let user = caller(&app, &id).await?;
    let room = rooms::create(&app, &user, req).await?;
    Ok((StatusCode::CREATED, ok(room)).into_response())
}

pub(super) async fn add_members(
    State(app): State<App>,
    AtLeast(id, _): Viewer,
    Path(room_id): Path<String>,
    Body(req): Body<AddRoomMembers>,
) -> Result<Response, ApiError> {
    let user = caller(&app, &id).await?;
    let added = rooms::add_members(&app, &user, &room_id, req).await?;
    Ok(ok(added).into_response())
}

/// `201 {success: true, data: message, message}`: the chat module document (seed 004) answers
/// `{success, message}`.
pub(super) async fn post_message(
    State(app): State<App>,
    AtLeast(id, _): Viewer,
    Body(req): Body<PostMessage>,
) -> Result<Response, ApiError> {
    req.validate().map_err(ProtocolError::from)?;
    let user = caller(&app, &id).await?;
    let dm = messages::dm(&app, &user, req.into()).await?;
    let m = new_message(&dm);
    let body = PostedMessage {
        success: true,
        data: m.clone(),
        message: m,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
