//! Client events → UI events. Positions are coalesced: the latest per vehicle, flushed at most
//! ten times a second over the positions channel (`positions.rs`), so 10,000 vehicles
//! reporting at 1 Hz cost the webview ten messages a second, not ten thousand. The online
//! list is refreshed at most twice a second.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use opsdeck_client::{ClientEvent, EventStream};
use opsdeck_protocol::fleet::VehicleLocation;
use tauri::{AppHandle, Emitter};

use crate::mirror::UiEvent;
use crate::shell::Shell;
use crate::types::Positions;

/// Minimum time between two `fleet://positions`.
pub const POSITIONS_EVERY: Duration = Duration::from_millis(100);
/// Minimum time between two `presence://list`.
const PRESENCE_EVERY: Duration = Duration::from_millis(500);

/// Latest position per vehicle since the last flush.
#[derive(Debug, Default)]
pub struct Coalescer {
    pending: HashMap<String, VehicleLocation>,
}

impl Coalescer {
    /// Keeps `l` (replacing an older position of the same vehicle).
    pub fn push(&mut self, l: VehicleLocation) {
        self.pending.insert(l.vehicle_id.clone(), l);
    }

    /// Takes what is pending; `None` when nothing is.
    pub fn flush(&mut self) -> Option<Positions> {
        if self.pending.is_empty() {
            return None;
        }
        Some(Positions {
            updates: self.pending.drain().map(|(_, l)| l).collect(),
        })
    }
}

/// Runs until the event stream ends (the session was replaced or the app quits).
pub async fn run(app: AppHandle, shell: Arc<Shell>, mut events: EventStream) {
    let mut positions = Coalescer::default();
    let mut presence_dirty = false;
    let mut chat = crate::chat::ChatRelay::default();
    let alerts = crate::alerts_sync::AlertsSync::start(app.clone(), shell.clone());
    let mut tick = tokio::time::interval(POSITIONS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut presence_tick = tokio::time::interval(PRESENCE_EVERY);
    loop {
        tokio::select! {
            ev = events.recv() => {
                let Some(ev) = ev else { break };
                if let ClientEvent::State(opsdeck_client::ConnectionState::Connected { .. }) = &ev {
                    alerts.connected();
                }
                match ev {
                    ClientEvent::State(_) | ClientEvent::Latency(_) => {
                        shell.on_state_change(&app).await;
                    }
                    ClientEvent::Server(ev) => {
                        if let Some(c) = chat.translate(&ev) {
                            c.emit(&app);
                        }
                        alerts.observe(&app, &shell, &ev);
                        let out = shell.mirror(|m| m.apply(ev));
                        for ui in out {
                            match ui {
                                UiEvent::Position(l) => positions.push(l),
                                UiEvent::PresenceChanged => presence_dirty = true,
                                other => emit(&app, other),
                            }
                        }
                    }
                    ClientEvent::CaughtUp(report) => {
                        tracing::info!(?report, "caught up after reconnect");
                    }
                    ClientEvent::SubscriptionFailed { subscription, error } => {
                        tracing::warn!(?subscription, %error, "subscription failed");
                    }
                }
            }
            _ = tick.tick() => {
                if let Some(p) = positions.flush() {
                    shell.positions.send(p);
                }
            }
            _ = presence_tick.tick(), if presence_dirty => {
                presence_dirty = false;
                shell.refresh_presence(&app).await;
            }
        }
    }
}

fn emit(app: &AppHandle, ev: UiEvent) {
    let _ = match ev {
        UiEvent::Kpi(m) => app.emit("kpi://update", m),
        UiEvent::Dashboard(d) => app.emit("kpi://dashboard", d),
        UiEvent::Vehicle(v) => app.emit("fleet://vehicle", v),
        UiEvent::Trip(t) => app.emit("fleet://trip", t),
        UiEvent::Notification(n) => app.emit("notify://new", n),
        UiEvent::Count(c) => app.emit("notify://count", c),
        UiEvent::Position(_) | UiEvent::PresenceChanged => Ok(()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn loc(id: &str, lat: f64) -> VehicleLocation {
        serde_json::from_value(json!({
            "vehicleId": id, "location": {"lat": lat, "lng": 46.7, "ts": "2026-01-01T00:00:05Z"}
        }))
        .unwrap()
    }

    #[test]
    fn keeps_the_latest_position_per_vehicle() {
        let mut c = Coalescer::default();
        assert!(c.flush().is_none());
        for i in 0..1000 {
            c.push(loc(&format!("V-{}", i % 10), f64::from(i)));
        }
        let mut p = c.flush().unwrap().updates;
        p.sort_by(|a, b| a.vehicle_id.cmp(&b.vehicle_id));
        assert_eq!(p.len(), 10);
        assert_eq!(p[0].vehicle_id, "V-0");
        assert_eq!(p[0].location.lat, 990.0);
        assert!(c.flush().is_none(), "nothing twice");
    }
}
