//! `connections`: N authenticated idle sockets; server RSS per connection, connect rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Ctx, connect_users, mib, record};
use crate::client::{ConnectOptions, Handler, Incoming, Sources};
use crate::servers::{Kind, Server};
use crate::table::Record;

/// Runs the scenario against `kind` with `n` sockets.
pub async fn run(ctx: &Ctx, kind: Kind, n: usize) -> anyhow::Result<Record> {
    let server = Server::start(kind, &ctx.paths, &[]).await?;
    ctx.sleep(Duration::from_secs(1)).await;
    let rss_idle = server.rss_kib();
    let closed = Arc::new(AtomicU64::new(0));
    let c = closed.clone();
    let handler: Handler = Arc::new(move |_, inc| {
        if matches!(inc, Incoming::Closed) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    });
    let sources = Arc::new(Sources::for_connections(n));
    let start = Instant::now();
    let cpu0 = server.cpu_secs();
    let (conns, failed, errors) = connect_users(
        ctx,
        &server,
        &sources,
        "bench-idle",
        "viewer",
        n,
        0,
        ConnectOptions::default(),
        handler,
    )
    .await;
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = server.cpu_secs() - cpu0;
    for e in &errors {
        tracing::warn!("{kind:?}: {e}");
    }
    // Let the server settle (allocators, presence writes) before reading its memory.
    ctx.sleep(Duration::from_secs(3)).await;
    let rss_full = server.rss_kib();
    let dropped = closed.load(Ordering::Relaxed);
    let held = conns.len() as u64 - dropped;
    let per_conn = if held > 0 {
        (rss_full.saturating_sub(rss_idle)) as f64 / held as f64
    } else {
        0.0
    };
    let mut r = record("connections", kind);
    r.set("n", n as u64)
        .set("connected", conns.len() as u64)
        .set("failed", failed as u64)
        .set("dropped while idle", dropped)
        .set("connects/s", conns.len() as f64 / elapsed)
        .set("server CPU s for connects", cpu)
        .set("RSS empty MiB", mib(rss_idle))
        .set("RSS with N MiB", mib(rss_full))
        .set("KiB per conn", per_conn)
        .set("load avg", crate::servers::load_average());
    drop(conns);
    server.stop().await;
    Ok(r)
}
