//! Measures the cost of `Sim::step` for a large fleet reporting at 1 Hz.
//!
//! `cargo run --release -p opsdeck-sim --example step_cost -- [vehicles] [seconds]`
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use opsdeck_sim::{Sim, SimConfig, SimEvent};

fn main() {
    let mut args = std::env::args().skip(1);
    let vehicles: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seconds: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(600);
    let built = Instant::now();
    let mut sim = Sim::new(SimConfig {
        vehicles,
        ..SimConfig::default()
    })
    .expect("config");
    println!("built {vehicles} vehicles in {:?}", built.elapsed());
    let t0 = Utc::now();
    let mut out = Vec::new();
    let (mut total, mut worst, mut events) = (Duration::ZERO, Duration::ZERO, 0usize);
    let (mut trips, mut emergencies) = (0usize, 0usize);
    for i in 1..=seconds {
        out.clear();
        let now = t0 + TimeDelta::seconds(i64::from(i));
        let start = Instant::now();
        sim.step_into(now, Duration::from_secs(1), &mut out);
        let took = start.elapsed();
        total += took;
        worst = worst.max(took);
        events += out.len();
        trips += out
            .iter()
            .filter(|e| matches!(e, SimEvent::TripStart(_)))
            .count();
        emergencies += out
            .iter()
            .filter(|e| matches!(e, SimEvent::Emergency(_)))
            .count();
    }
    let mean = total / seconds;
    println!(
        "{seconds} steps of 1 s: mean {mean:?} per step ({:.2}% of one core at 1 Hz), \
         worst {worst:?}, {:.0} events per step, {trips} trips started, {emergencies} emergencies",
        mean.as_secs_f64() * 100.0,
        events as f64 / f64::from(seconds),
    );
}
