//! `opsdeck-bench`: a load generator holding many Socket.IO connections cheaply, and the
//! scenarios of issue #7 run side by side against `opsdeck-server` and a Node.js socket.io
//! peer (`bench/node-peer`). Loopback only; bounded by `--max-seconds`.

mod chart;
mod client;
mod eio;
mod report;
mod scenarios;
mod servers;
mod stats;
mod suite;
mod table;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::{Parser, Subcommand};

use scenarios::{Ctx, broadcast, slow, tracking};
use servers::{Kind, Paths};
use table::Record;

/// Benchmarks of opsdeck-server against a Node.js socket.io peer, on this machine.
#[derive(Debug, Parser)]
#[command(name = "opsdeck-bench", version, about)]
struct Cli {
    /// Print the results as JSON (one array) instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// Stop every scenario after this many seconds in all.
    #[arg(long, global = true, default_value_t = 1800)]
    max_seconds: u64,
    /// Servers to measure.
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        default_value = "opsdeck,node"
    )]
    servers: Vec<Kind>,
    /// Workspace root [default: the current directory or this crate's workspace].
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// opsdeck-server binary [default: ROOT/target/release/opsdeck-server].
    #[arg(long, global = true)]
    server_bin: Option<PathBuf>,
    /// Handshakes in flight at once.
    #[arg(long, global = true, default_value_t = 64)]
    parallel: usize,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// N authenticated idle sockets: server RSS per connection, connect rate.
    Connections {
        /// Sockets (at most the open-files limit of this process and the server's).
        #[arg(long, default_value_t = 1000)]
        n: usize,
    },
    /// N subscribers, K paced and K back-to-back broadcasts: latency, deliveries/s, losses.
    Broadcast {
        /// Subscribers.
        #[arg(long, default_value_t = 1000)]
        n: usize,
        /// Broadcasts per phase.
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Pause between paced broadcasts, ms.
        #[arg(long, default_value_t = 200)]
        interval_ms: u64,
    },
    /// V devices at H Hz, S dashboards (live, or batched with --batch-ms).
    Tracking {
        /// Devices.
        #[arg(long, default_value_t = 1000)]
        vehicles: usize,
        /// Reports per second per device.
        #[arg(long, default_value_t = 1.0)]
        hz: f64,
        /// Dashboards.
        #[arg(long, default_value_t = 5)]
        dashboards: usize,
        /// Dashboards subscribe with this batchMs (50..5000); live updates without.
        #[arg(long)]
        batch_ms: Option<u32>,
        /// Measured seconds.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
    },
    /// K sockets that never read among N readers, during large broadcasts.
    SlowConsumers {
        /// Readers.
        #[arg(long, default_value_t = 500)]
        n: usize,
        /// Sockets that never read.
        #[arg(long, default_value_t = 20)]
        slow: usize,
        /// Broadcasts per second.
        #[arg(long, default_value_t = 20.0)]
        rate: f64,
        /// Payload padding per broadcast, bytes.
        #[arg(long, default_value_t = 16384)]
        payload: usize,
        /// Seconds of broadcasting.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// The desktop app with V simulated vehicles (tests/e2e/bench/frames.mjs).
    Desktop {
        /// Vehicles.
        #[arg(long, default_value_t = 1000)]
        vehicles: usize,
    },
    /// Every scenario against both servers; rewrites BENCHMARKS.md and docs/bench-scaling.png.
    All {
        /// Small sizes and a few seconds per scenario (the CI smoke run).
        #[arg(long)]
        quick: bool,
        /// Do not rewrite BENCHMARKS.md and the chart.
        #[arg(long)]
        no_write: bool,
        /// Exit non-zero when a count check fails (a socket not connected, a loss).
        #[arg(long)]
        check: bool,
        /// Also run the desktop scenario with this many vehicles.
        #[arg(long)]
        desktop_vehicles: Option<usize>,
    },
}

