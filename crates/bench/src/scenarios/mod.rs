//! The scenarios. Each starts its server, measures, stops it, and returns one [`Record`].

pub mod broadcast;
pub mod connections;
pub mod desktop;
pub mod slow;
pub mod tracking;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;

use crate::client::{self, Conn, ConnectOptions, Handler, Sources};
use crate::servers::{Kind, Paths, Server, token};
use crate::table::Record;

/// What every scenario needs.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Where the servers are.
    pub paths: Paths,
    /// No scenario waits past this.
    pub deadline: Instant,
    /// Handshakes in flight at once.
    pub parallel: usize,
}

impl Ctx {
    /// Time left before the deadline.
    pub fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Fails once the deadline has passed.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.left().is_zero() {
            bail!("--max-seconds reached");
        }
        Ok(())
    }

    /// Sleeps `d`, or until the deadline.
    pub async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d.min(self.left())).await;
    }
}

/// A record started with the server's name.
pub fn record(scenario: &str, kind: Kind) -> Record {
    let mut r = Record::new(scenario);
    r.set("server", kind.label());
    r
}

#[allow(clippy::too_many_arguments)]
/// Connects `n` sockets of `role` (users `{prefix}-{i}`), returning the live connections.
pub async fn connect_users(
    ctx: &Ctx,
    server: &Server,
    sources: &Arc<Sources>,
    prefix: &str,
    role: &str,
    n: usize,
    first_index: usize,
    opts: ConnectOptions,
    handler: Handler,
) -> (Vec<Conn>, usize, Vec<String>) {
    let tokens = (0..n)
        .map(|i| token(&format!("{prefix}-{i}"), role, None))
        .collect();
    let (conns, errors) = client::connect_many(
        server.addr,
        sources,
        tokens,
        first_index,
        opts,
        handler,
        ctx.parallel,
    )
    .await;
    let failed = conns.iter().filter(|c| c.is_none()).count();
    (conns.into_iter().flatten().collect(), failed, errors)
}

/// Waits until `done()` or `quiet` passes without `progress()` changing, or the deadline.
pub async fn wait_for(
    ctx: &Ctx,
    quiet: Duration,
    mut done: impl FnMut() -> bool,
    mut progress: impl FnMut() -> u64,
) {
    let mut last = progress();
    let mut since = Instant::now();
    while !done() && !ctx.left().is_zero() {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = progress();
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            break;
        }
    }
}

/// Wall-clock microseconds since the Unix epoch (both ends of a latency are on this machine).
pub fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Mebibytes from KiB.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
