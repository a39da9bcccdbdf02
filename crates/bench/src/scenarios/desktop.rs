//! `desktop`: the WebDriver measurement `tests/e2e/bench/frames.mjs` (the real app under Xvfb
//! with its embedded server and V simulated vehicles): frame p50/p95, RSS/PSS, CPU over the
//! measured window, and the cold start from launch to the first live KPI on screen.

use std::process::Stdio;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::process::Command;

use super::{Ctx, record};
use crate::servers::Kind;
use crate::table::Record;

/// The JSON line frames.mjs prints (`{"vehicles":...}`), if any.
pub fn parse_result(output: &str) -> Option<Value> {
    output.lines().find_map(|l| {
        let start = l.find("{\"vehicles\"")?;
        serde_json::from_str(&l[start..]).ok()
    })
}

/// Runs frames.mjs with `vehicles`; the app binary defaults to `target/debug/opsdeck`.
pub async fn run(ctx: &Ctx, vehicles: usize) -> anyhow::Result<Record> {
    let root = &ctx.paths.root;
    let app = std::env::var("OPSDECK_APP_BIN")
        .unwrap_or_else(|_| root.join("target/debug/opsdeck").display().to_string());
    if !std::path::Path::new(&app).is_file() {
        bail!("{app} not found: cargo build -p opsdeck");
    }
    let child = Command::new("bash")
        .arg(root.join(".ci/desktop-env.sh"))
        .args(["node", "--test", "--test-concurrency=1", "bench/frames.mjs"])
        .current_dir(root.join("tests/e2e"))
        .env("VEHICLES", vehicles.to_string())
        .env("OPSDECK_APP_BIN", &app)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting frames.mjs")?;
    let out = tokio::time::timeout(ctx.left(), child.wait_with_output())
        .await
        .context("frames.mjs: --max-seconds reached")??;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(v) = parse_result(&stdout) else {
        bail!(
            "frames.mjs printed no result (exit {:?}):\n{}\n{}",
            out.status.code(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let mut r = record("desktop", Kind::Opsdeck);
    r.set("vehicles", vehicles as u64)
        .set("frames in 20 s", v["frames"].clone())
        .set("frame p50 ms", v["p50"].clone())
        .set("frame p95 ms", v["p95"].clone())
        .set("frame p99 ms", v["p99"].clone())
        .set("app RSS MiB", v["appRssMB"].clone())
        .set("WebKit PSS MiB", v["webkitPssMB"].clone())
        .set(
            "total MiB",
            v["appRssMB"].as_f64().unwrap_or(0.0) + v["webkitPssMB"].as_f64().unwrap_or(0.0),
        )
        .set("cold start ms", v["coldStartMs"].clone())
        .set("app CPU %", v["appCpuPct"].clone())
        .set("WebKit CPU %", v["webkitCpuPct"].clone())
        .set("load avg", crate::servers::load_average());
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_result_line_among_test_output() {
        let out = "▶ measure\n123 /target/debug/opsdeck rss 1 pss 2\n{\"vehicles\":10,\"frames\":5,\"p50\":16.7,\"p95\":20}\n✔ measure (1ms)\n";
        let v = parse_result(out).expect("result");
        assert_eq!(v["frames"], 5);
        assert_eq!(parse_result("no json here"), None);
    }
}
