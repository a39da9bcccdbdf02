//! [`run`]: the one entry point serving tests, `opsdeck-server` and the desktop app.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method};
use opsdeck_protocol::admin::ADMIN_NAMESPACE;
use opsdeck_protocol::events;
use socketioxide::handler::ConnectHandler;
use socketioxide::{SocketIo, SocketIoBuilder};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::Verifier;
use crate::config::{Config, Limits};
use crate::error::ServerError;
use crate::fleet::{self, Fleet};
use crate::handlers::{admin, connection};
use crate::metrics::{Counters, RefusedReport};
use crate::state::App;
use crate::store::Store;
use crate::transport::{GuardedListener, RemoteAddr};

/// How long shutdown may take before open connections are dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);
/// Initial websocket read buffer per socket (tungstenite grows it for larger frames): most
/// frames are a few hundred bytes, and a buffer per idle socket is pure overhead.
const WS_READ_BUFFER: usize = 1024;

/// Socket.IO and Engine.IO configured as Opsdeck's server runs them (packet and frame
/// limits, read buffer, send queue, heartbeat), without handlers or state. Also used by the
/// bench's floor server (`examples/floor.rs`), which must pay the same transport costs.
pub fn socketio_builder(limits: &Limits) -> SocketIoBuilder {
    SocketIo::builder()
        .max_payload(limits.max_packet_bytes)
        .ws_max_message_size(limits.max_packet_bytes as usize)
        .ws_max_frame_size(limits.max_packet_bytes as usize)
        // Engine.IO's default 4 KiB per socket is mostly idle: frames here are small.
        .ws_read_buffer_size(WS_READ_BUFFER)
        .max_buffer_size(limits.send_buffer_packets)
        .ping_interval(limits.ping_interval)
        .ping_timeout(limits.ping_timeout)
}

/// Serves Opsdeck on `listener` until `shutdown` resolves, then closes every socket, waits
/// for in-flight handlers (and so their database writes), and closes the database.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let store = Store::open_with_cache(&config.db_path, config.db_cache_mib).await?;
    let verifier = Verifier::new(&config.auth)?;
    let fleet = Fleet::load(&store, config.fleet.clone()).await?;
    let app = App::new(config, store, verifier, fleet);
    app.kpis
        .load(&app.store, &app.config.kpi_thresholds)
        .await?;
    app.alerts.load(&app.store).await?;
    let limits = app.config.limits.clone();

    let (layer, io) = socketio_builder(&limits)
        .with_state(app.clone())
        .build_layer();
    app.set_io(io.clone());
    io.ns(
        "/",
        connection::on_connect.with(connection::main_middleware),
    );
    io.ns(
        ADMIN_NAMESPACE,
        (async || {}).with(connection::admin_middleware),
    );

    let mut tickers = vec![
        tokio::spawn(stats_ticker(app.clone())),
        tokio::spawn(online_users_ticker(app.clone())),
        tokio::spawn(crate::kpi::emit_ticker(app.clone())),
        tokio::spawn(crate::kpi::derive_ticker(app.clone())),
        tokio::spawn(fleet::tasks::sweeper(app.clone())),
        tokio::spawn(fleet::tasks::saver(app.clone())),
        tokio::spawn(fleet::tasks::pruner(app.clone())),
        tokio::spawn(fleet::tasks::figures(app.clone())),
    ];
    if let Some(demo) = app.config.demo {
        tickers.push(tokio::spawn(crate::demo::run(app.clone(), demo)));
    }

    let router = crate::http::router(app.clone())
        .layer(layer)
        .layer(axum::middleware::map_request(crate::http::head::detach))
        .layer(cors(&app.config.cors_origins))
        .layer(DefaultBodyLimit::max(limits.max_http_body_bytes));

    let addr = listener.local_addr()?;
    tracing::info!(%addr, "opsdeck server listening");

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let closing_io = io.clone();
    let listener = GuardedListener::new(listener, limits.send_stall_timeout);
    let serve = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<RemoteAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: closing sockets");
        let _ = stop_tx.send(());
        closing_io.close().await;
    });
    let forced = async move {
        if stop_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let served = tokio::select! {
        r = serve => r.map_err(ServerError::from),
        () = forced => {
            tracing::warn!("shutdown grace elapsed; dropping remaining connections");
            Ok(())
        }
    };

    for t in tickers {
        t.abort();
    }
    app.tracker.close();
    if tokio::time::timeout(Duration::from_secs(1), app.tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("handlers still running at shutdown");
    }
    fleet::tasks::save(&app).await;
    app.fleet.history.flush().await;
    app.store.close().await;
    tracing::info!("stopped");
    served
}

fn cors(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
        ]);
    if origins.iter().any(|o| o == "*") {
        base.allow_origin(AllowOrigin::any())
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        base.allow_origin(list).allow_credentials(true)
    }
}

/// Longest silence about refused emits while they keep happening.
const REFUSED_REPORT_EVERY: Duration = Duration::from_secs(60);

/// Sends `stats` to `/admin` subscribers every interval (and samples rates regardless, so
/// `/metrics` and the first `stats` reply are current); warns about refused emits.
async fn stats_ticker(app: App) {
    let mut tick = tokio::time::interval(app.config.stats_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refused = RefusedReport::new(REFUSED_REPORT_EVERY);
    loop {
        tick.tick().await;
        app.sampler.sample(&app.counters);
        let total = Counters::get(&app.counters.emits_refused);
        if let Some(n) = refused.due(total, std::time::Instant::now()) {
            tracing::warn!(
                refused = n,
                "emits and acks refused by full send queues since the last report: some \
                 client is not keeping up and loses events (opsdeck_emits_refused_total)"
            );
        }
        let Some(ns) = app.io().of(ADMIN_NAMESPACE) else {
            continue;
        };
        let subscribers = ns.to(events::STATS_ROOM).sockets().len();
        if subscribers == 0 {
            continue;
        }
        let stats = admin::stats(&app).await;
        if let Some(ns) = app.io().of(ADMIN_NAMESPACE) {
            let _ = ns.to(events::STATS_ROOM).emit(events::STATS, &stats).await;
        }
    }
}

/// `getOnlineUsers` (option `getonlineusers`): at most once a second, after a transition.
async fn online_users_ticker(app: App) {
    if !app.config.getonlineusers {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if app.online_users_dirty.swap(false, Ordering::Relaxed) {
            let ids = app.presence.ids();
            app.emit_all_except(Vec::new(), events::GET_ONLINE_USERS, &ids)
                .await;
        }
    }
}
