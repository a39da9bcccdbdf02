//! Routing simulation events: to the device task of their vehicle, or in `--http` mode to the
//! REST client (positions batched per vehicle); KPI reports and `--http` trips go over the
//! control connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{EmergencyBody, LocationSample, VehicleStatusBody};
use opsdeck_sim::SimEvent;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::warn;

use crate::control::{self, Control};
use crate::device::Cmd;
use crate::http::{self, Http};
use crate::stats::{Kind, Stats};

/// Sends `data` over the control connection in the background, counting it as `event`,
/// and hands a successful reply to `then`.
pub fn spawn_request(
    tasks: &mut JoinSet<()>,
    control: &Control,
    stats: &Arc<Stats>,
    event: &'static str,
    data: Value,
    then: impl FnOnce(Value) + Send + 'static,
) {
    let (control, stats) = (control.clone(), Arc::clone(stats));
    tasks.spawn(async move {
        let kind = Kind::Other(event);
        stats.sent(kind, 1);
        match control.request(event, &data).await {
            Ok(reply) => {
                stats.ok(kind, 1);
                then(reply);
            }
            Err(control::RequestError::Timeout) => stats.lost(kind, 1),
            Err(e) => stats.rejected(kind, 1, e.code()),
        }
    });
}

/// Where events go.
pub enum Sink {
    /// One device task per vehicle.
    Sockets {
        senders: Vec<mpsc::Sender<Cmd>>,
        devices: Vec<tokio::task::JoinHandle<()>>,
    },
    /// REST batches; trips over the control connection.
    Http {
        http: Http,
        ids: Vec<String>,
        buffers: Vec<Vec<LocationSample>>,
        since: Vec<Option<Instant>>,
        trips: Arc<Mutex<HashMap<String, String>>>,
    },
}

/// Sends a vehicle's buffered positions as one batch.
pub fn flush(http: &Http, id: &str, buffer: &mut Vec<LocationSample>) {
    if buffer.is_empty() {
        return;
    }
    let batch = std::mem::take(buffer);
    let count = batch.len() as u64;
    http.spawn_post(
        format!("/api/vehicles/{id}/locations"),
        batch,
        Kind::Location,
        count,
    );
}

/// Routes one simulation event to its device, the REST client or the control connection.
pub fn dispatch(
    ev: SimEvent,
    sink: &mut Sink,
    index: &HashMap<String, usize>,
    control: &Control,
    stats: &Arc<Stats>,
    tasks: &mut JoinSet<()>,
) {
    if let SimEvent::Kpi(report) = ev {
        match sink {
            Sink::Http { http, .. } => http.spawn_post(
                format!("/api/kpis/{}", report.module_key),
                json!({ "kpis": report.kpis }),
                Kind::Other(events::KPI_REPORT),
                1,
            ),
            Sink::Sockets { .. } => match serde_json::to_value(&report) {
                Ok(body) => spawn_request(tasks, control, stats, events::KPI_REPORT, body, |_| {}),
                Err(e) => warn!(error = %e, "cannot encode a KPI report"),
            },
        }
        return;
    }
    let Some(&i) = ev.vehicle_id().and_then(|id| index.get(id)) else {
        return;
    };
    match sink {
        Sink::Sockets { senders, .. } => {
            let cmd = match ev {
                SimEvent::Location(r) => Cmd::Report(Box::new(r)),
                SimEvent::Status(s) => Cmd::Status(s),
                SimEvent::Emergency(e) => Cmd::Emergency(e),
                SimEvent::TripStart(t) => Cmd::TripStart(Box::new(t)),
                SimEvent::TripComplete { .. } => Cmd::TripComplete,
                SimEvent::TripCancel { reason, .. } => Cmd::TripCancel(reason),
                SimEvent::Kpi(_) => return,
            };
            let kind = match &cmd {
                Cmd::Report(_) => Kind::Location,
                _ => Kind::Other("device command"),
            };
            if senders[i].try_send(cmd).is_err() {
                stats.unsent(kind, 1);
            }
        }
        Sink::Http {
            http,
            ids,
            buffers,
            since,
            trips,
        } => {
            let id = &ids[i];
            match ev {
                SimEvent::Location(r) => {
                    buffers[i].push(http::sample(r));
                    since[i].get_or_insert_with(Instant::now);
                }
                SimEvent::Status(s) => http.spawn_post(
                    format!("/api/vehicles/{id}/status"),
                    VehicleStatusBody {
                        status: s.status,
                        fuel_level: s.fuel_level,
                    },
                    Kind::Other(events::VEHICLE_REPORT_STATUS),
                    1,
                ),
                SimEvent::Emergency(e) => http.spawn_post(
                    format!("/api/vehicles/{id}/emergency"),
                    EmergencyBody {
                        kind: e.kind,
                        message: e.message,
                    },
                    Kind::Other(events::EMERGENCY_RAISE),
                    1,
                ),
                SimEvent::TripStart(t) => {
                    let (trips, id) = (Arc::clone(trips), id.clone());
                    match serde_json::to_value(&t) {
                        Ok(body) => spawn_request(
                            tasks,
                            control,
                            stats,
                            events::TRIP_START,
                            body,
                            move |reply| {
                                if let Some(trip) = reply["tripId"].as_str()
                                    && let Ok(mut t) = trips.lock()
                                {
                                    t.insert(id, trip.to_owned());
                                }
                            },
                        ),
                        Err(e) => warn!(error = %e, "cannot encode a trip"),
                    }
                }
                SimEvent::TripComplete { .. } | SimEvent::TripCancel { .. } => {
                    let open = trips.lock().ok().and_then(|mut t| t.remove(id));
                    let Some(trip_id) = open else {
                        return;
                    };
                    let (event, body) = match ev {
                        SimEvent::TripCancel { reason, .. } => (
                            events::TRIP_CANCEL,
                            json!({ "tripId": trip_id, "reason": reason }),
                        ),
                        _ => (events::TRIP_COMPLETE, json!({ "tripId": trip_id })),
                    };
                    spawn_request(tasks, control, stats, event, body, |_| {});
                }
                SimEvent::Kpi(_) => {}
            }
        }
    }
}
