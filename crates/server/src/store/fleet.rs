//! Fleet persistence (PROTOCOL.md §5): vehicles with their latest state, location history in
//! batches, trips and geofences.

use opsdeck_protocol::fleet::{Geofence, Location, Trip, Vehicle, VehicleStatus};
use sqlx::Row;

use super::{Store, bulk, from_text, to_text};
use crate::error::ServerError;

/// One position to append to the history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// The vehicle.
    pub vehicle_id: String,
    /// The position.
    pub location: Location,
}

fn status_str(s: VehicleStatus) -> &'static str {
    match s {
        VehicleStatus::Active => "active",
        VehicleStatus::Idle => "idle",
        VehicleStatus::Offline => "offline",
        VehicleStatus::Maintenance => "maintenance",
        VehicleStatus::Emergency => "emergency",
    }
}

fn parse_status(s: &str) -> VehicleStatus {
    match s {
        "active" => VehicleStatus::Active,
        "idle" => VehicleStatus::Idle,
        "maintenance" => VehicleStatus::Maintenance,
        "emergency" => VehicleStatus::Emergency,
        _ => VehicleStatus::Offline,
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

impl Store {
    /// Inserts or replaces vehicles with their current state, in one transaction.
    pub async fn save_vehicles(&self, vehicles: &[Vehicle]) -> Result<(), ServerError> {
        bulk::insert_values(
            self.pool(),
            "INSERT INTO vehicles (id, plate_number, name, driver_id, status, fuel_level, \
             trip_id, location, last_update) ",
            " ON CONFLICT (id) DO UPDATE SET plate_number = excluded.plate_number, \
             name = excluded.name, driver_id = excluded.driver_id, status = excluded.status, \
             fuel_level = excluded.fuel_level, trip_id = excluded.trip_id, \
             location = excluded.location, last_update = excluded.last_update",
            vehicles,
            |b, v| {
                b.push_bind(v.id.clone())
                    .push_bind(v.plate_number.clone())
                    .push_bind(v.name.clone())
                    .push_bind(v.driver_id.clone())
                    .push_bind(status_str(v.status))
                    .push_bind(v.fuel_level)
                    .push_bind(v.trip_id.clone())
                    .push_bind(v.location.as_ref().map(json))
                    .push_bind(to_text(v.last_update));
            },
        )
        .await
    }

    /// Every vehicle with its last saved state.
    pub async fn load_vehicles(&self) -> Result<Vec<Vehicle>, ServerError> {
        let rows = sqlx::query("SELECT * FROM vehicles ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let location: Option<String> = r.try_get("location")?;
                Ok(Vehicle {
                    id: r.try_get("id")?,
                    plate_number: r.try_get("plate_number")?,
                    name: r.try_get("name")?,
                    driver_id: r.try_get("driver_id")?,
                    status: parse_status(&r.try_get::<String, _>("status")?),
                    location: location.and_then(|l| serde_json::from_str(&l).ok()),
                    fuel_level: r.try_get("fuel_level")?,
                    trip_id: r.try_get("trip_id")?,
                    last_update: from_text(&r.try_get::<String, _>("last_update")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(ServerError::from)
    }

    /// Appends positions to the history, in one transaction.
    pub async fn append_history(&self, rows: &[HistoryRow]) -> Result<(), ServerError> {
        bulk::insert_values(
            self.pool(),
            "INSERT INTO locations (vehicle_id, ts, lat, lng, speed, heading, accuracy) ",
            "",
            rows,
            |b, r| {
                let l = &r.location;
                b.push_bind(r.vehicle_id.clone())
                    .push_bind(l.ts.timestamp_millis())
                    .push_bind(l.lat)
                    .push_bind(l.lng)
                    .push_bind(l.speed)
                    .push_bind(l.heading)
                    .push_bind(l.accuracy);
            },
        )
        .await
    }

    /// The oldest `limit` positions of a vehicle within `[from_ms, to_ms]`, oldest first.
    pub async fn history(
        &self,
        vehicle_id: &str,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    ) -> Result<Vec<Location>, ServerError> {
        let rows = sqlx::query(
            "SELECT ts, lat, lng, speed, heading, accuracy FROM locations
             WHERE vehicle_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY ts LIMIT ?4",
        )
        .bind(vehicle_id)
        .bind(from_ms)
        .bind(to_ms)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Location {
                    lat: r.try_get("lat")?,
                    lng: r.try_get("lng")?,
                    speed: r.try_get("speed")?,
                    heading: r.try_get("heading")?,
                    accuracy: r.try_get("accuracy")?,
                    ts: chrono::DateTime::from_timestamp_millis(r.try_get("ts")?)
                        .unwrap_or_default(),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(ServerError::from)
    }

    /// Deletes positions older than `before_ms`; returns how many.
    pub async fn prune_history(&self, before_ms: i64) -> Result<u64, ServerError> {
        Ok(sqlx::query("DELETE FROM locations WHERE ts < ?1")
            .bind(before_ms)
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// Inserts or replaces trips, in one transaction.
    pub async fn save_trips(&self, trips: &[Trip]) -> Result<(), ServerError> {
        bulk::insert_values(
            self.pool(),
            "INSERT INTO trips (id, vehicle_id, status, data) ",
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data",
            trips,
            |b, t| {
                let status = serde_json::to_value(t.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                b.push_bind(t.id.clone())
                    .push_bind(t.vehicle_id.clone())
                    .push_bind(status)
                    .push_bind(json(t));
            },
        )
        .await
    }

    /// Open trips (to resume after a restart).
    pub async fn open_trips(&self) -> Result<Vec<Trip>, ServerError> {
        let rows = sqlx::query(
            "SELECT data FROM trips WHERE status IN ('scheduled', 'started', 'ongoing')",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("data").ok())
            .filter_map(|d| serde_json::from_str(&d).ok())
            .collect())
    }

    /// One trip, open or closed.
    pub async fn trip(&self, id: &str) -> Result<Option<Trip>, ServerError> {
        let row = sqlx::query("SELECT data FROM trips WHERE id = ?1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .and_then(|r| r.try_get::<String, _>("data").ok())
            .and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// Stores a geofence.
    pub async fn save_geofence(&self, g: &Geofence) -> Result<(), ServerError> {
        sqlx::query("INSERT OR REPLACE INTO geofences (id, data, created_at) VALUES (?1, ?2, ?3)")
            .bind(&g.id)
            .bind(json(g))
            .bind(super::now_text())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes a geofence; whether it existed.
    pub async fn delete_geofence(&self, id: &str) -> Result<bool, ServerError> {
        Ok(sqlx::query("DELETE FROM geofences WHERE id = ?1")
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            > 0)
    }

    /// Every geofence, oldest first.
    pub async fn load_geofences(&self) -> Result<Vec<Geofence>, ServerError> {
        let rows = sqlx::query("SELECT data FROM geofences ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("data").ok())
            .filter_map(|d| serde_json::from_str(&d).ok())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: &str, ms: i64, speed: Option<f64>) -> HistoryRow {
        HistoryRow {
            vehicle_id: id.into(),
            location: Location {
                lat: 24.713_456_789,
                lng: -46.675_123_4,
                speed,
                heading: speed.map(|_| 271.5),
                accuracy: None,
                ts: chrono::Utc.timestamp_millis_opt(ms).unwrap(),
            },
        }
    }

    #[tokio::test]
    async fn a_history_batch_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h.db")).await.unwrap();
        let rows: Vec<HistoryRow> = (0..1200)
            .map(|i| row("V-1", 1_733_000_000_000 + i, (i % 2 == 0).then_some(12.5)))
            .chain([row("V-\"2\"", 1_733_000_000_500, None)])
            .collect();
        store.append_history(&rows).await.unwrap();
        store.append_history(&[]).await.unwrap();
        let got = store
            .history("V-1", 1_733_000_000_000, 1_733_000_000_003, 10)
            .await
            .unwrap();
        let want: Vec<Location> = rows[..4].iter().map(|r| r.location.clone()).collect();
        assert_eq!(got, want);
        let all = store.history("V-1", 0, i64::MAX, 5000).await.unwrap();
        assert_eq!(all.len(), 1200);
        let quoted = store.history("V-\"2\"", 0, i64::MAX, 10).await.unwrap();
        assert_eq!(quoted, vec![rows[1200].location.clone()]);
        store.close().await;
    }

    fn vehicle(i: usize) -> Vehicle {
        let t = chrono::Utc.timestamp_millis_opt(1_733_000_000_000).unwrap();
        Vehicle {
            id: format!("V-{i:04}"),
            plate_number: format!("P {i}"),
            name: i.is_multiple_of(3).then(|| format!("Truck {i}")),
            driver_id: None,
            status: VehicleStatus::Active,
            location: i
                .is_multiple_of(2)
                .then(|| row("x", 1_733_000_000_000, Some(3.0)).location),
            fuel_level: Some(50.0),
            trip_id: None,
            last_update: t,
        }
    }

    #[tokio::test]
    async fn vehicles_saved_in_several_chunks_update_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("v.db")).await.unwrap();
        let mut vehicles: Vec<Vehicle> = (0..300).map(vehicle).collect();
        store.save_vehicles(&vehicles).await.unwrap();
        vehicles[0].name = Some("Renamed".into());
        vehicles[299].status = VehicleStatus::Emergency;
        vehicles[299].location = None;
        vehicles[299].driver_id = Some("u-7".into());
        store.save_vehicles(&vehicles[..1]).await.unwrap();
        store.save_vehicles(&vehicles[257..]).await.unwrap();
        assert_eq!(store.load_vehicles().await.unwrap(), vehicles);
        store.close().await;
    }
}
