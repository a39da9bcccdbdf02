//! The supervisor: the one task that owns the connection lifecycle.
//!
//! ```text
//!            ┌───────────── Retry / Reconnect command ─────────────┐
//!            ▼                                                     │
//!   Connecting{n} ──refused (auth)──▶ AuthFailed ── waits for a command
//!      │    │
//!      │    └─failed──▶ Reconnecting{n+1, retry_in = backoff(n)} ──sleep──▶ Connecting{n+1}
//!      ▼
//!   session: probe capabilities (side connection) → replay subscriptions → catch up
//!            → Connected{..}; every `latency_interval` a timed request (liveness + latency)
//!      │
//!      └─lost (server `Disconnect`, failed emit, 2 unanswered probes)──▶ Reconnecting{1}
//! ```
//!
//! Every wait also watches the shutdown token, so [`crate::Client::shutdown`] ends the loop
//! wherever it is; nothing else ever creates a connection, so nothing reconnects after it.

use std::sync::Arc;

use opsdeck_protocol::ErrorCode;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::capabilities::{self, Capabilities, is_auth_refusal};
use crate::catchup::catch_up;
use crate::connection::{self, Conn, OpenError, Opened};
use crate::error::ClientError;
use crate::events::ClientEvent;
use crate::probe;
use crate::shared::{Command, Shared, lock};
use crate::state::ConnectionState;
use crate::subscriptions::{Subscribed, Subscription};

/// Unanswered liveness probes in a row after which the connection counts as lost.
const LIVENESS_STRIKES: u32 = 2;
/// Pause after a `rate_limited` refusal while restoring subscriptions (the server's budget
/// refills at 50 events per second by default).
const RATE_LIMIT_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);
/// Rate-limited retries per subscription while restoring.
const REPLAY_RETRIES: u32 = 5;

/// How a session ended.
#[derive(Debug)]
enum SessionEnd {
    Shutdown,
    /// Asked to reconnect: go again without waiting.
    Reconnect,
    Lost(String),
}

/// Runs until shutdown.
pub(crate) async fn run(shared: Arc<Shared>, mut commands: mpsc::UnboundedReceiver<Command>) {
    let mut failures: u32 = 0;
    let mut sessions: u64 = 0;
    loop {
        if shared.shutdown.is_cancelled() {
            break;
        }
        shared.set_state(ConnectionState::Connecting {
            attempt: failures + 1,
        });
        let token = shared.token();
        let attempt = tokio::select! {
            () = shared.shutdown.cancelled() => break,
            r = connection::open(&shared.config, token.as_deref()) => r,
        };
        let (delay, last_error) = match attempt {
            Ok(opened) => {
                failures = 0;
                sessions += 1;
                match session(&shared, opened, sessions, token.is_some(), &mut commands).await {
                    SessionEnd::Shutdown => break,
                    SessionEnd::Reconnect => continue,
                    SessionEnd::Lost(reason) => {
                        tracing::info!(%reason, "connection lost; reconnecting");
                        (shared.config.backoff.delay_random(0), reason)
                    }
                }
            }
            Err(OpenError::Refused(message)) if is_auth_refusal(&message) => {
                tracing::warn!(%message, "credentials refused; waiting for a new token");
                if token.is_none() {
                    let mut caps = shared.capabilities().unwrap_or_default();
                    caps.auth_required = Some(true);
                    shared.set_capabilities(caps);
                }
                shared.set_state(ConnectionState::AuthFailed { message });
                tokio::select! {
                    () = shared.shutdown.cancelled() => break,
                    cmd = commands.recv() => match cmd {
                        Some(_) => {
                            failures = 0;
                            continue;
                        }
                        None => break,
                    },
                }
            }
            Err(OpenError::Refused(message)) => {
                failures = failures.saturating_add(1);
                let d = shared.config.backoff.delay_random(failures - 1);
                (d, format!("refused: {message}"))
            }
            Err(OpenError::Failed(message)) => {
                failures = failures.saturating_add(1);
                tracing::debug!(%message, failures, "connection attempt failed");
                (shared.config.backoff.delay_random(failures - 1), message)
            }
        };
        shared.set_state(ConnectionState::Reconnecting {
            attempt: failures + 1,
            retry_in: delay,
            last_error,
        });
        tokio::select! {
            () = shared.shutdown.cancelled() => break,
            () = tokio::time::sleep(delay) => {}
            cmd = commands.recv() => if cmd.is_none() { break },
        }
    }
    if let Some(conn) = shared.take_conn() {
        conn.close().await;
    }
    shared.set_state(ConnectionState::Disconnected {
        reason: "shut down".into(),
    });
    tracing::debug!("supervisor stopped");
}

