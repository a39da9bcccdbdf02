//! `slow-consumers`: K sockets stop reading while broadcasts of a large payload flow; the
//! server's memory must stay bounded and the N other sockets must not lose or lag.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::broadcast::post;
use super::{Ctx, connect_users, mib, now_us, record, wait_for};
use crate::client::{ConnectOptions, Handler, Incoming, Sources};
use crate::servers::{Kind, Server, token};
use crate::stats::Latency;
use crate::table::Record;

/// Parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Sockets that keep reading.
    pub n: usize,
    /// Sockets that never read.
    pub slow: usize,
    /// Broadcasts per second.
    pub rate: f64,
    /// Padding per broadcast, bytes.
    pub payload: usize,
    /// Seconds of broadcasting.
    pub seconds: u64,
}

#[derive(Default)]
struct Counters {
    latency: Latency,
    received: AtomicU64,
    normal_closed: AtomicU64,
    slow_closed: AtomicU64,
}

/// Runs the scenario against `kind`.
pub async fn run(ctx: &Ctx, kind: Kind, p: Params) -> anyhow::Result<Record> {
    let server = Server::start(kind, &ctx.paths, &[]).await?;
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    let n = p.n;
    let handler: Handler = Arc::new(move |index, inc| match inc {
        Incoming::Event { name, arg } if name == "notification:broadcast" && index < n => {
            let now = now_us();
            c.latency
                .record_us(now - arg["data"]["t"].as_i64().unwrap_or(now));
            c.received.fetch_add(1, Ordering::Relaxed);
        }
        Incoming::Closed if index < n => {
            c.normal_closed.fetch_add(1, Ordering::Relaxed);
        }
        Incoming::Closed => {
            c.slow_closed.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    });
    let sources = Arc::new(Sources::for_connections(p.n + p.slow));
    let (normal, failed_n, _) = connect_users(
        ctx,
        &server,
        &sources,
        "bench-fast",
        "viewer",
        p.n,
        0,
        ConnectOptions::default(),
        handler.clone(),
    )
    .await;
    let (slow, failed_s, _) = connect_users(
        ctx,
        &server,
        &sources,
        "bench-slow",
        "viewer",
        p.slow,
        p.n,
        ConnectOptions {
            recv_buffer: Some(4096),
            raw_events: false,
        },
        handler,
    )
    .await;
    for s in &slow {
        s.set_reading(false);
    }
    ctx.sleep(Duration::from_secs(1)).await;
    let rss_start = server.rss_kib();
    let mut rss_max = rss_start;
    let http = reqwest::Client::new();
    let url = format!("{}/api/notifications/broadcast", server.url());
    let bearer = token("bench-dispatcher", "dispatcher", None);
    let period = Duration::from_secs_f64(1.0 / p.rate);
    let start = Instant::now();
    let mut posted = 0u64;
    let mut post_failed = 0u64;
    let mut seq = 0;
    while start.elapsed() < Duration::from_secs(p.seconds) && !ctx.left().is_zero() {
        let t = Instant::now();
        if post(&http, &url, &bearer, seq, "slow", p.payload).await {
            posted += 1;
        } else {
            post_failed += 1;
        }
        seq += 1;
        rss_max = rss_max.max(server.rss_kib());
        tokio::time::sleep(period.saturating_sub(t.elapsed())).await;
    }
    let expected = posted * normal.len() as u64;
    wait_for(
        ctx,
        Duration::from_secs(5),
        || counters.received.load(Ordering::Relaxed) >= expected,
        || counters.received.load(Ordering::Relaxed),
    )
    .await;
    let rss_end = server.rss_kib();
    let received = counters.received.load(Ordering::Relaxed);
    // Read the slow sockets again: those the server dropped end after their buffered data.
    for s in &slow {
        s.set_reading(true);
    }
    let c2 = counters.clone();
    let slow_n = slow.len() as u64;
    wait_for(
        ctx,
        Duration::from_secs(3),
        || c2.slow_closed.load(Ordering::Relaxed) >= slow_n,
        || c2.slow_closed.load(Ordering::Relaxed),
    )
    .await;
    let lat = counters.latency.summary();
    let mut r = record("slow-consumers", kind);
    r.set("n", p.n as u64)
        .set("slow", p.slow as u64)
        .set("failed", (failed_n + failed_s) as u64)
        .set("payload B", p.payload as u64)
        .set("broadcasts", posted)
        .set("post errors", post_failed)
        .set("lost (readers)", expected.saturating_sub(received))
        .set(
            "readers closed",
            counters.normal_closed.load(Ordering::Relaxed),
        )
        .set("p50 ms", lat.p50_ms)
        .set("p99 ms", lat.p99_ms)
        .set("max ms", lat.max_ms)
        .set(
            "slow dropped by server",
            counters.slow_closed.load(Ordering::Relaxed),
        )
        .set("RSS start MiB", mib(rss_start))
        .set("RSS max MiB", mib(rss_max))
        .set("RSS end MiB", mib(rss_end))
        .set("load avg", crate::servers::load_average());
    drop(normal);
    drop(slow);
    server.stop().await;
    Ok(r)
}
