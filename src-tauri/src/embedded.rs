//! Embedded mode: `crates/server` running inside the app, with the simulator, on a fixed
//! documented address so devices can connect. The app mints its own admin token; the signing
//! secret lives in the OS keyring. Stopping waits for the server's clean shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use opsdeck_protocol::Role;
use opsdeck_server::auth::{AuthConfig, mint_hs256};
use opsdeck_server::config::DemoConfig;
use opsdeck_server::{Config, ServerError};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::types::EmbeddedSettings;

/// A running embedded server.
#[derive(Debug)]
pub struct Embedded {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The app's own admin token.
    pub token: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

/// The address to listen on: `OPSDECK_LISTEN` wins over the settings.
pub fn listen_addr(env: Option<&str>, settings: &EmbeddedSettings) -> Result<SocketAddr, String> {
    let text = env.filter(|s| !s.is_empty()).unwrap_or(&settings.listen);
    text.parse()
        .map_err(|_| format!("invalid listen address `{text}` (expected ADDR:PORT)"))
}

/// SQLite page cache per connection of the embedded server, MiB. The headless server's
/// 64 MiB keeps a 10,000-vehicle history index in memory; on a desktop that memory is the
/// operator's, and the OS page cache already holds the file (BENCHMARKS.md, stop 13).
const DESKTOP_DB_CACHE_MIB: u32 = 8;

/// Packets the embedded server queues per connection before emits to it fail. The
/// headless server's 256 bounds what slow clients cost; here the main client is the app
/// itself, and at 10,000 simulated vehicles a burst of trip updates (≈ 2,000 a second while
/// trips start) outran its reader, so the server dropped its `trip:updated`,
/// `geofence:alert`, `tracking:batch` events and request acks (BENCHMARKS.md, stop 18).
/// The queue's memory is only taken while it holds packets, and a client that stops reading
/// is still cut off by the stall timeout.
const DESKTOP_SEND_BUFFER_PACKETS: usize = 16_384;

/// The server configuration for the app.
pub fn config(db: &Path, secret: &str, settings: &EmbeddedSettings) -> Config {
    let mut config = Config::new(db, AuthConfig::Secret(secret.as_bytes().to_vec()));
    config.node_id = "opsdeck-desktop".into();
    config.db_cache_mib = DESKTOP_DB_CACHE_MIB;
    config.limits.send_buffer_packets = DESKTOP_SEND_BUFFER_PACKETS;
    if settings.simulator {
        config.demo = Some(DemoConfig {
            vehicles: settings.vehicles as usize,
            ..DemoConfig::default()
        });
    }
    config
}

impl Embedded {
    /// Binds and starts the server.
    pub async fn start(addr: SocketAddr, config: Config, secret: &str) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let user = whoami();
        let token = mint_hs256(
            secret.as_bytes(),
            "desktop-admin",
            Role::Admin,
            &user,
            chrono::Duration::days(30),
            None,
        )
        .map_err(|e| e.to_string())?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(opsdeck_server::run(listener, config, async move {
            let _ = stopped.await;
        }));
        tracing::info!(%addr, "embedded server started");
        Ok(Self {
            addr,
            token,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for its shutdown (at most 10 s).
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            match tokio::time::timeout(Duration::from_secs(10), t).await {
                Ok(Ok(Ok(()))) => tracing::info!("embedded server stopped"),
                Ok(Ok(Err(e))) => tracing::error!(error = %e, "embedded server failed"),
                Ok(Err(e)) => tracing::error!(error = %e, "embedded server task panicked"),
                Err(_) => tracing::warn!("embedded server did not stop within 10 s"),
            }
        }
    }
}

/// The operator's name for the admin token: the OS user.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| format!("{u} (desktop)"))
        .unwrap_or_else(|| "Desktop operator".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> EmbeddedSettings {
        EmbeddedSettings {
            listen: "127.0.0.1:4700".into(),
            simulator: true,
            vehicles: 50,
        }
    }

    #[test]
    fn env_listen_overrides_settings() {
        assert_eq!(listen_addr(None, &settings()).unwrap().port(), 4700);
        assert_eq!(
            listen_addr(Some("127.0.0.1:0"), &settings())
                .unwrap()
                .port(),
            0
        );
        assert_eq!(listen_addr(Some(""), &settings()).unwrap().port(), 4700);
        assert!(listen_addr(Some("nonsense"), &settings()).is_err());
    }

    #[test]
    fn simulator_setting_drives_the_demo() {
        let c = config(Path::new("/tmp/x.db"), "s", &settings());
        assert_eq!(c.demo.map(|d| d.vehicles), Some(50));
        let mut off = settings();
        off.simulator = false;
        assert!(config(Path::new("/tmp/x.db"), "s", &off).demo.is_none());
    }

    #[test]
    fn the_apps_own_connection_gets_a_deeper_send_queue_than_a_headless_server() {
        let c = config(Path::new("/tmp/x.db"), "s", &settings());
        let headless = opsdeck_server::Limits::default();
        assert_eq!(c.limits.send_buffer_packets, DESKTOP_SEND_BUFFER_PACKETS);
        assert!(c.limits.send_buffer_packets >= 64 * headless.send_buffer_packets);
        assert_eq!(c.limits.send_stall_timeout, headless.send_stall_timeout);
    }

    #[tokio::test]
    async fn starts_serves_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "x".repeat(40);
        let mut s = settings();
        s.simulator = false;
        let e = Embedded::start(
            "127.0.0.1:0".parse().unwrap(),
            config(&dir.path().join("db.sqlite"), &secret, &s),
            &secret,
        )
        .await
        .unwrap();
        assert_ne!(e.addr.port(), 0);
        let body = reqwest_health(&e.url()).await;
        assert!(body.contains("\"ok\""), "{body}");
        e.stop().await;
    }

    async fn reqwest_health(url: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = url.trim_start_matches("http://");
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }
}
