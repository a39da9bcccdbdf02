//! REST endpoints (PROTOCOL.md §4-§8): health, metrics, connections, users, vehicles, KPIs,
//! notifications, chat rooms and messages.
//!
//! Success bodies are `{success: true, data}`, errors `{success: false, error: {code,
//! message}}`; the health endpoints and `/metrics` answer bare.

mod chat;
mod extract;
mod fleet;
pub mod head;
mod kpi;
mod notifications;
mod ops;

use axum::Router;
use axum::routing::{get, post};

use crate::state::App;

pub use extract::ApiError;

/// The REST router (the Socket.IO layer is added by the caller).
pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/health", get(ops::health))
        .route("/api/socket/health", get(ops::socket_health))
        .route("/metrics", get(ops::metrics))
        .route("/api/connections", get(ops::connections))
        .route("/api/users", get(ops::list_users).post(ops::upsert_user))
        .route("/api/vehicles", get(fleet::list).post(fleet::upsert))
        .route("/api/vehicles/{id}/locations", post(fleet::locations))
        .route("/api/vehicles/{id}/status", post(fleet::status))
        .route("/api/vehicles/{id}/emergency", post(fleet::emergency))
        .route("/api/kpis/{module_key}", post(kpi::report))
        .route("/api/notifications", post(notifications::send))
        .route(
            "/api/notifications/broadcast",
            post(notifications::broadcast),
        )
        .route("/api/rooms", post(chat::create_room))
        .route("/api/rooms/{id}/members", post(chat::add_members))
        .route("/api/messages", post(chat::post_message))
        .fallback(ops::not_found)
        .with_state(app)
}
