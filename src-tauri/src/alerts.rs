//! The alert feed (PROTOCOL.md §5, alerts), pure: what the app knows of the server's alerts,
//! in feed order, and which server events mean "the list changed".
//!
//! The server keeps every emergency, low-fuel, geofence and KPI-critical event as an alert,
//! but it has no single "alert raised" event for subscribers: `emergency:alert` carries the
//! alert id, `geofence:alert` and `vehicle:low-fuel` do not (and `vehicle:low-fuel` goes to
//! `role:dispatcher` only, so an admin never hears it), and KPI alerts arrive as a
//! notification with `data.alertId`. So any of those, or the `fleet` module's
//! `alertsLastHour` KPI going up (the server's own count of raised alerts, every 2 s), makes
//! the app re-list (`alerts_sync.rs`, debounced). `alert:acked` is applied as it comes.

use std::cmp::Ordering;
use std::collections::HashMap;

use opsdeck_client::ServerEvent;
use opsdeck_protocol::fleet::{Alert, AlertAcked, AlertPriority};
use opsdeck_protocol::kpi::fleet_keys;

/// What a server event means for the alert feed.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// Alerts may have been raised: re-list (debounced).
    Relist,
    /// Someone acknowledged an alert.
    Acked(AlertAcked),
    /// A crossing of a geofence the app may not know yet.
    Geofence(String),
}

/// Feed order: critical before high, then newest first (then by id, for a stable order).
pub fn feed_order(a: &Alert, b: &Alert) -> Ordering {
    rank(b.priority)
        .cmp(&rank(a.priority))
        .then_with(|| b.created_at.cmp(&a.created_at))
        .then_with(|| b.id.cmp(&a.id))
}

fn rank(p: AlertPriority) -> u8 {
    match p {
        AlertPriority::Critical => 1,
        AlertPriority::High => 0,
    }
}

/// Whether an alert counts for the tray badge and the OS notification.
pub fn is_unacked_critical(a: &Alert) -> bool {
    a.priority == AlertPriority::Critical && a.acked_at.is_none()
}

/// The alerts known now, by id.
#[derive(Debug, Default)]
pub struct AlertBook {
    by_id: HashMap<String, Alert>,
    loaded: bool,
    last_hour: Option<f64>,
}

impl AlertBook {
    /// Whether a list was loaded since the app connected to this server.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    /// Replaces the book with a fresh listing. An acknowledgement the book already has wins
    /// over a listing without it (a listing may have been read just before the ack; acks are
    /// final). Returns the unacknowledged critical alerts new since the previous listing
    /// (none on the first one: those were raised before the app was looking).
    pub fn replace(&mut self, alerts: Vec<Alert>) -> Vec<Alert> {
        let first = !self.loaded;
        let mut fresh = Vec::new();
        let mut next = HashMap::with_capacity(alerts.len());
        for mut a in alerts {
            match self.by_id.get(&a.id) {
                Some(old) if a.acked_at.is_none() && old.acked_at.is_some() => {
                    a.acked_at = old.acked_at;
                    a.acked_by = old.acked_by.clone();
                }
                Some(_) => {}
                None if !first && is_unacked_critical(&a) => fresh.push(a.clone()),
                None => {}
            }
            next.insert(a.id.clone(), a);
        }
        self.by_id = next;
        self.loaded = true;
        fresh.sort_by(feed_order);
        fresh
    }

    /// Applies `alert:acked`; the updated alert, or `None` if unknown or already acked.
    pub fn ack(&mut self, ack: &AlertAcked) -> Option<Alert> {
        let a = self.by_id.get_mut(&ack.alert_id)?;
        if a.acked_at.is_some() {
            return None;
        }
        a.acked_at = Some(ack.acked_at);
        a.acked_by = Some(ack.acked_by.clone());
        Some(a.clone())
    }

    /// Every alert in [`feed_order`].
    pub fn feed(&self) -> Vec<Alert> {
        let mut v: Vec<Alert> = self.by_id.values().cloned().collect();
        v.sort_by(feed_order);
        v
    }

