//! `POST /api/notifications` and `POST /api/notifications/broadcast` (dispatcher+).

use axum::extract::State;
use axum::response::IntoResponse;
use opsdeck_protocol::identity::Sender;
use opsdeck_protocol::notification::{BroadcastNotification, SendNotification};

use super::extract::{ApiError, AtLeast, Body, Dispatcher, ok};
use crate::auth::Identity;
use crate::handlers::notifications;
use crate::state::App;

fn sender(id: &Identity) -> Sender {
    Sender {
        id: id.user_id.clone(),
        name: id.name.clone(),
    }
}

pub(super) async fn send(
    State(app): State<App>,
    AtLeast(caller, _): Dispatcher,
    Body(req): Body<SendNotification>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(
        notifications::send(&app, req, Some(sender(&caller))).await?
    ))
}

pub(super) async fn broadcast(
    State(app): State<App>,
    AtLeast(caller, _): Dispatcher,
    Body(req): Body<BroadcastNotification>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(notifications::send(
        &app,
        req.into(),
        Some(sender(&caller)),
    )
    .await?))
}
