//! Keeps the alert feed ([`crate::alerts::AlertBook`], in the mirror) and the geofence list
//! in step with the server, and tells the UI (`alerts://list`, `alerts://acked`,
//! `alerts://unacked-critical`, `fleet://geofences`) and the OS (a notification per new
//! unacknowledged critical alert).
//!
//! One [`AlertsSync`] per session, owned by the bridge: it re-lists on (re)connect and,
//! debounced, whenever an event says alerts may have been raised ([`crate::alerts::Signal`]);
//! acks are applied at once. Geofences have no server event when created or deleted by
//! someone else, so the list is re-read on connect, after this app's own changes, when a
//! crossing names an unknown geofence, and every [`GEOFENCE_POLL`].

use std::sync::Arc;
use std::time::Duration;

use opsdeck_client::ServerEvent;
use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{
    Alert, AlertAcked, AlertKind, AlertListRequest, AlertRef, Geofence, GeofenceCreate,
};
use opsdeck_protocol::presence::Count;
use tauri::{AppHandle, Emitter};
use tokio::sync::mpsc;

use crate::alerts::Signal;
use crate::mirror::Mirror;
use crate::shell::Shell;

/// Quiet time before a re-list: a burst of events costs one listing.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// How often the geofence list is re-read while nothing else asks for it.
pub const GEOFENCE_POLL: Duration = Duration::from_secs(20);
/// Page size of the listings (the protocol's cap).
const PAGE: u32 = 200;

/// The `alerts://unacked-critical` event (payload `Count`), for the tray badge.
pub const UNACKED_CRITICAL_EVENT: &str = "alerts://unacked-critical";

enum Job {
    Alerts,
    Geofences,
}

/// The per-session sync task; stops when dropped.
pub struct AlertsSync {
    jobs: mpsc::Sender<Job>,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl Drop for AlertsSync {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl AlertsSync {
    /// Starts the task.
    pub fn start(app: AppHandle, shell: Arc<Shell>) -> Self {
        let (jobs, rx) = mpsc::channel(8);
        let task = tauri::async_runtime::spawn(run(app, shell, rx));
        Self { jobs, task }
    }

    fn ask(&self, job: Job) {
        // A full queue already holds a job that will do the same.
        let _ = self.jobs.try_send(job);
    }

    /// The connection is (again) up: reload both lists.
    pub fn connected(&self) {
        self.ask(Job::Alerts);
        self.ask(Job::Geofences);
    }

    /// Looks at one server event (before the mirror takes it).
    pub fn observe(&self, app: &AppHandle, shell: &Shell, ev: &ServerEvent) {
        let Some(signal) = shell.mirror(|m| m.alerts.signal(ev)) else {
            return;
        };
        match signal {
            Signal::Relist => self.ask(Job::Alerts),
            Signal::Acked(a) => {
                if !apply_ack(app, shell, &a) && !shell.mirror(|m| m.alerts.loaded()) {
                    self.ask(Job::Alerts);
                }
            }
            Signal::Geofence(id) => {
                self.ask(Job::Alerts);
                if !shell.mirror(|m| m.geofences.iter().any(|g| g.id == id)) {
                    self.ask(Job::Geofences);
                }
            }
        }
    }
}

async fn run(app: AppHandle, shell: Arc<Shell>, mut rx: mpsc::Receiver<Job>) {
    let mut poll = tokio::time::interval(GEOFENCE_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    poll.tick().await;
    loop {
        let job = tokio::select! {
            job = rx.recv() => match job { Some(j) => j, None => break },
            _ = poll.tick() => Job::Geofences,
        };
        let (mut alerts, mut fences) = (false, false);
        match job {
            Job::Alerts => alerts = true,
            Job::Geofences => fences = true,
        }
        if alerts {
            tokio::time::sleep(DEBOUNCE).await;
        }
        while let Ok(more) = rx.try_recv() {
            match more {
                Job::Alerts => alerts = true,
                Job::Geofences => fences = true,
            }
        }
        if alerts && let Err(e) = shell.reload_alerts(&app).await {
            tracing::debug!(error = %e, "alert list failed");
        }
        if fences && let Err(e) = shell.reload_geofences(&app).await {
            tracing::debug!(error = %e, "geofence list failed");
        }
    }
}

/// Applies an ack and tells the UI; false when it changed nothing.
fn apply_ack(app: &AppHandle, shell: &Shell, ack: &AlertAcked) -> bool {
    let Some((_, count)) = shell.mirror(|m| m.alerts.ack(ack).map(|a| (a, m.unacked_critical())))
    else {
        return false;
    };
    let _ = app.emit("alerts://acked", ack);
    let _ = app.emit(
        UNACKED_CRITICAL_EVENT,
        Count {
            count: count.into(),
        },
    );
    true
}

/// Newest alerts plus every unacknowledged one (an old unacked alert must not fall off).
fn merge(mut newest: Vec<Alert>, unacked: Vec<Alert>) -> Vec<Alert> {
    for a in unacked {
        if !newest.iter().any(|n| n.id == a.id) {
            newest.push(a);
        }
    }
    newest
}

/// The notification for a critical alert: title and body.
pub fn os_notification(a: &Alert) -> (String, String) {
    let what = match a.kind {
        AlertKind::Emergency => "Emergency",
        AlertKind::LowFuel => "Low fuel",
        AlertKind::Geofence => "Geofence",
        AlertKind::Kpi => "KPI critical",
    };
    let subject = a
        .vehicle_id
        .as_deref()
        .or(a.module_key.as_deref())
        .unwrap_or("");
    let title = if subject.is_empty() {
        format!("Critical alert: {what}")
    } else {
        format!("Critical alert: {what} · {subject}")
    };
    (title, a.message.clone())
}

fn notify_os(app: &AppHandle, a: &Alert) {
    use tauri_plugin_notification::NotificationExt;
    let (title, body) = os_notification(a);
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "cannot show a notification");
    }
}

impl Mirror {
    /// Critical alerts nobody acknowledged (the tray badge).
    pub fn unacked_critical(&self) -> u32 {
        self.alerts.unacked_critical()
    }
}

impl Shell {
    /// Critical alerts nobody acknowledged yet, for the tray badge; `alerts://unacked-critical`
    /// (payload `Count`) says when it changes.
    pub fn unacked_critical(&self) -> u32 {
        self.mirror(|m| m.unacked_critical())
    }

