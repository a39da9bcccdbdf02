//! `opsdeck-sim`: N simulated field devices against any Opsdeck server.
//!
//! ```text
//! opsdeck-sim --url http://127.0.0.1:4000 --token "$(opsdeck-server token --sub sim --role dispatcher)" \
//!             --vehicles 10000 --hz 1 [--seed 1] [--duration 300] [--http] [--no-kpis]
//! ```
//!
//! It creates the demo geofences and KPI thresholds over one control connection, then opens
//! one Socket.IO connection per vehicle (spread over the ramp), each registering its vehicle
//! (`vehicle:upsert`) and then sending what the deterministic simulation (`opsdeck_sim::Sim`)
//! produces: `location:report` at `--hz` with an ack, status changes, trips, rare
//! emergencies; KPI reports go over the control connection. With `--http`, vehicles are
//! registered and report through the REST endpoints instead (trips still use the control
//! socket, which has no REST equivalent).
//!
//! Every 5 s and at the end it prints (stdout) connected sockets, reports sent, acked ok,
//! rejected (codes tallied), lost (no ack within 60 s, or the connection dropped first),
//! unsent, late (acked after more than 10 s), and the achieved report rate; at the end also
//! the ack latency of positions (p50, p99, max).
//! The exit code is 1 if any report was rejected, lost or unsent, 2 on a setup error.
//! Diagnostics go to stderr through `tracing` (`RUST_LOG`).
//!
//! Modules: `socket` (handshake over tokio-tungstenite), `device` (one connection per
//! vehicle), `control` (request/ack client), `http` (REST mode), `setup` (geofences, KPI
//! thresholds), `dispatch` (routing simulation events), `stats` (counters and progress).

mod control;
mod device;
mod dispatch;
mod http;
mod latency;
mod setup;
mod socket;
mod stats;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Parser;
use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{MAX_LOCATIONS_PER_BATCH, TripCancel};
use opsdeck_sim::{Sim, SimConfig, wire};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::{info, warn};

use crate::control::Control;
use crate::device::Shared;
use crate::dispatch::{Sink, dispatch, flush, spawn_request};
use crate::http::Http;
use crate::setup::{check_fd_limit, setup};
use crate::stats::{Snapshot, Stats, progress_line};

/// How often progress is printed.
const PRINT_EVERY: Duration = Duration::from_secs(5);

