//! `broadcast`: N subscribers, K × `POST /api/notifications/broadcast` paced (latency) and K
//! more as fast as 4 posters can (deliveries/s); losses.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;

use super::{Ctx, connect_users, mib, now_us, record, wait_for};
use crate::client::{ConnectOptions, Handler, Incoming, Sources};
use crate::servers::{Kind, Server, token};
use crate::stats::Latency;
use crate::table::Record;

/// Parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Subscribers.
    pub n: usize,
    /// Broadcasts per phase.
    pub count: usize,
    /// Pause between paced broadcasts.
    pub interval: Duration,
}

#[derive(Default)]
struct Counters {
    paced: Latency,
    burst: Latency,
    received: AtomicU64,
    closed: AtomicU64,
    last_us: AtomicI64,
}

/// Posts one broadcast; true when the server answered 2xx.
pub async fn post(
    http: &reqwest::Client,
    url: &str,
    bearer: &str,
    seq: usize,
    phase: &str,
    pad: usize,
) -> bool {
    let body = json!({
        "title": "bench",
        "message": format!("broadcast {seq}"),
        "type": "info",
        "data": { "seq": seq, "phase": phase, "t": now_us(), "pad": "x".repeat(pad) },
    });
    match http.post(url).bearer_auth(bearer).json(&body).send().await {
        Ok(r) => r.status().is_success(),
        Err(_) => false,
    }
}

/// How a `notification:broadcast` packet starts.
const BROADCAST_PREFIX: &str = "[\"notification:broadcast\"";

/// The send time (`data.t`, µs) and whether the broadcast was paced, read from the packet text
/// without parsing it (no other key of a notification is `"t"` or `"phase"`).
fn stamp(packet: &str) -> (Option<i64>, bool) {
    let sent = packet.find("\"t\":").and_then(|i| {
        let rest = &packet[i + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len());
        rest[..end].parse().ok()
    });
    (sent, packet.contains("\"phase\":\"paced\""))
}

/// Runs the scenario against `kind`.
pub async fn run(ctx: &Ctx, kind: Kind, p: Params) -> anyhow::Result<Record> {
    let server = Server::start(kind, &ctx.paths, &[]).await?;
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    let handler: Handler = Arc::new(move |_, inc| match inc {
        Incoming::Raw { data } if data.starts_with(BROADCAST_PREFIX) => {
            let now = now_us();
            let (sent, paced) = stamp(&data);
            let sent = sent.unwrap_or(now);
            if paced {
                c.paced.record_us(now - sent);
            } else {
                c.burst.record_us(now - sent);
            }
            c.received.fetch_add(1, Ordering::Relaxed);
            c.last_us.fetch_max(now, Ordering::Relaxed);
        }
        Incoming::Closed => {
            c.closed.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    });
    let sources = Arc::new(Sources::for_connections(p.n));
    let (conns, failed, errors) = connect_users(
        ctx,
        &server,
        &sources,
        "bench-sub",
        "viewer",
        p.n,
        0,
        // Scanned, not parsed: at 10,000 sockets the load generator's JSON parsing competed
        // with the server for the same two cores.
        ConnectOptions {
            raw_events: true,
            ..ConnectOptions::default()
        },
        handler,
    )
    .await;
    for e in &errors {
        tracing::warn!("{kind:?}: {e}");
    }
    ctx.sleep(Duration::from_secs(1)).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/notifications/broadcast", server.url());
    let bearer = token("bench-dispatcher", "dispatcher", None);
    let subscribers = conns.len() as u64;
    let mut post_failed = 0u64;

    // Phase 1, paced: latency of a broadcast on an otherwise quiet server.
    for seq in 0..p.count {
        ctx.check()?;
        if !post(&http, &url, &bearer, seq, "paced", 0).await {
            post_failed += 1;
        }
        tokio::time::sleep(p.interval).await;
    }
    let paced_expected = (p.count as u64 - post_failed) * subscribers;
    wait_for(
        ctx,
        Duration::from_secs(5),
        || counters.received.load(Ordering::Relaxed) >= paced_expected,
        || counters.received.load(Ordering::Relaxed),
    )
    .await;
    let paced_received = counters.received.load(Ordering::Relaxed);

    // Phase 2, burst: 4 posters back to back; deliveries/s until the last receipt.
    let burst_start_us = now_us();
    let burst_start = Instant::now();
    let cpu0 = server.cpu_secs();
    let bench_cpu0 = crate::servers::cpu_secs(std::process::id());
    let results: Vec<bool> = futures_util::stream::iter(0..p.count)
        .map(|seq| {
            let (http, url, bearer) = (&http, &url, &bearer);
            async move { post(http, url, bearer, p.count + seq, "burst", 0).await }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let burst_posted = results.iter().filter(|ok| **ok).count() as u64;
    let post_secs = burst_start.elapsed().as_secs_f64();
    post_failed += p.count as u64 - burst_posted;
    let expected = paced_expected + burst_posted * subscribers;
    wait_for(
        ctx,
        Duration::from_secs(10),
        || counters.received.load(Ordering::Relaxed) >= expected,
        || counters.received.load(Ordering::Relaxed),
    )
    .await;
    let received = counters.received.load(Ordering::Relaxed);
    let cpu_secs = burst_start.elapsed().as_secs_f64();
    let server_cpu = (server.cpu_secs() - cpu0) * 100.0 / cpu_secs;
    let bench_cpu = (crate::servers::cpu_secs(std::process::id()) - bench_cpu0) * 100.0 / cpu_secs;
    let burst_received = received - paced_received;
    let burst_secs =
        (counters.last_us.load(Ordering::Relaxed) - burst_start_us).max(1) as f64 / 1e6;
    let paced = counters.paced.summary();
    let burst = counters.burst.summary();
    let mut r = record("broadcast", kind);
    r.set("n", p.n as u64)
        .set("connected", subscribers)
        .set("failed", failed as u64)
        .set("broadcasts", 2 * p.count as u64)
        .set("post errors", post_failed)
        .set("expected", expected)
        .set("lost", expected.saturating_sub(received))
        .set("p50 ms", paced.p50_ms)
        .set("p99 ms", paced.p99_ms)
        .set("max ms", paced.max_ms)
        .set("deliveries/s", burst_received as f64 / burst_secs)
        .set("broadcasts/s posted", burst_posted as f64 / post_secs)
        .set("burst p99 ms", burst.p99_ms)
        .set("server CPU % (burst)", server_cpu)
        .set("bench CPU % (burst)", bench_cpu)
        .set("closed", counters.closed.load(Ordering::Relaxed))
        .set("RSS MiB", mib(server.rss_kib()))
        .set("load avg", crate::servers::load_average());
    drop(conns);
    server.stop().await;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stamp_of_a_broadcast_packet() {
        let packet = r#"["notification:broadcast",{"id":"n1","title":"bench","type":"info","data":{"seq":3,"phase":"paced","t":1733330000123456,"pad":""},"createdAt":"2026-12-04T00:00:00.000Z"}]"#;
        assert!(packet.starts_with(BROADCAST_PREFIX));
        assert_eq!(stamp(packet), (Some(1_733_330_000_123_456), true));
        let burst = packet.replace("paced", "burst");
        assert_eq!(stamp(&burst), (Some(1_733_330_000_123_456), false));
        assert_eq!(
            stamp(r#"["notification:broadcast",{"data":{}}]"#),
            (None, false)
        );
    }
}
