//! Connecting and disconnecting (PROTOCOL.md §1, §3): the auth middleware, identity rooms,
//! presence transitions and the `connected` event.

use std::sync::Arc;

use axum::extract::ConnectInfo;
use chrono::Utc;
use opsdeck_protocol::identity::{Connected, role_room, user_room};
use opsdeck_protocol::presence::{PresenceStatus, UserPresence, UserStatus};
use opsdeck_protocol::{Role, events};
use serde_json::Value;
use socketioxide::extract::{SocketRef, State, TryData};

use crate::auth::{AuthError, Identity};
use crate::config::PresenceBroadcast;
use crate::domain::presence::Transition;
use crate::metrics::Counters;
use crate::state::{App, SocketCtx};
use crate::transport::RemoteAddr;

/// Why a handshake was refused; the text is the client's `connect_error` message.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Bad or missing credentials.
    #[error("Authentication error: {0}")]
    Auth(#[from] AuthError),
    /// Valid credentials, wrong role for the namespace.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The server could not record the user.
    #[error("internal: server error, retry later")]
    Internal,
}

/// The token from `auth.token`, `query.token` or `Authorization: Bearer`, in that order.
fn find_token(s: &SocketRef, auth: Option<&Value>) -> Option<String> {
    if let Some(t) = auth.and_then(|a| a.get("token")).and_then(Value::as_str) {
        return Some(t.to_owned());
    }
    let parts = s.req_parts();
    if let Some(q) = parts.uri.query()
        && let Some((_, v)) = form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "token")
    {
        return Some(v.into_owned());
    }
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
}

fn remote_addr(s: &SocketRef) -> String {
    s.req_parts()
        .extensions
        .get::<ConnectInfo<RemoteAddr>>()
        .map(|c| c.0.0.to_string())
        .unwrap_or_default()
}

/// Verifies the handshake and prepares the socket. Runs before the client is told it is
/// connected, so the handlers registered here cannot miss its first event.
async fn authenticate(s: &SocketRef, app: &App, auth: Option<&Value>) -> Result<Identity, Refusal> {
    let identity = match find_token(s, auth) {
        Some(token) => app.verifier.verify(&token),
        None => Err(AuthError::Missing),
    };
    let identity = match identity {
        Ok(id) => id,
        Err(AuthError::Missing) if app.config.allow_anonymous => {
            Identity::anonymous(&s.id.to_string())
        }
        Err(e) => {
            Counters::add(&app.counters.auth_failures, 1);
            tracing::debug!(sid = %s.id, error = %e, "handshake refused");
            return Err(e.into());
        }
    };
    app.remember_user(&identity).await.map_err(|e| {
        tracing::error!(error = %e, "cannot record user");
        Refusal::Internal
    })?;
    let ctx = SocketCtx::new(identity.clone(), remote_addr(s), &app.config);
    s.extensions.insert(Arc::new(ctx));
    Ok(identity)
}

/// Connect middleware of the main namespace.
pub async fn main_middleware(
    s: SocketRef,
    State(app): State<App>,
    TryData(auth): TryData<Value>,
) -> Result<(), Refusal> {
    authenticate(&s, &app, auth.ok().as_ref()).await?;
    super::register_main(&s);
    s.on_disconnect(on_disconnect);
    Ok(())
}

/// Connect middleware of `/admin`: admins only.
pub async fn admin_middleware(
    s: SocketRef,
    State(app): State<App>,
    TryData(auth): TryData<Value>,
) -> Result<(), Refusal> {
    let identity = authenticate(&s, &app, auth.ok().as_ref()).await?;
    if !identity.at_least(Role::Admin) {
        return Err(Refusal::Forbidden(
            "the /admin namespace requires role admin",
        ));
    }
    super::register_admin(&s);
    Ok(())
}

/// Connect handler of the main namespace: identity rooms, presence, `connected`.
pub async fn on_connect(s: SocketRef, State(app): State<App>) {
    let Some(ctx) = s.extensions.get::<Arc<SocketCtx>>() else {
        return;
    };
    let id = &ctx.identity;
    s.join([user_room(&id.user_id), role_room(id.role)]);
    Counters::add(&app.counters.connections_total, 1);
    // Counted here, where socketioxide has connected the socket, not in the middleware: a
    // socket whose transport closes while the middleware awaits never gets a disconnect
    // call, and one that closes before this handler runs gets it first. Added before the
    // claim, so a disconnect racing this handler never takes the gauge below zero.
    Counters::add(&app.counters.main_sockets, 1);
    if !ctx.gauged.counted() {
        Counters::sub(&app.counters.main_sockets, 1);
    }
    app.emit_socket(
        &s,
        events::CONNECTED,
        &Connected {
            socket_id: s.id.to_string(),
            user: id.user_ref(),
            server_time: crate::store::now(),
        },
    );
    if id.anonymous {
        return;
    }
    let now = crate::store::now();
    let transition = app.presence.connect(&id.user_id, &id.name, id.role, now);
    if !ctx.presence.counted() {
        // Disconnected already (the client closed on `connected`): nothing to announce.
        app.presence.disconnect(&id.user_id);
        return;
    }
    if transition == Transition::Online {
        announce(&app, &id.user_id, PresenceStatus::Online, now).await;
    }
}

async fn on_disconnect(s: SocketRef, State(app): State<App>) {
    let tracker = app.tracker.clone();
    tracker.track_future(disconnected(s, app)).await;
}

async fn disconnected(s: SocketRef, app: App) {
    let Some(ctx) = s.extensions.get::<Arc<SocketCtx>>() else {
        return;
    };
    if ctx.gauged.release() {
        Counters::sub(&app.counters.main_sockets, 1);
    }
    let id = &ctx.identity;
    if id.anonymous || !ctx.presence.release() {
        return;
    }
    if app.presence.disconnect(&id.user_id) == Transition::Offline {
        announce(
            &app,
            &id.user_id,
            PresenceStatus::Offline,
            crate::store::now(),
        )
        .await;
        if let Err(e) = app.store.touch_user(&id.user_id).await {
            tracing::warn!(error = %e, "cannot record last_seen");
        }
    }
}

/// Emits the three presence events of one transition to whoever the configuration says.
async fn announce(app: &App, user_id: &str, status: PresenceStatus, at: chrono::DateTime<Utc>) {
    let event = match status {
        PresenceStatus::Online => events::USER_ONLINE,
        PresenceStatus::Offline => events::USER_OFFLINE,
    };
    let who = UserPresence {
        user_id: user_id.to_owned(),
    };
    let st = UserStatus {
        user_id: user_id.to_owned(),
        status,
        last_activity: at,
    };
    match app.config.presence_broadcast {
        PresenceBroadcast::Subscribers => {
            let room = vec![events::PRESENCE_ROOM.to_owned()];
            app.emit_rooms(room.clone(), event, &who).await;
            app.emit_rooms(room, events::USER_STATUS, &st).await;
        }
        PresenceBroadcast::All => {
            let except = vec![user_room(user_id)];
            app.emit_all_except(except.clone(), event, &who).await;
            app.emit_all_except(except, events::USER_STATUS, &st).await;
        }
    }
    if app.config.getonlineusers {
        app.online_users_dirty
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