    /// How many critical alerts nobody acknowledged (the tray badge).
    pub fn unacked_critical(&self) -> u32 {
        let n = self
            .by_id
            .values()
            .filter(|a| is_unacked_critical(a))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// What `ev` means for the feed, if anything.
    pub fn signal(&mut self, ev: &ServerEvent) -> Option<Signal> {
        match ev {
            ServerEvent::AlertAcked(a) => Some(Signal::Acked(a.clone())),
            ServerEvent::EmergencyAlert(_) | ServerEvent::LowFuel(_) => Some(Signal::Relist),
            ServerEvent::GeofenceAlert(g) => Some(Signal::Geofence(g.geofence_id.clone())),
            ServerEvent::NotificationNew(n) | ServerEvent::NotificationBroadcast(n) => n
                .data
                .as_ref()
                .and_then(|d| d.get("alertId"))
                .map(|_| Signal::Relist),
            ServerEvent::KpiUpdate { module, kpis } if module == "fleet" => {
                let k = kpis
                    .iter()
                    .find(|k| k.key == fleet_keys::ALERTS_LAST_HOUR)?;
                let before = self.last_hour.replace(k.value);
                (before.is_some_and(|b| k.value > b)).then_some(Signal::Relist)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn alert(id: &str, priority: &str, at: &str) -> Alert {
        serde_json::from_value(json!({
            "id": id, "kind": "emergency", "priority": priority, "vehicleId": "V-1",
            "message": "m", "createdAt": at
        }))
        .unwrap()
    }

    fn acked(id: &str, by: &str) -> AlertAcked {
        serde_json::from_value(json!({
            "alertId": id, "ackedBy": {"id": by, "name": by.to_uppercase()},
            "ackedAt": "2026-01-01T00:10:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn critical_first_then_newest_first() {
        let mut b = AlertBook::default();
        b.replace(vec![
            alert("h-old", "high", "2026-01-01T00:00:01Z"),
            alert("c-old", "critical", "2026-01-01T00:00:02Z"),
            alert("h-new", "high", "2026-01-01T00:00:09Z"),
            alert("c-new", "critical", "2026-01-01T00:00:05Z"),
        ]);
        let ids: Vec<String> = b.feed().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["c-new", "c-old", "h-new", "h-old"]);
        assert_eq!(b.unacked_critical(), 2);
    }

    #[test]
    fn new_critical_alerts_are_reported_after_the_first_listing_only() {
        let mut b = AlertBook::default();
        assert!(!b.loaded());
        let first = b.replace(vec![alert("c1", "critical", "2026-01-01T00:00:01Z")]);
        assert!(first.is_empty(), "old alerts do not pop up at start");
        let next = b.replace(vec![
            alert("c1", "critical", "2026-01-01T00:00:01Z"),
            alert("c2", "critical", "2026-01-01T00:00:02Z"),
            alert("h1", "high", "2026-01-01T00:00:03Z"),
        ]);
        let ids: Vec<&str> = next.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["c2"]);
    }

    #[test]
    fn acks_apply_once_and_survive_a_stale_listing() {
        let mut b = AlertBook::default();
        b.replace(vec![alert("c1", "critical", "2026-01-01T00:00:01Z")]);
        let a = b.ack(&acked("c1", "dana")).expect("applied");
        assert_eq!(a.acked_by.unwrap().name, "DANA");
        assert!(
            b.ack(&acked("c1", "eve")).is_none(),
            "the first ack is kept"
        );
        assert!(b.ack(&acked("nope", "eve")).is_none());
        assert_eq!(b.unacked_critical(), 0);
        // A listing read before the ack must not undo it.
        b.replace(vec![alert("c1", "critical", "2026-01-01T00:00:01Z")]);
        assert_eq!(b.feed()[0].acked_by.as_ref().unwrap().id, "dana");
        assert_eq!(b.unacked_critical(), 0);
    }

    fn kpi(value: f64) -> ServerEvent {
        ServerEvent::KpiUpdate {
            module: "fleet".into(),
            kpis: vec![
                serde_json::from_value(json!({
                    "key": "alertsLastHour", "label": "Alerts", "value": value,
                    "status": "ok", "updatedAt": "2026-01-01T00:00:00Z"
                }))
                .unwrap(),
            ],
        }
    }

    #[test]
    fn signals() {
        let mut b = AlertBook::default();
        assert_eq!(b.signal(&kpi(3.0)), None, "first value is the baseline");
        assert_eq!(b.signal(&kpi(3.0)), None);
        assert_eq!(b.signal(&kpi(4.0)), Some(Signal::Relist));
        assert_eq!(b.signal(&kpi(2.0)), None, "alerts ageing out");
        let low: opsdeck_protocol::fleet::LowFuel =
            serde_json::from_value(json!({"vehicleId": "V-1", "fuelLevel": 9.0})).unwrap();
        assert_eq!(b.signal(&ServerEvent::LowFuel(low)), Some(Signal::Relist));
        let g: opsdeck_protocol::fleet::GeofenceAlert = serde_json::from_value(json!({
            "vehicleId": "V-1", "geofenceId": "g1", "event": "enter",
            "location": {"lat": 1.0, "lng": 2.0, "ts": "2026-01-01T00:00:00Z"}
        }))
        .unwrap();
        assert_eq!(
            b.signal(&ServerEvent::GeofenceAlert(g)),
            Some(Signal::Geofence("g1".into()))
        );
        assert_eq!(
            b.signal(&ServerEvent::AlertAcked(acked("a", "x"))),
            Some(Signal::Acked(acked("a", "x")))
        );
    }
}
