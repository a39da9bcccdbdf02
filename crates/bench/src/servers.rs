//! Starting and stopping the two servers under test, minting their tokens, and reading their
//! memory and CPU from /proc.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;
use tokio::process::{Child, Command};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `opsdeck-server serve` (release build).
    Opsdeck,
    /// The Node.js socket.io peer in `bench/node-peer`.
    Node,
}

impl Kind {
    /// Name in tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Opsdeck => "opsdeck",
            Self::Node => "node",
        }
    }
}

/// Where things are.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Workspace root (has `bench/node-peer` and `BENCHMARKS.md`).
    pub root: PathBuf,
    /// The opsdeck-server binary.
    pub server_bin: PathBuf,
}

impl Paths {
    /// `root` (or the current directory, or this crate's workspace) and the release server.
    pub fn resolve(root: Option<PathBuf>, server_bin: Option<PathBuf>) -> anyhow::Result<Self> {
        let root = match root {
            Some(r) => r,
            None => {
                let cwd = std::env::current_dir()?;
                if cwd.join("bench/node-peer").is_dir() {
                    cwd
                } else {
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
                }
            }
        };
        let root = root.canonicalize().context("workspace root")?;
        let server_bin = server_bin.unwrap_or_else(|| root.join("target/release/opsdeck-server"));
        Ok(Self { root, server_bin })
    }
}

/// The secret both servers verify tokens with.
pub const SECRET: &str = "opsdeck-bench-secret-not-for-production";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Claims<'a> {
    sub: &'a str,
    role: &'a str,
    name: &'a str,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    vehicle_id: Option<&'a str>,
}

/// An HS256 token for `sub` with `role` (and `vehicleId` for devices), valid for a day.
pub fn token(sub: &str, role: &str, vehicle_id: Option<&str>) -> String {
    let claims = Claims {
        sub,
        role,
        name: sub,
        exp: chrono::Utc::now().timestamp() + 86_400,
        vehicle_id,
    };
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("HS256 encoding cannot fail")
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    /// Which one.
    pub kind: Kind,
    /// Its HTTP / Socket.IO address.
    pub addr: SocketAddr,
    /// Its process id.
    pub pid: u32,
    child: Child,
    dir: tempfile::TempDir,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Installs the Node peer's packages from its lock file if they are missing.
pub fn ensure_node_peer(paths: &Paths) -> anyhow::Result<()> {
    let dir = paths.root.join("bench/node-peer");
    if dir.join("node_modules/socket.io").is_dir() {
        return Ok(());
    }
    tracing::info!("npm ci in {}", dir.display());
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status()
        .context("running npm ci")?;
    if !status.success() {
        bail!("npm ci failed in {}", dir.display());
    }
    Ok(())
}

impl Server {
    /// Starts `kind` on a free loopback port with a fresh database, and waits for its health
    /// endpoint. `extra` are more `serve` flags (Opsdeck only).
    pub async fn start(kind: Kind, paths: &Paths, extra: &[String]) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let mut cmd = match kind {
            Kind::Opsdeck => {
                if !paths.server_bin.is_file() {
                    bail!(
                        "{} not found: cargo build --release -p opsdeck-server",
                        paths.server_bin.display()
                    );
                }
                let mut c = Command::new(&paths.server_bin);
                c.arg("serve")
                    .arg("--listen")
                    .arg(addr.to_string())
                    .arg("--db")
                    .arg(dir.path().join("bench.db"))
                    .args(extra)
                    .env("RUST_LOG", "warn");
                c
            }
            Kind::Node => {
                ensure_node_peer(paths)?;
                let mut c = Command::new("node");
                c.arg(paths.root.join("bench/node-peer/server.js"))
                    .env("PORT", port.to_string())
                    .env("HOST", "127.0.0.1")
                    .env("NODE_ENV", "production");
                c
            }
        };
        cmd.env("JWT_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        let child = cmd.spawn().with_context(|| format!("starting {kind:?}"))?;
        let pid = child.id().context("server pid")?;
        let server = Self {
            kind,
            addr,
            pid,
            child,
            dir,
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&self) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let url = format!("http://{}/api/health", self.addr);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(r) = http.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "{:?} did not become healthy; log:\n{}",
            self.kind,
            self.log_tail()
        )
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.pid)
    }

    /// CPU time used so far (user + system), in seconds.
    pub fn cpu_secs(&self) -> f64 {
        cpu_secs(self.pid)
    }

    /// Stops the server (SIGKILL; nothing to flush in a throwaway database).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// VmRSS of a process in KiB (0 if it is gone).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    parse_vmrss(&status).unwrap_or(0)
}

/// The `VmRSS:` line of /proc/PID/status, in KiB.
pub fn parse_vmrss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// utime + stime of a process in seconds (clock ticks of 1/100 s).
pub fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    parse_stat_ticks(&stat).map_or(0.0, |t| t as f64 / 100.0)
}

/// utime + stime (fields 14 and 15) of a /proc/PID/stat line, in clock ticks. The command
/// name (field 2) may contain spaces, so fields are counted after its closing parenthesis.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state): utime is field 14 → index 11.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The 1-minute load average.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vmrss() {
        let status = "Name:\tnode\nVmPeak:\t  100 kB\nVmRSS:\t   45312 kB\nThreads: 7\n";
        assert_eq!(parse_vmrss(status), Some(45312));
        assert_eq!(parse_vmrss("Name: x\n"), None);
    }

    #[test]
    fn reads_cpu_ticks_with_spaces_in_name() {
        let stat = "4242 (my server) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 8 0";
        assert_eq!(parse_stat_ticks(stat), Some(300));
        assert_eq!(parse_stat_ticks("garbage"), None);
    }

    #[test]
    fn own_process_is_readable() {
        let pid = std::process::id();
        assert!(rss_kib(pid) > 0);
        assert!(cpu_secs(pid) >= 0.0);
    }

    #[test]
    fn tokens_are_hs256_with_camel_case_claims() {
        let t = token("dev-1", "device", Some("v1"));
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.validate_exp = true;
        let data = jsonwebtoken::decode::<serde_json::Value>(
            &t,
            &jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()),
            &v,
        )
        .expect("valid");
        assert_eq!(data.claims["vehicleId"], "v1");
        assert_eq!(data.claims["role"], "device");
        assert_eq!(data.claims["sub"], "dev-1");
    }
}
