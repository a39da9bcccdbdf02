//! The client against a server that speaks only part of the protocol: the ERP dashboard
//! backend of seed 000 (no auth, no acks, `module:subscribe` → `kpi:update:{module}`,
//! `dashboard:update` to everyone), rebuilt here with socketioxide.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use opsdeck_client::{
    Client, ClientError, ConnectionState, Feature, ServerEvent, Subscribed, Support,
};
use opsdeck_protocol::notification::NotificationListRequest;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{Data, SocketRef};
use tokio::task::JoinHandle;

/// KPIs as the ERP backend's `getModuleKPIs` returns them: no `status`, no `updatedAt`.
fn erp_kpis(module: &str) -> Value {
    json!([
        {"key": "revenue", "label": format!("{module} revenue"), "value": 1234.5, "trend": "+5%"},
        {"key": "tickets", "label": "Open tickets", "value": 7}
    ])
}

/// `{summaryCards, topKPIs}` without `timestamp`, as the ERP backend emits it.
fn erp_dashboard() -> Value {
    json!({
        "summaryCards": [{"key": "finance", "label": "Finance", "value": 3}],
        "topKPIs": [{"key": "revenue", "label": "Revenue", "value": 1234.5}]
    })
}

struct ErpServer {
    addr: SocketAddr,
    io: SocketIo,
    connections: Arc<AtomicUsize>,
    serve: JoinHandle<()>,
    ticker: JoinHandle<()>,
}

impl ErpServer {
    async fn start(addr: SocketAddr, connections: Arc<AtomicUsize>) -> Self {
        let (layer, io) = SocketIo::new_layer();
        let counter = connections.clone();
        io.ns("/", move |s: SocketRef| {
            counter.fetch_add(1, Ordering::SeqCst);
            s.on(
                "module:subscribe",
                |s: SocketRef, Data(v): Data<Value>| async move {
                    let key = v["moduleKey"].as_str().unwrap_or_default().to_owned();
                    s.join(format!("module:{key}"));
                    let _ = s.emit(format!("kpi:update:{key}"), &erp_kpis(&key));
                },
            );
            s.on(
                "module:unsubscribe",
                |s: SocketRef, Data(v): Data<Value>| async move {
                    let key = v["moduleKey"].as_str().unwrap_or_default().to_owned();
                    s.leave(format!("module:{key}"));
                },
            );
            s.on("dashboard:subscribe", |s: SocketRef| async move {
                s.join("dashboard");
                let _ = s.emit("dashboard:update", &erp_dashboard());
            });
            s.on("notification:subscribe", |s: SocketRef| async move {
                s.join("notifications");
            });
            async {}
        });
        let deadline = tokio::time::Instant::now() + WAIT;
        let listener = loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(e) => {
                    assert!(tokio::time::Instant::now() < deadline, "bind {addr}: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new().layer(layer);
        let serve = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        // like the ERP backend's intervals, faster
        let tick_io = io.clone();
        let ticker = tokio::spawn(async move {
            let mut t = tokio::time::interval(Duration::from_millis(200));
            loop {
                t.tick().await;
                for m in ["finance", "hr", "reports"] {
                    let _ = tick_io
                        .to(format!("module:{m}"))
                        .emit(format!("kpi:update:{m}"), &erp_kpis(m))
                        .await;
                }
                let _ = tick_io.emit("dashboard:update", &erp_dashboard()).await;
            }
        });
        Self {
            addr,
            io,
            connections,
            serve,
            ticker,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Closes every socket and stops listening.
    async fn stop(self) -> (SocketAddr, Arc<AtomicUsize>) {
        self.ticker.abort();
        self.io.close().await;
        self.serve.abort();
        let _ = self.serve.await;
        (self.addr, self.connections)
    }
}

#[tokio::test]
async fn works_against_a_partial_protocol_server() {
    init_tracing();
    let erp = ErpServer::start(
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    // no token: the ERP backend has no auth
    let (client, mut events) = Client::start(fast_config(erp.url()));
    let state = client.wait_connected(WAIT).await.expect("connected");
    let ConnectionState::Connected {
        socket_id,
        user,
        latency_ms,
        capabilities: caps,
    } = state
    else {
        unreachable!()
    };
    assert_eq!((socket_id, user), (None, None), "no `connected` event");
    assert!(!caps.identified);
    assert_eq!(caps.auth_required, Some(false));
    assert_eq!(caps.kpi, Support::EventsOnly, "{caps:?}");
    assert!(caps.is_available(Feature::Kpi));
    for f in [
        Feature::Presence,
        Feature::Notifications,
        Feature::Fleet,
        Feature::Chat,
    ] {
        assert_eq!(caps.get(f), Support::Unsupported, "{f:?}");
        assert!(!caps.is_available(f));
    }
    assert_eq!(
        latency_ms, None,
        "nothing to time on a server that never acks"
    );

    // KPIs work: sent without ack, updates decoded despite the ERP shapes
    let sub = client.subscribe_module("finance").await.expect("subscribe");
    assert_eq!(sub, Subscribed::Sent);
    let ev = next_server(
        &mut events,
        "kpi:update:finance",
        |e| matches!(e, ServerEvent::KpiUpdate { module, .. } if module == "finance"),
    )
    .await;
    let ServerEvent::KpiUpdate { kpis, .. } = ev else {
        unreachable!()
    };
    assert_eq!(kpis[0].key, "revenue");
    assert_eq!(kpis[0].label, "finance revenue");
    assert_eq!(kpis[0].trend.as_deref(), Some("+5%"));
    next_server(
        &mut events,
        "dashboard:update",
        |e| matches!(e, ServerEvent::DashboardUpdate(d) if d.top_kpis.len() == 1),
    )
    .await;

    // what is missing fails at once instead of timing out
    let started = tokio::time::Instant::now();
    assert_eq!(
        client.online_count().await.unwrap_err(),
        ClientError::Unsupported {
            event: "get:online:count".into()
        }
    );
    assert!(matches!(
        client
            .list_notifications(&NotificationListRequest::default())
            .await,
        Err(ClientError::Unsupported { .. })
    ));
    assert!(started.elapsed() < Duration::from_secs(1));

    // a restart of that server: noticed without acks, and the subscription comes back
    let (addr, connections) = erp.stop().await;
    next_state(&mut events, "reconnecting", |s| {
        matches!(s, ConnectionState::Reconnecting { .. })
    })
    .await;
    let erp = ErpServer::start(addr, connections).await;
    client.wait_connected(WAIT).await.expect("connected again");
    next_server(
        &mut events,
        "kpi:update:finance after the restart",
        |e| matches!(e, ServerEvent::KpiUpdate { module, .. } if module == "finance"),
    )
    .await;

    // shut down: no connection attempt after that
    client.shutdown().await;
    let before = erp.connections();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(erp.connections(), before);
    erp.stop().await;
}

#[tokio::test]
async fn a_shutdown_during_setup_leaves_no_connection_behind() {
    init_tracing();
    let erp = ErpServer::start(
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    let (client, _events) = Client::start(fast_config(erp.url()));
    // main connection and probe connection are up; probing waits for acks that never come
    let deadline = tokio::time::Instant::now() + WAIT;
    while erp.connections() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no probe connection"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!client.current_state().is_connected());
    client.shutdown().await;
    // every socket goes away (rust_socketio's reader would keep an abandoned one alive)
    while !erp.io.sockets().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} sockets still connected",
            erp.io.sockets().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = erp.connections();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(erp.connections(), before);
    erp.stop().await;
}
