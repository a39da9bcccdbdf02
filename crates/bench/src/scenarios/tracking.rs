//! `tracking`: V devices reporting at H Hz, S dashboards subscribed live or with `batchMs`;
//! end-to-end latency (device `ts` → dashboard receipt), server CPU, missing updates.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use super::{Ctx, mib, now_us, record, wait_for};
use crate::client::{self, ConnectOptions, Handler, Incoming, Sources};
use crate::servers::{Kind, Server, token};
use crate::stats::Latency;
use crate::table::Record;

/// Parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Devices (one socket each).
    pub vehicles: usize,
    /// Reports per second per device.
    pub hz: f64,
    /// Dashboards.
    pub dashboards: usize,
    /// `batchMs` of the dashboards' subscription; live `tracking:update` when `None`.
    pub batch_ms: Option<u32>,
    /// Measured seconds (after a 3 s warm-up).
    pub seconds: u64,
}

struct Counters {
    latency: Latency,
    /// The measured window, wall-clock µs of the device's `ts`: [start, end).
    start_us: AtomicI64,
    end_us: AtomicI64,
    /// Reports stamped inside the window.
    sent_in: AtomicU64,
    /// Dashboard receipts of reports stamped inside the window.
    received_in: AtomicU64,
    received: AtomicU64,
    acked_ok: AtomicU64,
    rejected: AtomicU64,
    sent: AtomicU64,
    closed: AtomicU64,
    subscribed: AtomicU64,
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            latency: Latency::default(),
            start_us: AtomicI64::new(i64::MAX),
            end_us: AtomicI64::new(i64::MAX),
            sent_in: AtomicU64::new(0),
            received_in: AtomicU64::new(0),
            received: AtomicU64::new(0),
            acked_ok: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            closed: AtomicU64::new(0),
            subscribed: AtomicU64::new(0),
        }
    }
}

impl Counters {
    fn in_window(&self, t: i64) -> bool {
        t >= self.start_us.load(Ordering::Relaxed) && t < self.end_us.load(Ordering::Relaxed)
    }

    /// Reports the server answered, accepted or not.
    fn answered(&self) -> u64 {
        self.acked_ok.load(Ordering::Relaxed) + self.rejected.load(Ordering::Relaxed)
    }
}

/// Calls `f` with every `"ts":"…"` value of a `tracking:update` / `tracking:batch` packet,
/// without parsing the JSON (one per position: the load generator must keep up with up to
/// hundreds of thousands of positions a second).
pub fn each_ts(data: &str, mut f: impl FnMut(&str)) {
    const KEY: &str = "\"ts\":\"";
    let mut rest = data;
    while let Some(i) = rest.find(KEY) {
        rest = &rest[i + KEY.len()..];
        let Some(end) = rest.find('"') else { break };
        f(&rest[..end]);
        rest = &rest[end..];
    }
}

fn ts_us(ts: &str) -> Option<i64> {
    Some(
        chrono::DateTime::parse_from_rfc3339(ts)
            .ok()?
            .timestamp_micros(),
    )
}

