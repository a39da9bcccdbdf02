//! How long the fleet's bulk writes take on this machine: the 15-second snapshot of 10,000
//! vehicles and ten 1,000-row history batches, five rounds, in a temporary database.
//!
//! `cargo run --release -p opsdeck-server --example store_writes`
#![allow(clippy::print_stdout)] // printing the figures is the point

use std::time::Instant;

use opsdeck_protocol::fleet::{Location, Vehicle, VehicleStatus};
use opsdeck_server::store::Store;
use opsdeck_server::store::fleet::HistoryRow;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("writes.db")).await?;
    let now = chrono::Utc::now();
    let location = Location {
        lat: 24.7,
        lng: -46.6,
        speed: Some(30.0),
        heading: Some(90.0),
        accuracy: None,
        ts: now,
    };
    let vehicles: Vec<Vehicle> = (0..10_000)
        .map(|i| Vehicle {
            id: format!("V-{i:05}"),
            plate_number: format!("P{i}"),
            name: Some(format!("Truck {i}")),
            driver_id: None,
            status: VehicleStatus::Active,
            location: Some(location.clone()),
            fuel_level: Some(50.0),
            trip_id: None,
            last_update: now,
        })
        .collect();
    for round in 0..5 {
        let started = Instant::now();
        store.save_vehicles(&vehicles).await?;
        let snapshot = started.elapsed();
        let started = Instant::now();
        for batch in 0..10 {
            let ts = now + chrono::Duration::milliseconds(round * 10 + batch + 1);
            let rows: Vec<HistoryRow> = vehicles[..1000]
                .iter()
                .map(|v| HistoryRow {
                    vehicle_id: v.id.clone(),
                    location: Location {
                        ts,
                        ..location.clone()
                    },
                })
                .collect();
            store.append_history(&rows).await?;
        }
        let history = started.elapsed();
        println!(
            "round {round}: save_vehicles(10,000) {:.1} ms, 10 × append_history(1,000) {:.1} ms",
            snapshot.as_secs_f64() * 1e3,
            history.as_secs_f64() * 1e3
        );
    }
    store.close().await;
    Ok(())
}