    /// Re-lists the alerts, tells the UI, notifies the OS of new critical ones; the feed.
    pub async fn reload_alerts(&self, app: &AppHandle) -> Result<Vec<Alert>, String> {
        let client = self.client()?;
        let page = |unacked_only| AlertListRequest {
            unacked_only,
            before: None,
            limit: Some(PAGE),
        };
        let newest = client.list_alerts(&page(None)).await.map_err(err)?;
        let unacked = client.list_alerts(&page(Some(true))).await.map_err(err)?;
        let (fresh, feed, count) = self.mirror(|m| {
            let fresh = m.alerts.replace(merge(newest.alerts, unacked.alerts));
            (fresh, m.alerts.feed(), m.unacked_critical())
        });
        let _ = app.emit("alerts://list", &feed);
        let _ = app.emit(
            UNACKED_CRITICAL_EVENT,
            Count {
                count: count.into(),
            },
        );
        for a in &fresh {
            notify_os(app, a);
        }
        Ok(feed)
    }

    /// Acknowledges an alert (`dispatcher`+) and applies it at once.
    pub async fn ack_alert(&self, app: &AppHandle, alert_id: String) -> Result<AlertAcked, String> {
        let client = self.client()?;
        let acked: AlertAcked = client
            .request(events::ALERT_ACK, &AlertRef::Object { alert_id })
            .await
            .map_err(err)?;
        apply_ack(app, self, &acked);
        Ok(acked)
    }

    /// Re-reads the geofences; tells the UI when they changed.
    pub async fn reload_geofences(&self, app: &AppHandle) -> Result<Vec<Geofence>, String> {
        let client = self.client()?;
        let list = client.list_geofences().await.map_err(err)?.geofences;
        let changed = self.mirror(|m| {
            let changed = m.geofences != list;
            m.geofences = list.clone();
            changed
        });
        if changed {
            let _ = app.emit("fleet://geofences", &list);
        }
        Ok(list)
    }

    /// Creates a geofence (`dispatcher`+); the new list.
    pub async fn create_geofence(
        &self,
        app: &AppHandle,
        request: GeofenceCreate,
    ) -> Result<Vec<Geofence>, String> {
        self.client()?
            .create_geofence(&request)
            .await
            .map_err(err)?;
        self.reload_geofences(app).await
    }

    /// Deletes a geofence (`dispatcher`+); the new list.
    pub async fn delete_geofence(
        &self,
        app: &AppHandle,
        id: &str,
    ) -> Result<Vec<Geofence>, String> {
        self.client()?.delete_geofence(id).await.map_err(err)?;
        self.reload_geofences(app).await
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn alert(id: &str, kind: &str, vehicle: Option<&str>) -> Alert {
        let mut v = json!({
            "id": id, "kind": kind, "priority": "critical", "message": "V-1: sos: help",
            "createdAt": "2026-01-01T00:00:00Z"
        });
        if let Some(veh) = vehicle {
            v["vehicleId"] = json!(veh);
        } else {
            v["moduleKey"] = json!("finance");
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn merge_keeps_old_unacked_alerts_once() {
        let all = merge(
            vec![
                alert("a", "emergency", Some("V-1")),
                alert("b", "kpi", None),
            ],
            vec![
                alert("b", "kpi", None),
                alert("old", "emergency", Some("V-2")),
            ],
        );
        let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "old"]);
    }

    #[test]
    fn notification_text_names_the_kind_and_subject() {
        let (t, b) = os_notification(&alert("a", "emergency", Some("V-1")));
        assert_eq!(t, "Critical alert: Emergency · V-1");
        assert_eq!(b, "V-1: sos: help");
        let (t, _) = os_notification(&alert("k", "kpi", None));
        assert_eq!(t, "Critical alert: KPI critical · finance");
    }
}