/// Command line.
#[derive(Debug, Parser)]
#[command(
    name = "opsdeck-sim",
    version,
    about = "Simulated fleet devices and KPI producers for an Opsdeck server"
)]
struct Args {
    /// Server URL, http(s):// or ws(s)://.
    #[arg(long, env = "OPSDECK_URL", default_value = "http://127.0.0.1:4000")]
    url: String,
    /// Dispatcher (or admin) JWT, e.g. `opsdeck-server token --sub sim --role dispatcher`.
    #[arg(long, env = "OPSDECK_TOKEN", hide_env_values = true)]
    token: String,
    /// Number of vehicles, one connection each.
    #[arg(long, default_value_t = 100)]
    vehicles: usize,
    /// Location reports per second per vehicle.
    #[arg(long, default_value_t = 1.0)]
    hz: f64,
    /// Seed of the simulation (same seed, same fleet and routes).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds of reporting before stopping [default: until Ctrl-C].
    #[arg(long, value_name = "SECS")]
    duration: Option<f64>,
    /// Report through `POST /api/vehicles/{id}/locations` batches instead of sockets.
    #[arg(long)]
    http: bool,
    /// Produce no KPI reports.
    #[arg(long)]
    no_kpis: bool,
    /// Seconds over which connections are opened [default: vehicles / 500, at most 20].
    #[arg(long, value_name = "SECS")]
    ramp: Option<f64>,
    /// Seconds of positions per HTTP batch (with --http).
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    batch: f64,
    /// Radius of the simulated city around Riyadh, km.
    #[arg(long, default_value_t = 12.0)]
    radius_km: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,opsdeck_sim=info".into()),
        )
        .init();
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints a line to stdout (this is the binary's output, not a diagnostic).
#[allow(clippy::print_stdout)]
pub(crate) fn say(line: &str) {
    println!("{line}");
}

fn check_args(a: &Args) -> anyhow::Result<()> {
    if !(a.hz.is_finite() && a.hz > 0.0 && a.hz <= 100.0) {
        bail!("--hz must be in (0, 100]");
    }
    if a.duration.is_some_and(|d| !(d.is_finite() && d > 0.0)) {
        bail!("--duration must be positive");
    }
    if a.ramp.is_some_and(|r| !(r.is_finite() && r >= 0.0)) {
        bail!("--ramp must be >= 0");
    }
    if !(a.batch.is_finite() && a.batch >= 0.1 && a.batch * a.hz <= MAX_LOCATIONS_PER_BATCH as f64)
    {
        bail!(
            "--batch must be at least 0.1 s and hold at most {MAX_LOCATIONS_PER_BATCH} positions"
        );
    }
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<bool> {
    check_args(&args)?;
    let mut sim = Sim::new(SimConfig {
        seed: args.seed,
        vehicles: args.vehicles,
        radius_km: args.radius_km,
        kpis: !args.no_kpis,
        ..SimConfig::default()
    })?;
    sim.set_report_hz(args.hz)?;
    let n = args.vehicles;
    if !args.http {
        check_fd_limit(n);
    }
    let stats = Arc::new(Stats::default());
    let url = wire::engine_url(&args.url)?;
    let control = Control::connect(url.clone(), args.token.clone())
        .await
        .with_context(|| format!("control connection to {url}"))?;
    info!(%url, "control connection up");
    setup(&control, &sim, &stats).await;

    let started = Instant::now();
    let printer = {
        let stats = Arc::clone(&stats);
        let sockets = (!args.http).then_some(n);
        tokio::spawn(async move {
            let mut prev = Snapshot::default();
            let mut tick = tokio::time::interval_at(Instant::now() + PRINT_EVERY, PRINT_EVERY);
            loop {
                tick.tick().await;
                let now = stats.snapshot();
                let secs = PRINT_EVERY.as_secs_f64();
                say(&progress_line(
                    started.elapsed().as_secs_f64(),
                    &now,
                    &prev,
                    secs,
                    sockets,
                ));
                prev = now;
            }
        })
    };

    let vehicles = sim.vehicles();
    let index: HashMap<String, usize> = vehicles
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();
    let mut sink = if args.http {
        let http = Http::new(&args.url, &args.token, Arc::clone(&stats))?;
        let ids = vehicles.iter().map(|v| v.id.clone()).collect();
        let ok = http.register(vehicles).await;
        say(&format!("registered {ok}/{n} vehicles over HTTP"));
        Sink::Http {
            http,
            ids,
            buffers: vec![Vec::new(); n],
            since: vec![None; n],
            trips: Arc::default(),
        }
    } else {
        let ramp = Duration::from_secs_f64(args.ramp.unwrap_or((n as f64 / 500.0).min(20.0)));
        let shared = Arc::new(Shared::new(
            url.clone(),
            args.token.clone(),
            Arc::clone(&stats),
        ));
        let mut senders = Vec::with_capacity(n);
        let mut devices = Vec::with_capacity(n);
        for (i, v) in vehicles.into_iter().enumerate() {
            let (tx, rx) = mpsc::channel(32);
            let delay = ramp.mul_f64(i as f64 / n.max(1) as f64);
            devices.push(tokio::spawn(device::run(
                Arc::clone(&shared),
                v.id.clone(),
                Some(v),
                delay,
                rx,
            )));
            senders.push(tx);
        }
        // Start the world once every device has tried to connect and register.
        let limit = Instant::now() + ramp + socket::CONNECT_TIMEOUT + device::ACK_TIMEOUT;
        while shared.attempted.load(Relaxed) < n && Instant::now() < limit {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        say(&format!(
            "ramp: {}/{n} sockets connected in {:.1} s",
            stats.connected.load(Relaxed),
            started.elapsed().as_secs_f64()
        ));
        Sink::Sockets { senders, devices }
    };

    // The world runs in fixed ticks, so the event sequence depends only on the seed.
    let tick = Duration::from_secs_f64((1.0 / args.hz).min(0.1));
    let mut clock = tokio::time::interval(tick);
    let reporting = Instant::now();
    let deadline = args
        .duration
        .map(|d| reporting + Duration::from_secs_f64(d));
    let batch_every = Duration::from_secs_f64(args.batch);
    let mut tasks = JoinSet::new();
    let mut events = Vec::new();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = clock.tick() => {}
            _ = &mut ctrl_c => {
                info!("interrupted");
                break;
            }
            () = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            } => break,
        }
        events.clear();
        sim.step_into(Utc::now(), tick, &mut events);
        for ev in events.drain(..) {
            dispatch(ev, &mut sink, &index, &control, &stats, &mut tasks);
        }
        if let Sink::Http {
            http,
            ids,
            buffers,
            since,
            ..
        } = &mut sink
        {
            for i in 0..buffers.len() {
                if since[i].is_some_and(|t| t.elapsed() >= batch_every) {
                    flush(http, &ids[i], &mut buffers[i]);
                    since[i] = None;
                }
            }
        }
        while tasks.try_join_next().is_some() {}
    }
    let reported_for = reporting.elapsed();

    // Wind down: devices cancel open trips and wait for their acks.
    match sink {
        Sink::Sockets { senders, devices } => {
            drop(senders);
            let all = futures_util::future::join_all(devices);
            let limit = device::LOST_AFTER + Duration::from_secs(5);
            if tokio::time::timeout(limit, all).await.is_err() {
                warn!("some devices did not finish in time");
            }
        }
        Sink::Http {
            http,
            ids,
            mut buffers,
            trips,
            ..
        } => {
            for (id, buffer) in ids.iter().zip(&mut buffers) {
                flush(&http, id, buffer);
            }
            let open: Vec<(String, String)> = trips
                .lock()
                .map(|mut t| t.drain().collect())
                .unwrap_or_default();
            for (_, trip_id) in open {
                let cancel = TripCancel {
                    trip_id,
                    reason: "Simulator stopped".into(),
                };
                let body = serde_json::to_value(cancel)?;
                spawn_request(
                    &mut tasks,
                    &control,
                    &stats,
                    events::TRIP_CANCEL,
                    body,
                    |_| {},
                );
            }
            http.drain(device::ACK_TIMEOUT * 2).await;
        }
    }
    let _ = tokio::time::timeout(device::ACK_TIMEOUT + Duration::from_secs(1), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    printer.abort();
    drop(control);

    let mut s = stats.snapshot();
    // Devices have hung up by now: show how many were connected at most.
    s.connected = s.peak_connected;
    // Whatever is still unanswered at exit (HTTP requests still queued) is lost.
    s.lost += s.sent.saturating_sub(s.ok + s.rejected + s.lost);
    let secs = reported_for.as_secs_f64().max(1e-9);
    say(&format!(
        "done after {:.1} s of reporting (sockets: peak): {}",
        secs,
        progress_line(
            started.elapsed().as_secs_f64(),
            &s,
            &Snapshot::default(),
            secs,
            (!args.http).then_some(n)
        )
    ));
    let lat = stats.latency();
    say(&format!(
        "ack latency of positions: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} acks; {} later than {} s",
        lat.p50.as_secs_f64() * 1e3,
        lat.p99.as_secs_f64() * 1e3,
        lat.max.as_secs_f64() * 1e3,
        lat.count,
        s.late,
        stats::LATE_AFTER.as_secs()
    ));
    let codes = stats.codes();
    if !codes.is_empty() {
        let list: Vec<String> = codes.iter().map(|(k, v)| format!("{k} x{v}")).collect();
        say(&format!("failures: {}", list.join(", ")));
    }
    let clean = s.rejected == 0 && s.lost == 0 && s.unsent == 0 && (n == 0 || s.sent > 0);
    say(if clean {
        "result: ok"
    } else {
        "result: FAILED (reports rejected, lost or unsent)"
    });
    Ok(clean)
}
