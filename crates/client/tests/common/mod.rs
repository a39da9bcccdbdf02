//! Test harness: the real Opsdeck server in-process (restartable on the same address and
//! database), tokens, HTTP helpers, and waiting on a client's event stream.
#![allow(dead_code, missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use opsdeck_client::{
    Backoff, ClientConfig, ClientEvent, ConnectionState, EventStream, ServerEvent,
};
use opsdeck_protocol::Role;
use opsdeck_server::auth::{AuthConfig, mint_hs256};
use opsdeck_server::{Config, ServerError, run};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub const SECRET: &[u8] = b"opsdeck-client-test-secret-0123456789";
/// Generous: nothing should take this long, but a loaded machine may be slow.
pub const WAIT: Duration = Duration::from_secs(15);

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    /// A fresh server on 127.0.0.1:0 with a temporary database.
    pub async fn start() -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        let db = dir.path().join("opsdeck.db");
        Self::start_at("127.0.0.1:0".parse().unwrap(), dir, db).await
    }

    /// A server on `addr` (retrying while the port is still held) and database `db`.
    pub async fn start_at(addr: SocketAddr, dir: Arc<tempfile::TempDir>, db: PathBuf) -> Self {
        let deadline = Instant::now() + WAIT;
        let listener = loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(e) => {
                    assert!(Instant::now() < deadline, "cannot bind {addr}: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        let addr = listener.local_addr().expect("addr");
        let config = Config::new(&db, AuthConfig::Secret(SECRET.to_vec()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, config, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::new();
        while http
            .get(format!("http://{addr}/api/health"))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self {
            addr,
            db,
            dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shuts the server down (it closes every transport) and waits for `run` to return.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("run returns after shutdown")
                .expect("task")
                .expect("run ok");
        }
    }

    /// The same database on the same address, as after a restart.
    pub async fn restart(self) -> Self {
        let (addr, dir, db) = (self.addr, self.dir.clone(), self.db.clone());
        self.stop().await;
        Self::start_at(addr, dir, db).await
    }

    /// A Prometheus counter from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", self.url()))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .find_map(|l| {
                let rest = l.strip_prefix(name)?;
                let rest = rest.strip_prefix(' ').or_else(|| {
                    // labelled: name{...} value
                    rest.strip_prefix('{')
                        .and_then(|r| r.split_once("} ").map(|x| x.1))
                })?;
                rest.trim().parse().ok()
            })
            .unwrap_or_else(|| panic!("metric {name} not found"))
    }

    /// User ids of the sockets the server holds (GET /api/connections as admin).
    pub async fn connected_users(&self) -> Vec<String> {
        let v = get(
            &self.url(),
            "/api/connections",
            &token("harness-admin", Role::Admin),
        )
        .await;
        v["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|s| s["userId"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub fn token(sub: &str, role: Role) -> String {
    mint_hs256(
        SECRET,
        sub,
        role,
        &format!("{sub} Test"),
        chrono::Duration::hours(1),
        None,
    )
    .expect("mint")
}

pub async fn post(url: &str, path: &str, token: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = resp.status();
    let v: Value = resp.json().await.expect("json");
    assert!(status.is_success(), "POST {path}: {status} {v}");
    v
}

pub async fn get(url: &str, path: &str, token: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

/// Client timings for tests: quick retries and probes, so the suite stays short.
pub fn fast_config(url: String) -> ClientConfig {
    let mut c = ClientConfig::new(url);
    c.backoff = Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(500),
        factor: 2.0,
        jitter: 0.2,
    };
    c.connect_timeout = Duration::from_secs(5);
    c.request_timeout = Duration::from_secs(5);
    c.probe_timeout = Duration::from_millis(600);
    c.latency_interval = Duration::from_millis(300);
    c.connected_grace = Duration::from_millis(300);
    c
}

/// The next event matching `pred` (others are skipped), or a panic after [`WAIT`].
pub async fn next_matching(
    events: &mut EventStream,
    what: &str,
    mut pred: impl FnMut(&ClientEvent) -> bool,
) -> ClientEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(ev)) if pred(&ev) => return ev,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("event stream ended while waiting for {what}"),
            Err(_) => panic!("no {what} within {WAIT:?}"),
        }
    }
}

/// The next server event matching `pred`.
pub async fn next_server(
    events: &mut EventStream,
    what: &str,
    mut pred: impl FnMut(&ServerEvent) -> bool,
) -> ServerEvent {
    match next_matching(
        events,
        what,
        |e| matches!(e, ClientEvent::Server(s) if pred(s)),
    )
    .await
    {
        ClientEvent::Server(s) => s,
        _ => unreachable!(),
    }
}

/// The next state matching `pred`.
pub async fn next_state(
    events: &mut EventStream,
    what: &str,
    mut pred: impl FnMut(&ConnectionState) -> bool,
) -> ConnectionState {
    match next_matching(
        events,
        what,
        |e| matches!(e, ClientEvent::State(s) if pred(s)),
    )
    .await
    {
        ClientEvent::State(s) => s,
        _ => unreachable!(),
    }
}

/// A port nobody listens on (bound, then released).
pub async fn free_addr() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    l.local_addr().expect("addr")
}

/// Serves a socketioxide layer (a hand-built server of a test) on a free loopback port.
pub async fn serve_layer(layer: socketioxide::layer::SocketIoLayer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, axum::Router::new().layer(layer)).await;
    });
    addr
}
