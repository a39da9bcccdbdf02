//! REST endpoints (PROTOCOL.md §6, §8): health, metrics, connections, users, notifications.
//!
//! Success bodies are `{success: true, data}`, errors `{success: false, error: {code,
//! message}}`; the health endpoints and `/metrics` answer bare.

mod extract;
mod fleet;
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
        .fallback(ops::not_found)
        .with_state(app)
}
