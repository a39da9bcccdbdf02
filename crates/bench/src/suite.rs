//! `opsdeck-bench all`: every scenario against both servers, then BENCHMARKS.md and the chart.

use std::time::Duration;

use serde_json::json;

use crate::scenarios::{self, Ctx, broadcast, slow, tracking};
use crate::servers::{Kind, load_average};
use crate::table::{Record, text};

/// The sizes of one suite run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `connections` sizes.
    pub connections: Vec<usize>,
    /// `broadcast` subscriber counts, broadcasts per phase.
    pub broadcast: Vec<(usize, usize)>,
    /// `tracking` runs.
    pub tracking: Vec<tracking::Params>,
    /// `slow-consumers` runs.
    pub slow: Vec<slow::Params>,
    /// `desktop` vehicles (none: skipped).
    pub desktop: Option<usize>,
}

impl Plan {
    /// The full run for BENCHMARKS.md, or the CI smoke run.
    pub fn new(quick: bool, desktop: Option<usize>) -> Self {
        if quick {
            return Self {
                connections: vec![200],
                broadcast: vec![(100, 5)],
                tracking: vec![
                    tracking::Params {
                        vehicles: 100,
                        hz: 2.0,
                        dashboards: 2,
                        batch_ms: None,
                        seconds: 3,
                    },
                    tracking::Params {
                        vehicles: 100,
                        hz: 2.0,
                        dashboards: 2,
                        batch_ms: Some(200),
                        seconds: 3,
                    },
                ],
                slow: vec![slow::Params {
                    n: 50,
                    slow: 5,
                    rate: 10.0,
                    payload: 16 * 1024,
                    seconds: 4,
                }],
                desktop,
            };
        }
        Self {
            connections: vec![1_000, 5_000, 10_000, 19_000],
            broadcast: vec![(1_000, 20), (5_000, 20), (10_000, 20)],
            tracking: vec![
                tracking::Params {
                    vehicles: 2_000,
                    hz: 1.0,
                    dashboards: 5,
                    batch_ms: None,
                    seconds: 15,
                },
                tracking::Params {
                    vehicles: 10_000,
                    hz: 1.0,
                    dashboards: 20,
                    batch_ms: Some(500),
                    seconds: 20,
                },
            ],
            slow: vec![slow::Params {
                n: 500,
                slow: 20,
                rate: 20.0,
                payload: 16 * 1024,
                seconds: 20,
            }],
            desktop,
        }
    }
}

/// Count checks for the smoke run (no timing): every socket connected, nothing lost.
pub fn check(r: &Record) -> Vec<String> {
    let zero = |key: &str| match r.num(key) {
        Some(v) if v != 0.0 => Some(format!(
            "{} {}: {key} = {v}",
            r.scenario,
            r.get("server").map(|s| s.to_string()).unwrap_or_default()
        )),
        _ => None,
    };
    let mut problems: Vec<String> = [
        "failed",
        "dropped while idle",
        "lost",
        "post errors",
        "closed",
        "no ack",
        "rejected",
        "lost (readers)",
        "readers closed",
    ]
    .iter()
    .filter_map(|k| zero(k))
    .collect();
    if r.scenario == "tracking" {
        if r.num("updates received").unwrap_or(0.0) == 0.0 {
            problems.push(format!(
                "tracking {:?}: no update reached a dashboard",
                r.get("server")
            ));
        }
        if r.get("batch ms") == Some(&json!("live")) && r.num("missing %").unwrap_or(0.0) > 0.0 {
            problems.push(format!(
                "tracking {:?}: live updates dropped",
                r.get("server")
            ));
        }
    }
    problems
}

/// Runs the plan against `servers`; records of the scenarios that ran, and the errors.
pub async fn run(ctx: &Ctx, plan: &Plan, servers: &[Kind]) -> (Vec<Record>, Vec<String>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut keep = |name: String, r: anyhow::Result<Record>, records: &mut Vec<Record>| match r {
        Ok(r) => {
            tracing::info!("{name}: done (load {})", load_average());
            eprint!("{}", text(std::slice::from_ref(&r)));
            records.push(r);
        }
        Err(e) => {
            tracing::error!("{name}: {e:#}");
            errors.push(format!("{name}: {e:#}"));
        }
    };
    for &n in &plan.connections {
        for &k in servers {
            keep(
                format!("connections {n} {k:?}"),
                scenarios::connections::run(ctx, k, n).await,
                &mut records,
            );
        }
    }
    for &(n, count) in &plan.broadcast {
        for &k in servers {
            let p = broadcast::Params {
                n,
                count,
                interval: Duration::from_millis(200),
            };
            keep(
                format!("broadcast {n} {k:?}"),
                broadcast::run(ctx, k, p).await,
                &mut records,
            );
        }
    }
    for p in &plan.tracking {
        for &k in servers {
            keep(
                format!("tracking {} {k:?}", p.vehicles),
                tracking::run(ctx, k, *p).await,
                &mut records,
            );
        }
    }
    for p in &plan.slow {
        for &k in servers {
            keep(
                format!("slow-consumers {} {k:?}", p.n),
                slow::run(ctx, k, *p).await,
                &mut records,
            );
        }
    }
    if let Some(v) = plan.desktop {
        keep(
            format!("desktop {v}"),
            scenarios::desktop::run(ctx, v).await,
            &mut records,
        );
    }
    (records, errors)
}

/// The machine line of BENCHMARKS.md.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("PRETTY_NAME=")
                .map(|s| s.trim_matches('"').to_owned())
        })
        .unwrap_or_default();
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "{cores} vCPU ({model}), {:.0} GiB RAM, {os}, Node {node}",
        mem_kib as f64 / 1024.0 / 1024.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke_checks_counts_not_timings() {
        let mut ok = Record::new("broadcast");
        ok.set("server", "node")
            .set("failed", 0)
            .set("lost", 0)
            .set("p99 ms", 900.0);
        assert!(check(&ok).is_empty(), "a slow run with no loss passes");
        let mut lossy = ok.clone();
        lossy.set("lost", 3);
        let problems = check(&lossy);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("lost = 3"));
        let mut track = Record::new("tracking");
        track
            .set("server", "opsdeck")
            .set("batch ms", "live")
            .set("updates received", 0)
            .set("missing %", 5.0);
        assert_eq!(
            check(&track).len(),
            2,
            "nothing received, and live updates dropped"
        );
    }

    #[test]
    fn quick_plan_is_small() {
        let quick = Plan::new(true, None);
        assert!(quick.connections.iter().all(|&n| n <= 1000));
        assert!(quick.tracking.iter().all(|p| p.seconds <= 5));
        assert!(quick.desktop.is_none());
        let full = Plan::new(false, Some(10_000));
        assert!(
            full.connections.iter().all(|&n| n < 20_000),
            "open-files limit"
        );
    }
}