async fn session(
    shared: &Arc<Shared>,
    opened: Opened,
    id: u64,
    with_token: bool,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> SessionEnd {
    let conn = Conn::start(
        id,
        opened,
        shared.config.max_in_flight,
        Some(shared.config.late_ack_grace),
        Conn::main_sink(shared),
    );
    let end = tokio::select! {
        () = shared.shutdown.cancelled() => SessionEnd::Shutdown,
        () = conn.signals.lost() => SessionEnd::Lost(conn.signals.reason()),
        end = async {
            setup(shared, &conn, with_token).await;
            watch(shared, &conn, commands).await
        } => end,
    };
    shared.uninstall(conn.id);
    shared.reset_latency();
    conn.close().await;
    end
}

/// From an open namespace to `Connected`: identity, capabilities, subscriptions, catch-up.
async fn setup(shared: &Arc<Shared>, conn: &Arc<Conn>, with_token: bool) {
    let identity = if shared.config.is_main_namespace() {
        conn.signals
            .wait_identity(shared.config.connected_grace)
            .await
    } else {
        None
    };
    // Requests may be made from here on; they wait until capabilities are known.
    shared.install(conn.clone());
    let token = shared.token();
    let previous = shared.capabilities();
    let mut caps: Capabilities = match probe::detect(&shared.config, token.as_deref()).await {
        Some(c) => c,
        None => previous.unwrap_or_default(),
    };
    caps.identified = identity.is_some();
    caps.auth_required = if with_token {
        previous.and_then(|p| p.auth_required)
    } else {
        Some(false)
    };
    shared.set_capabilities(caps);
    conn.signals.set_ready();

    replay(shared, conn).await;
    let report = catch_up(shared, conn).await;
    if report.notifications > 0 || report.messages > 0 || !report.complete {
        tracing::info!(?report, "caught up");
    }
    shared.deliver(ClientEvent::CaughtUp(report));
    if let Some(now) = conn.signals.server_now() {
        let rooms = lock(&shared.subs).rooms();
        lock(&shared.catchup).set_baselines(now, &rooms);
    }
    // a first latency sample before announcing the connection
    let _ = liveness(shared, conn).await;
    shared.set_state(ConnectionState::Connected {
        socket_id: identity.as_ref().map(|i| i.connected.socket_id.clone()),
        user: identity.map(|i| i.connected.user),
        latency_ms: shared.latency().map(|l| l.smoothed_ms),
        capabilities: shared.capabilities().unwrap_or(caps),
    });
}

/// Re-establishes every recorded subscription on a new connection.
async fn replay(shared: &Arc<Shared>, conn: &Conn) {
    let subs = lock(&shared.subs).snapshot();
    if !subs.is_empty() {
        tracing::debug!(count = subs.len(), "restoring subscriptions");
    }
    for sub in subs {
        let mut result = apply(shared, conn, &sub).await;
        // a long list can exceed the server's per-socket rate limit (§10): slow down
        let mut retries = 0;
        while retries < REPLAY_RETRIES
            && matches!(&result, Err(e) if e.code() == Some(ErrorCode::RateLimited))
        {
            retries += 1;
            tracing::debug!(?sub, retries, "rate limited while restoring; pausing");
            tokio::time::sleep(RATE_LIMIT_PAUSE).await;
            result = apply(shared, conn, &sub).await;
        }
        match result {
            Ok(_) => {}
            Err(e) if e.is_permanent_refusal() => {
                tracing::warn!(?sub, error = %e, "subscription refused on reconnect; dropped");
                lock(&shared.subs).remove_exact(&sub);
                shared.deliver(ClientEvent::SubscriptionFailed {
                    subscription: sub,
                    error: e,
                });
            }
            Err(e) => {
                // transport trouble: the session will notice; replay again next time
                tracing::debug!(?sub, error = %e, "could not restore subscription");
                if conn.signals.is_lost() {
                    return;
                }
            }
        }
    }
}

/// Sends `sub`'s request on `conn`, with an ack if the server answers that feature.
pub(crate) async fn apply(
    shared: &Shared,
    conn: &Conn,
    sub: &Subscription,
) -> Result<Subscribed, ClientError> {
    let (event, payload) = sub.request();
    let support = shared
        .capabilities()
        .map(|c| c.get(sub.feature()))
        .unwrap_or_default();
    if support.expects_acks() {
        conn.request_value(event, payload, shared.config.request_timeout)
            .await
            .map(Subscribed::Acked)
    } else {
        conn.emit(event, payload).await.map(|()| Subscribed::Sent)
    }
}

/// Result of one liveness probe.
enum Liveness {
    Alive,
    /// The gate stayed busy (a long request); not evidence either way.
    Busy,
    NoAnswer,
}

/// One liveness probe: a timed request if the server answers any cheap one, else a plain
/// emit (which fails once the transport is gone).
async fn liveness(shared: &Shared, conn: &Conn) -> Liveness {
    let caps = shared.capabilities().unwrap_or_default();
    let Some((event, payload)) = capabilities::latency_probe(&caps) else {
        return match conn
            .emit(opsdeck_protocol::events::GET_ONLINE_COUNT, json!({}))
            .await
        {
            Ok(()) => Liveness::Alive,
            Err(_) => Liveness::NoAnswer,
        };
    };
    let Some(permit) = conn.permit(shared.config.latency_interval).await else {
        return if conn.signals.is_lost() {
            Liveness::NoAnswer
        } else {
            Liveness::Busy
        };
    };
    // the request timeout, not the (short) probe timeout: a slow link is not a dead one
    match conn
        .ack(permit, event, payload, shared.config.request_timeout)
        .await
    {
        Ok((_, rtt)) => {
            shared.record_latency(rtt);
            Liveness::Alive
        }
        Err(_) => Liveness::NoAnswer,
    }
}

/// The connected steady state: periodic liveness probes and commands.
async fn watch(
    shared: &Arc<Shared>,
    conn: &Conn,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> SessionEnd {
    let period = shared.config.latency_interval;
    let mut tick = tokio::time::interval_at(Instant::now() + period, period);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut strikes = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = conn.signals.suspected() => tracing::debug!("checking the connection now"),
            cmd = commands.recv() => match cmd {
                Some(Command::Reconnect) => return SessionEnd::Reconnect,
                Some(Command::Retry) => continue,
                None => return SessionEnd::Shutdown,
            },
        }
        match liveness(shared, conn).await {
            Liveness::Alive => strikes = 0,
            Liveness::Busy => {}
            Liveness::NoAnswer => {
                if conn.signals.is_lost() {
                    return SessionEnd::Lost(conn.signals.reason());
                }
                strikes += 1;
                tracing::debug!(strikes, "liveness probe unanswered");
                if strikes >= LIVENESS_STRIKES {
                    return SessionEnd::Lost(format!(
                        "{strikes} liveness probes unanswered within {:?}",
                        shared.config.request_timeout
                    ));
                }
            }
        }
    }
}