fn emit(cli: &Cli, records: &[Record]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if cli.json {
        writeln!(out, "{}", serde_json::to_string_pretty(records)?)?;
    } else {
        let mut scenarios: Vec<&str> = records.iter().map(|r| r.scenario.as_str()).collect();
        scenarios.dedup();
        for s in scenarios {
            let recs: Vec<Record> = records
                .iter()
                .filter(|r| r.scenario == s)
                .cloned()
                .collect();
            write!(out, "\n{s}\n{}", table::text(&recs))?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "opsdeck_bench=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let ctx = Ctx {
        paths: Paths::resolve(cli.root.clone(), cli.server_bin.clone())?,
        deadline: Instant::now() + Duration::from_secs(cli.max_seconds),
        parallel: cli.parallel,
    };
    let mut records = Vec::new();
    match &cli.command {
        Cmd::Connections { n } => {
            for &k in &cli.servers {
                records.push(scenarios::connections::run(&ctx, k, *n).await?);
            }
        }
        Cmd::Broadcast {
            n,
            count,
            interval_ms,
        } => {
            let p = broadcast::Params {
                n: *n,
                count: *count,
                interval: Duration::from_millis(*interval_ms),
            };
            for &k in &cli.servers {
                records.push(broadcast::run(&ctx, k, p).await?);
            }
        }
        Cmd::Tracking {
            vehicles,
            hz,
            dashboards,
            batch_ms,
            seconds,
        } => {
            if let Some(b) = batch_ms
                && !(50..=5000).contains(b)
            {
                bail!("--batch-ms must be 50..5000");
            }
            let p = tracking::Params {
                vehicles: *vehicles,
                hz: *hz,
                dashboards: *dashboards,
                batch_ms: *batch_ms,
                seconds: *seconds,
            };
            for &k in &cli.servers {
                records.push(tracking::run(&ctx, k, p).await?);
            }
        }
        Cmd::SlowConsumers {
            n,
            slow,
            rate,
            payload,
            seconds,
        } => {
            let p = slow::Params {
                n: *n,
                slow: *slow,
                rate: *rate,
                payload: *payload,
                seconds: *seconds,
            };
            for &k in &cli.servers {
                records.push(slow::run(&ctx, k, p).await?);
            }
        }
        Cmd::Desktop { vehicles } => {
            records.push(scenarios::desktop::run(&ctx, *vehicles).await?);
        }
        Cmd::All {
            quick,
            no_write,
            check,
            desktop_vehicles,
        } => {
            let plan = suite::Plan::new(*quick, *desktop_vehicles);
            let load_before = servers::load_average();
            let started = chrono::Utc::now();
            let (recs, errors) = suite::run(&ctx, &plan, &cli.servers).await;
            records = recs;
            emit(&cli, &records)?;
            if !*no_write {
                let mut command = String::from("all");
                if *quick {
                    command.push_str(" --quick");
                }
                if let Some(v) = desktop_vehicles {
                    command.push_str(&format!(" --desktop-vehicles {v}"));
                }
                write_report(&ctx, &records, &command, &load_before, started)?;
            }
            let mut problems = errors;
            if *check {
                problems.extend(records.iter().flat_map(suite::check));
            }
            if !problems.is_empty() {
                for p in &problems {
                    tracing::error!("{p}");
                }
                bail!("{} problem(s)", problems.len());
            }
            return Ok(());
        }
    }
    emit(&cli, &records)
}

fn write_report(
    ctx: &Ctx,
    records: &[Record],
    command: &str,
    load_before: &str,
    started: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let root = &ctx.paths.root;
    let chart_rel = "docs/bench-scaling.png";
    std::fs::create_dir_all(root.join("docs"))?;
    chart::draw(records, &root.join(chart_rel))?;
    // The desktop scenario measures the app OPSDECK_APP_BIN names (the debug build if unset).
    let release_app = std::env::var("OPSDECK_APP_BIN").is_ok_and(|p| p.contains("/release/"));
    let (app, build, env) = if release_app {
        (
            "release",
            " -p opsdeck",
            "OPSDECK_APP_BIN=$PWD/target/release/opsdeck \\\n  ",
        )
    } else {
        ("debug", "", "")
    };
    let header = format!(
        "## Side by side: opsdeck-server vs the Node.js socket.io peer\n\n\
         Run `opsdeck-bench {command}` on {} UTC: {}; load average {} at the start, {} at the \
         end (other engineers' builds share the machine). Release build of opsdeck-server, \
         {app} build of the desktop app, Node peer from `bench/node-peer` (socket.io 4.8.1), \
         load generator on the same machine over loopback. Latencies are send → receipt at \
         the load generator.\n\n\
         ```sh\ncargo build --release -p opsdeck-server -p opsdeck-bench{build}\n\
         {env}target/release/opsdeck-bench {command}\n```",
        started.format("%Y-%m-%d %H:%M"),
        suite::machine(),
        load_before,
        servers::load_average(),
    );
    let generated = report::render(records, &header, Some(chart_rel));
    let path = root.join("BENCHMARKS.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&path, report::splice(&doc, &generated))?;
    tracing::info!("wrote {} and {chart_rel}", path.display());
    Ok(())
}
