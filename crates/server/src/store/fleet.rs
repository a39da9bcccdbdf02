//! Fleet persistence (PROTOCOL.md §5): vehicles with their latest state, location history in
//! batches, trips and geofences.

use opsdeck_protocol::fleet::{Geofence, Location, Trip, Vehicle, VehicleStatus};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{Store, from_text, to_text};
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

/// Rows per INSERT statement (7 binds each, well under SQLite's variable limit).
const HISTORY_CHUNK: usize = 500;

impl Store {
    /// Inserts or replaces vehicles with their current state, in one transaction.
    pub async fn save_vehicles(&self, vehicles: &[Vehicle]) -> Result<(), ServerError> {
        if vehicles.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for v in vehicles {
            sqlx::query(
                "INSERT INTO vehicles
                   (id, plate_number, name, driver_id, status, fuel_level, trip_id, location,
                    last_update)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET plate_number = ?2, name = ?3, driver_id = ?4,
                   status = ?5, fuel_level = ?6, trip_id = ?7, location = ?8, last_update = ?9",
            )
            .bind(&v.id)
            .bind(&v.plate_number)
            .bind(&v.name)
            .bind(&v.driver_id)
            .bind(status_str(v.status))
            .bind(v.fuel_level)
            .bind(&v.trip_id)
            .bind(v.location.as_ref().map(json))
            .bind(to_text(v.last_update))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
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
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for chunk in rows.chunks(HISTORY_CHUNK) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO locations (vehicle_id, ts, lat, lng, speed, heading, accuracy) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(&r.vehicle_id)
                    .push_bind(r.location.ts.timestamp_millis())
                    .push_bind(r.location.lat)
                    .push_bind(r.location.lng)
                    .push_bind(r.location.speed)
                    .push_bind(r.location.heading)
                    .push_bind(r.location.accuracy);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
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

    /// Inserts or replaces trips.
    pub async fn save_trips(&self, trips: &[Trip]) -> Result<(), ServerError> {
        if trips.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for t in trips {
            let status = serde_json::to_value(t.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            sqlx::query(
                "INSERT INTO trips (id, vehicle_id, status, data) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET status = ?3, data = ?4",
            )
            .bind(&t.id)
            .bind(&t.vehicle_id)
            .bind(status)
            .bind(json(t))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
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
