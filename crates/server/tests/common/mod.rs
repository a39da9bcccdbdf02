//! Test harness: the real server on 127.0.0.1:0 with a temporary database, real
//! `rust_socketio` clients, and token minting (good and deliberately bad).
#![allow(dead_code, missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use opsdeck_protocol::Role;
use opsdeck_server::auth::{AuthConfig, mint_hs256};
use opsdeck_server::{Config, ServerError, run};
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub const SECRET: &[u8] = b"opsdeck-test-secret-0123456789abcdef";
pub const WAIT: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    /// A server with default configuration, adjusted by `tweak`.
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        let db = dir.path().join("opsdeck.db");
        Self::start_on(dir, db, tweak).await
    }

    /// A server on an existing database (to test restarts).
    pub async fn start_on(
        dir: Arc<tempfile::TempDir>,
        db: PathBuf,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::new(&db, AuthConfig::Secret(SECRET.to_vec()));
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, config, async move {
            let _ = stopped.await;
        }));
        // The listener is bound already; wait until the app answers.
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
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

    /// Triggers shutdown and returns how long `run` took to return.
    pub async fn stop(mut self) -> Duration {
        let t0 = Instant::now();
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(15), task)
                .await
                .expect("run returns after shutdown")
                .expect("task")
                .expect("run ok");
        }
        t0.elapsed()
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

pub fn device_token(sub: &str, vehicle: &str) -> String {
    mint_hs256(
        SECRET,
        sub,
        Role::Device,
        sub,
        chrono::Duration::hours(1),
        Some(vehicle),
    )
    .expect("mint")
}

/// Signs arbitrary claims with `key` (HS256).
pub fn sign(claims: Value, key: &[u8]) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .expect("sign")
}

pub fn in_an_hour() -> i64 {
    chrono::Utc::now().timestamp() + 3600
}

/// A connected `rust_socketio` client and every event it received, in order.
pub struct TestClient {
    pub client: Client,
    pub connected: Value,
    events: mpsc::UnboundedReceiver<(String, Value)>,
}

/// How a connection attempt ended.
pub enum Outcome {
    Connected(TestClient),
    Refused(String),
}

fn first(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut v) if !v.is_empty() => v.remove(0),
        #[allow(deprecated)]
        Payload::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        _ => Value::Null,
    }
}

/// Connects to namespace `ns` with `auth`; waits for `connected` (main namespace) or the
/// namespace's connect packet, or a refusal.
pub async fn try_connect(url: &str, ns: &str, auth: Option<Value>) -> Outcome {
    let (tx, mut rx) = mpsc::unbounded_channel::<(String, Value)>();
    let (tx_any, tx_err, tx_open, tx_close) = (tx.clone(), tx.clone(), tx.clone(), tx.clone());
    let mut builder = ClientBuilder::new(url)
        .namespace(ns)
        .transport_type(TransportType::Websocket)
        .reconnect(false)
        .on_any(move |ev: Event, p: Payload, _| {
            let tx = tx_any.clone();
            async move {
                let _ = tx.send((String::from(ev.as_str()), first(p)));
            }
            .boxed()
        })
        .on(Event::Error, move |p: Payload, _| {
            let tx = tx_err.clone();
            async move {
                let _ = tx.send(("error".into(), first(p)));
            }
            .boxed()
        })
        .on(Event::Connect, move |_p: Payload, _| {
            let tx = tx_open.clone();
            async move {
                let _ = tx.send(("__open".into(), Value::Null));
            }
            .boxed()
        })
        .on(Event::Close, move |_p: Payload, _| {
            let tx = tx_close.clone();
            async move {
                let _ = tx.send(("__close".into(), Value::Null));
            }
            .boxed()
        });
    if let Some(a) = auth {
        builder = builder.auth(a);
    }
    let client = match builder.connect().await {
        Ok(c) => c,
        Err(e) => return Outcome::Refused(e.to_string()),
    };
    let want = if ns == "/" { "connected" } else { "__open" };
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some((ev, v))) if ev == want => {
                return Outcome::Connected(TestClient {
                    client,
                    connected: v,
                    events: rx,
                });
            }
            Ok(Some((ev, v))) if ev == "error" => {
                return Outcome::Refused(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                });
            }
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return Outcome::Refused("timeout".into()),
        }
    }
}

pub async fn connect(url: &str, token: &str) -> TestClient {
    connect_ns(url, "/", token).await
}

pub async fn connect_ns(url: &str, ns: &str, token: &str) -> TestClient {
    match try_connect(url, ns, Some(json!({ "token": token }))).await {
        Outcome::Connected(c) => c,
        Outcome::Refused(why) => panic!("connection refused: {why}"),
    }
}

pub async fn refused(url: &str, ns: &str, auth: Option<Value>) -> String {
    match try_connect(url, ns, auth).await {
        Outcome::Connected(c) => {
            let _ = c.client.disconnect().await;
            panic!("connection was accepted")
        }
        Outcome::Refused(why) => why,
    }
}

impl TestClient {
    /// Emits with an ack and returns the ack payload (rust_socketio nests it one array deeper).
    pub async fn ack(&self, event: &str, payload: Value) -> Value {
        let (tx, rx) = oneshot::channel::<Value>();
        let tx = Arc::new(std::sync::Mutex::new(Some(tx)));
        self.client
            .emit_with_ack(event, payload, WAIT, move |p: Payload, _| {
                let tx = tx.clone();
                async move {
                    let mut v = first(p);
                    if let Value::Array(a) = &mut v
                        && a.len() == 1
                    {
                        v = a.remove(0);
                    }
                    if let Some(tx) = tx.lock().expect("lock").take() {
                        let _ = tx.send(v);
                    }
                }
                .boxed()
            })
            .await
            .expect("emit");
        tokio::time::timeout(WAIT, rx)
            .await
            .unwrap_or_else(|_| panic!("no ack for {event}"))
            .expect("ack")
    }

    pub async fn emit(&self, event: &str, payload: Value) {
        self.client.emit(event, payload).await.expect("emit");
    }

    /// The next `event`, skipping others.
    pub async fn next(&mut self, event: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some((ev, v))) if ev == event => return v,
                Ok(Some(_)) => continue,
                _ => panic!("no {event} event within {WAIT:?}"),
            }
        }
    }

    /// Asserts no `event` arrives within `d`.
    pub async fn none(&mut self, event: &str, d: Duration) {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some((ev, v))) if ev == event => panic!("unexpected {event}: {v}"),
                Ok(Some(_)) => continue,
                _ => return,
            }
        }
    }

    pub async fn close(self) {
        let _ = self.client.disconnect().await;
    }
}

/// User ids of the sockets the server holds now (GET /api/connections as an admin).
pub async fn connected_users(url: &str) -> Vec<String> {
    let v: Value = reqwest::Client::new()
        .get(format!("{url}/api/connections"))
        .bearer_auth(token("harness-admin", Role::Admin))
        .send()
        .await
        .expect("connections")
        .json()
        .await
        .expect("json");
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|s| s["userId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Polls until `pred` holds for the connected users, or panics after [`WAIT`].
pub async fn until_connected(url: &str, what: &str, pred: impl Fn(&[String]) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        let users = connected_users(url).await;
        if pred(&users) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: connected {users:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
