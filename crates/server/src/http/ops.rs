//! Health, metrics, connections and users (PROTOCOL.md §8).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opsdeck_protocol::admin::{Health, SocketHealth, SocketLayerHealth, UpsertUser};
use opsdeck_protocol::{ErrorCode, ProtocolError, Validate};

use super::extract::{Admin, ApiError, Body, ok};
use crate::handlers::admin;
use crate::metrics::{self, Counters, Gauges};
use crate::state::App;

pub(super) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

pub(super) async fn socket_health(State(app): State<App>) -> Json<SocketHealth> {
    Json(SocketHealth {
        status: "ok".into(),
        socket: SocketLayerHealth {
            initialized: true,
            connected: Counters::get(&app.counters.main_sockets),
            rooms: app.main_rooms().await.len() as u64,
        },
    })
}

pub(super) async fn metrics(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(expected) = &app.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "));
        if given != Some(expected.as_str()) {
            return Err(
                ProtocolError::new(ErrorCode::Unauthorized, "metrics token required").into(),
            );
        }
    }
    let gauges = Gauges {
        connections: Counters::get(&app.counters.main_sockets),
        users: app.presence.count() as u64,
        rooms: app.main_rooms().await.len() as u64,
        rss_bytes: metrics::rss_bytes(),
        uptime_s: app.started.elapsed().as_secs(),
    };
    let body = metrics::render(&app.counters, &gauges);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

pub(super) async fn connections(State(app): State<App>, _: Admin) -> Result<Response, ApiError> {
    Ok(ok(admin::socket_infos(&app)).into_response())
}

pub(super) async fn list_users(State(app): State<App>, _: Admin) -> Result<Response, ApiError> {
    let mut users = app.store.list_users().await?;
    for u in &mut users {
        u.online = app.presence.is_online(&u.id);
    }
    Ok(ok(users).into_response())
}

pub(super) async fn upsert_user(
    State(app): State<App>,
    _: Admin,
    Body(req): Body<UpsertUser>,
) -> Result<Response, ApiError> {
    req.validate().map_err(ProtocolError::from)?;
    let created = app.store.upsert_user(&req.id, &req.name, req.role).await?;
    app.forget_user(&req.id);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, ok(req)).into_response())
}

pub(super) async fn not_found() -> ApiError {
    ProtocolError::not_found("no such endpoint").into()
}