/// Runs the scenario against `kind`.
pub async fn run(ctx: &Ctx, kind: Kind, p: Params) -> anyhow::Result<Record> {
    let server = Server::start(kind, &ctx.paths, &[]).await?;
    let counters = Arc::new(Counters::default());
    let dashboards = p.dashboards;
    let c = counters.clone();
    let handler: Handler = Arc::new(move |index, inc| match inc {
        Incoming::Raw { data } if index < dashboards => {
            if !(data.starts_with("[\"tracking:update\"")
                || data.starts_with("[\"tracking:batch\""))
            {
                return;
            }
            let now = now_us();
            each_ts(&data, |ts| {
                if let Some(t) = ts_us(ts)
                    && c.in_window(t)
                {
                    c.latency.record_us(now - t);
                    c.received_in.fetch_add(1, Ordering::Relaxed);
                }
                c.received.fetch_add(1, Ordering::Relaxed);
            });
        }
        Incoming::Ack { arg, .. } => {
            if index < dashboards {
                c.subscribed.fetch_add(1, Ordering::Relaxed);
            } else if arg["success"] == true {
                c.acked_ok.fetch_add(1, Ordering::Relaxed);
            } else {
                c.rejected.fetch_add(1, Ordering::Relaxed);
            }
        }
        Incoming::Closed => {
            c.closed.fetch_add(1, Ordering::Relaxed);
        }
        Incoming::Event { .. } | Incoming::Raw { .. } => {}
    });
    let sources = Arc::new(Sources::for_connections(p.vehicles + p.dashboards));
    let dash_tokens = (0..p.dashboards)
        .map(|i| token(&format!("bench-dash-{i}"), "viewer", None))
        .collect();
    let (dash, _) = client::connect_many(
        server.addr,
        &sources,
        dash_tokens,
        0,
        ConnectOptions {
            recv_buffer: None,
            raw_events: true,
        },
        handler.clone(),
        ctx.parallel,
    )
    .await;
    let dash: Vec<_> = dash.into_iter().flatten().collect();
    let sub = match p.batch_ms {
        Some(ms) => json!({ "batchMs": ms }),
        None => json!({}),
    };
    for d in &dash {
        d.emit("subscribe:tracking", &sub, Some(1));
    }
    let dev_tokens = (0..p.vehicles)
        .map(|i| {
            let v = format!("bench-v{i}");
            token(&format!("bench-dev-{i}"), "device", Some(&v))
        })
        .collect();
    let (devices, errors) = client::connect_many(
        server.addr,
        &sources,
        dev_tokens,
        p.dashboards,
        ConnectOptions::default(),
        handler,
        ctx.parallel,
    )
    .await;
    for e in &errors {
        tracing::warn!("{kind:?}: {e}");
    }
    let failed = devices.iter().filter(|d| d.is_none()).count() + (p.dashboards - dash.len());
    let stop = Arc::new(AtomicBool::new(false));
    let period = Duration::from_secs_f64(1.0 / p.hz);
    let n = devices.len().max(1);
    let devices: Vec<_> = devices.into_iter().enumerate().collect();
    for (i, dev) in &devices {
        let (i, Some(dev)) = (*i, dev.clone()) else {
            continue;
        };
        let stop = stop.clone();
        let counters = counters.clone();
        let offset = period.mul_f64(i as f64 / n as f64);
        tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut seq = 0u64;
            let id = format!("bench-v{i}");
            loop {
                tick.tick().await;
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                seq += 1;
                let now = chrono::Utc::now();
                let angle = (i as f64 * 0.618 + seq as f64 * 0.01) % 1.0;
                let report = json!({
                    "vehicleId": id,
                    "lat": 52.0 + angle * 0.1,
                    "lng": 13.0 + angle * 0.1,
                    "speed": 40.0,
                    "ts": now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                });
                dev.emit("location:report", &report, Some(seq));
                counters.sent.fetch_add(1, Ordering::Relaxed);
                if counters.in_window(now.timestamp_micros()) {
                    counters.sent_in.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    // Warm-up, then the measured window.
    ctx.sleep(Duration::from_secs(3)).await;
    counters.latency.reset();
    counters.start_us.store(now_us(), Ordering::Relaxed);
    let sent0 = counters.sent.load(Ordering::Relaxed);
    let ok0 = counters.acked_ok.load(Ordering::Relaxed);
    let cpu0 = server.cpu_secs();
    let bench_cpu0 = crate::servers::cpu_secs(std::process::id());
    let t0 = Instant::now();
    let mut rss_max = server.rss_kib();
    while t0.elapsed() < Duration::from_secs(p.seconds) && !ctx.left().is_zero() {
        tokio::time::sleep(Duration::from_millis(500)).await;
        rss_max = rss_max.max(server.rss_kib());
    }
    let secs = t0.elapsed().as_secs_f64();
    let cpu = server.cpu_secs() - cpu0;
    let bench_cpu = crate::servers::cpu_secs(std::process::id()) - bench_cpu0;
    counters.end_us.store(now_us(), Ordering::Relaxed);
    let sent1 = counters.sent.load(Ordering::Relaxed);
    let closed = counters.closed.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    // Reports sent in the window and accepted reach every dashboard (once, or coalesced).
    let tail = Duration::from_millis(u64::from(p.batch_ms.unwrap_or(0)) + 1500);
    let (c2, c3) = (counters.clone(), counters.clone());
    let want = c2.sent_in.load(Ordering::Relaxed) * dash.len() as u64;
    wait_for(
        ctx,
        tail,
        move || c2.received_in.load(Ordering::Relaxed) >= want,
        move || c3.received.load(Ordering::Relaxed),
    )
    .await;
    // ... and every report sent before the stop, the last ones included, gets its answer
    // (`no ack` counts only reports the server left unanswered, not ones still on the wire).
    let (c4, c5) = (counters.clone(), counters.clone());
    wait_for(
        ctx,
        Duration::from_millis(1500),
        move || c4.answered() >= c4.sent.load(Ordering::Relaxed),
        move || c5.answered(),
    )
    .await;
    let sent = sent1 - sent0;
    let ok = counters.acked_ok.load(Ordering::Relaxed) - ok0;
    let total_sent = counters.sent.load(Ordering::Relaxed);
    let no_ack = total_sent - counters.answered();
    let expected = counters.sent_in.load(Ordering::Relaxed) * dash.len() as u64;
    let received = counters.received_in.load(Ordering::Relaxed);
    let lat = counters.latency.summary();
    let mut r = record("tracking", kind);
    r.set("vehicles", p.vehicles as u64)
        .set("hz", p.hz)
        .set("dashboards", p.dashboards as u64)
        .set("batch ms", p.batch_ms.map_or(json!("live"), |b| json!(b)))
        .set("failed", failed as u64)
        .set("reports/s", sent as f64 / secs)
        .set("acked ok", ok)
        .set("rejected", counters.rejected.load(Ordering::Relaxed))
        .set("no ack", no_ack)
        .set("updates expected", expected)
        .set("updates received", received)
        .set(
            "missing %",
            if expected > 0 {
                (expected.saturating_sub(received)) as f64 * 100.0 / expected as f64
            } else {
                0.0
            },
        )
        .set("p50 ms", lat.p50_ms)
        .set("p99 ms", lat.p99_ms)
        .set("max ms", lat.max_ms)
        .set("server CPU %", cpu * 100.0 / secs)
        .set("bench CPU %", bench_cpu * 100.0 / secs)
        .set("RSS max MiB", mib(rss_max))
        .set("subscribed", counters.subscribed.load(Ordering::Relaxed))
        .set("closed", closed)
        .set("load avg", crate::servers::load_average());
    drop(dash);
    drop(devices);
    server.stop().await;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_position_timestamp() {
        let batch = r#"["tracking:batch",{"updates":[{"vehicleId":"v1","location":{"lat":1.0,"lng":2.0,"ts":"2026-11-22T08:00:00.000001Z"}},{"vehicleId":"v2","location":{"lat":1.0,"lng":2.0,"speed":4.0,"ts":"2026-11-22T08:00:00.5+00:00"}}],"timestamp":"2026-11-22T08:00:01Z"}]"#;
        let mut seen = Vec::new();
        each_ts(batch, |t| seen.push(t.to_owned()));
        assert_eq!(
            seen,
            ["2026-11-22T08:00:00.000001Z", "2026-11-22T08:00:00.5+00:00"]
        );
        assert_eq!(ts_us(&seen[0]).map(|us| us % 1_000_000), Some(1));
        assert_eq!(ts_us(&seen[1]).map(|us| us % 1_000_000), Some(500_000));
        let mut n = 0;
        each_ts(
            r#"["tracking:update",{"vehicleId":"v","location":{"ts":"x"#,
            |_| n += 1,
        );
        assert_eq!(n, 0, "an unterminated value is not counted");
    }
}
