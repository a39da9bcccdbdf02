//! `POST /api/notifications` and `POST /api/notifications/broadcast` (dispatcher+).

use axum::extract::State;
use axum::response::IntoResponse;
use opsdeck_protocol::Role;
use opsdeck_protocol::identity::Sender;
use opsdeck_protocol::notification::{BroadcastNotification, SendNotification};

use super::extract::{ApiError, Body, Caller, ok};
use crate::handlers::notifications;
use crate::state::App;

fn sender(caller: &Caller) -> Result<Sender, ApiError> {
    let id = caller.require(Role::Dispatcher)?;
    Ok(Sender {
        id: id.user_id.clone(),
        name: id.name.clone(),
    })
}

pub(super) async fn send(
    State(app): State<App>,
    caller: Caller,
    Body(req): Body<SendNotification>,
) -> Result<impl IntoResponse, ApiError> {
    let sender = sender(&caller)?;
    Ok(ok(notifications::send(&app, req, Some(sender)).await?))
}

pub(super) async fn broadcast(
    State(app): State<App>,
    caller: Caller,
    Body(req): Body<BroadcastNotification>,
) -> Result<impl IntoResponse, ApiError> {
    let sender = sender(&caller)?;
    Ok(ok(
        notifications::send(&app, req.into(), Some(sender)).await?
    ))
}
