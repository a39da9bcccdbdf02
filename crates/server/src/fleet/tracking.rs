//! Live tracking fan-out (PROTOCOL.md §5 `subscribe:tracking`).
//!
//! Sockets without `batchMs` are in room `tracking:live` and get one `tracking:update` per
//! position. Sockets with `batchMs` join `tracking:batch:{ms}`; all sockets sharing an
//! interval share one [`Group`]: one map of the latest position per vehicle, one serialisation
//! and one broadcast per interval, however many dashboards watch. A group ends when its room
//! is empty. Every tracking socket is also in `tracking` (trip, emergency, geofence events).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{Location, TrackingBatch, VehicleLocation};

use crate::state::App;

/// Room of unbatched tracking subscribers.
pub const LIVE_ROOM: &str = "tracking:live";

/// Room of the sockets batching at `ms`.
pub fn batch_room(ms: u32) -> String {
    format!("tracking:batch:{ms}")
}

/// Latest positions since the last batch of one interval.
#[derive(Debug, Default)]
struct Group {
    pending: Mutex<HashMap<String, Location>>,
}

/// Every batching group, by interval in milliseconds.
#[derive(Debug, Default)]
pub struct Tracking {
    groups: Mutex<HashMap<u32, Arc<Group>>>,
}

impl Tracking {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Arc<Group>>> {
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a position for every batching group (latest per vehicle wins).
    pub fn record(&self, vehicle_id: &str, location: &Location) {
        let groups: Vec<Arc<Group>> = self.lock().values().cloned().collect();
        for g in groups {
            g.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(vehicle_id.to_owned(), location.clone());
        }
    }

    /// Ensures a group for `ms` exists, starting its ticker if it is new.
    pub fn ensure_group(&self, app: &App, ms: u32) {
        let mut groups = self.lock();
        if groups.contains_key(&ms) {
            return;
        }
        let group = Arc::new(Group::default());
        groups.insert(ms, group.clone());
        tokio::spawn(run_group(app.clone(), ms, group));
    }

    /// Number of active batching groups.
    pub fn group_count(&self) -> usize {
        self.lock().len()
    }
}

/// Takes the pending positions of a group, oldest vehicle order irrelevant.
fn drain(group: &Group) -> Vec<VehicleLocation> {
    let pending = std::mem::take(&mut *group.pending.lock().unwrap_or_else(|p| p.into_inner()));
    pending
        .into_iter()
        .map(|(vehicle_id, location)| VehicleLocation {
            vehicle_id,
            location,
        })
        .collect()
}

async fn run_group(app: App, ms: u32, group: Arc<Group>) {
    let room = batch_room(ms);
    let mut tick = tokio::time::interval(Duration::from_millis(u64::from(ms)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        if app.room_size(vec![room.clone()]) == 0 {
            // Nobody batches at this interval any more. Remove the group under the lock and
            // re-check, so a socket joining right now finds either this group or a new one.
            let mut groups = app.fleet.tracking.lock();
            if app.room_size(vec![room.clone()]) == 0 {
                groups.remove(&ms);
                return;
            }
        }
        let updates = drain(&group);
        if updates.is_empty() {
            continue;
        }
        let batch = TrackingBatch {
            updates,
            timestamp: crate::store::now(),
        };
        app.emit_rooms(vec![room.clone()], events::TRACKING_BATCH, &batch)
            .await;
    }
}
