//! One simulated device: its own Socket.IO connection, fed by the simulation through a small
//! channel, sending each command with an ack and counting what comes back.
//!
//! A device is one task holding one websocket; acks are matched against a queue of pending
//! ids in send order (no per-request task or timer), so ten thousand devices stay cheap. A
//! dropped connection is retried with backoff; what the simulation produced meanwhile is
//! counted as unsent.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{
    EmergencyRaise, LocationReport, TripCancel, TripStart, VehicleStatusReport, VehicleUpsert,
};
use opsdeck_sim::wire::{self, AckOutcome, Frame, Packet};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite;
use tracing::{debug, warn};

use crate::socket::{self, Ws};
use crate::stats::{Kind, Stats};

/// How long a control request may wait for its ack.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a device's request may wait for its ack before it counts as lost. Much longer than
/// [`ACK_TIMEOUT`]: a report acked after 10 s was still accepted, and is counted as late instead
/// (`stats::LATE_AFTER`), so a slow moment of a saturated machine is not mistaken for a loss.
pub const LOST_AFTER: Duration = Duration::from_secs(60);

/// Log lines of one kind printed at `warn` before the rest go to `debug`.
const LOUD: u64 = 10;

/// What the simulation asks a device to send.
#[derive(Debug)]
pub enum Cmd {
    /// `location:report`.
    Report(Box<LocationReport>),
    /// `vehicle:report-status`.
    Status(VehicleStatusReport),
    /// `emergency:raise`.
    Emergency(EmergencyRaise),
    /// `trip:start`; the acked `tripId` is kept for completion.
    TripStart(Box<TripStart>),
    /// `trip:complete` of the open trip.
    TripComplete,
    /// `trip:cancel` of the open trip, with a reason.
    TripCancel(String),
}

/// What every device shares.
#[derive(Debug)]
pub struct Shared {
    /// Engine.IO websocket URL.
    pub url: String,
    /// The dispatcher token.
    pub token: String,
    /// Counters.
    pub stats: Arc<Stats>,
    /// Devices that made their first connection attempt (for the ramp).
    pub attempted: AtomicUsize,
    connect_warnings: AtomicU64,
    drop_warnings: AtomicU64,
    reject_warnings: AtomicU64,
}

impl Shared {
    /// State shared by devices connecting to `url` with `token`.
    pub fn new(url: String, token: String, stats: Arc<Stats>) -> Self {
        Self {
            url,
            token,
            stats,
            attempted: AtomicUsize::new(0),
            connect_warnings: AtomicU64::new(0),
            drop_warnings: AtomicU64::new(0),
            reject_warnings: AtomicU64::new(0),
        }
    }
}

#[derive(Debug)]
struct Pending {
    id: u64,
    sent: Instant,
    kind: Kind,
}

/// A device's state that survives reconnections.
#[derive(Debug)]
struct Device {
    shared: Arc<Shared>,
    vehicle_id: String,
    pending: VecDeque<Pending>,
    next_id: u64,
    trip_id: Option<String>,
}

/// Runs a device until the simulation drops its sender: waits `delay` (the ramp), connects,
/// registers its vehicle with `vehicle:upsert` when given one (waiting for the ack), sends
/// what arrives on `rx`, and on the way out cancels its open trip and waits for outstanding
/// acks.
pub async fn run(
    shared: Arc<Shared>,
    vehicle_id: String,
    mut register: Option<VehicleUpsert>,
    delay: Duration,
    mut rx: mpsc::Receiver<Cmd>,
) {
    tokio::time::sleep(delay).await;
    let stats = Arc::clone(&shared.stats);
    let mut dev = Device {
        shared: Arc::clone(&shared),
        vehicle_id,
        pending: VecDeque::new(),
        next_id: 0,
        trip_id: None,
    };
    let mut first = true;
    let mut failures = 0u32;
    loop {
        let mut attempt = socket::open(&shared.url, &shared.token).await;
        if let (Ok((ws, _)), Some(upsert)) = (&mut attempt, &register) {
            match dev.register(ws, upsert).await {
                Ok(()) => register = None,
                Err(reason) => attempt = Err(anyhow::anyhow!("registration: {reason}")),
            }
        }
        if std::mem::take(&mut first) {
            shared.attempted.fetch_add(1, Relaxed);
        }
        match attempt {
            Ok((mut ws, _)) => {
                failures = 0;
                let now = stats.connected.fetch_add(1, Relaxed) + 1;
                stats.peak_connected.fetch_max(now, Relaxed);
                let ended = dev.session(&mut ws, &mut rx).await;
                stats.connected.fetch_sub(1, Relaxed);
                dev.fail_pending();
                match ended {
                    None => return,
                    Some(reason) => {
                        // The server keeps the open trip; `trip_id` stays for its completion.
                        stats.dropped.fetch_add(1, Relaxed);
                        if shared.drop_warnings.fetch_add(1, Relaxed) < LOUD {
                            warn!(vehicle = %dev.vehicle_id, %reason, "connection lost; reconnecting");
                        } else {
                            debug!(vehicle = %dev.vehicle_id, %reason, "connection lost; reconnecting");
                        }
                    }
                }
            }
            Err(e) => {
                stats.connect_failed.fetch_add(1, Relaxed);
                if shared.connect_warnings.fetch_add(1, Relaxed) < LOUD {
                    warn!(vehicle = %dev.vehicle_id, error = %format!("{e:#}"), "connect failed");
                } else {
                    debug!(vehicle = %dev.vehicle_id, error = %format!("{e:#}"), "connect failed");
                }
            }
        }
        // Back off (1, 2, 4 .. 16 s), dropping what the simulation produces meanwhile.
        failures = failures.saturating_add(1);
        let wait = Duration::from_secs(1 << failures.min(5).saturating_sub(1));
        let until = Instant::now() + wait;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(until) => break,
                cmd = rx.recv() => match cmd {
                    None => return,
                    Some(cmd) => stats.unsent(kind_of(&cmd), 1),
                },
            }
        }
    }
}

fn kind_of(cmd: &Cmd) -> Kind {
    match cmd {
        Cmd::Report(_) => Kind::Location,
        Cmd::Status(_) => Kind::Other(events::VEHICLE_REPORT_STATUS),
        Cmd::Emergency(_) => Kind::Other(events::EMERGENCY_RAISE),
        Cmd::TripStart(_) => Kind::Other(events::TRIP_START),
        Cmd::TripComplete => Kind::Other(events::TRIP_COMPLETE),
        Cmd::TripCancel(_) => Kind::Other(events::TRIP_CANCEL),
    }
}

impl Device {
    /// Serves one connection. `None` when the simulation is over (after a clean goodbye),
    /// `Some(reason)` when the connection was lost.
    async fn session(&mut self, ws: &mut Ws, rx: &mut mpsc::Receiver<Cmd>) -> Option<String> {
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        sweep.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                frame = futures_util::StreamExt::next(ws) => {
                    if let Err(reason) = self.on_frame(ws, frame).await {
                        return Some(reason);
                    }
                }
                cmd = rx.recv() => match cmd {
                    Some(cmd) => {
                        if let Err(e) = self.send(ws, cmd).await {
                            return Some(format!("send failed: {e:#}"));
                        }
                    }
                    None => {
                        self.finish(ws).await;
                        return None;
                    }
                },
                _ = sweep.tick() => self.expire(),
            }
        }
    }

    /// Sends `vehicle:upsert` and waits for its ack (whatever it says: a refusal is counted,
    /// and reports will show whether the vehicle is known).
    async fn register(&mut self, ws: &mut Ws, upsert: &VehicleUpsert) -> Result<(), String> {
        let kind = Kind::Other(events::VEHICLE_UPSERT);
        self.emit(ws, events::VEHICLE_UPSERT, upsert, kind)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let until = Instant::now() + ACK_TIMEOUT;
        while !self.pending.is_empty() {
            tokio::select! {
                frame = futures_util::StreamExt::next(ws) => self.on_frame(ws, frame).await?,
                () = tokio::time::sleep_until(until) => break,
            }
        }
        self.fail_pending();
        Ok(())
    }

    /// The simulation is over: cancel the open trip, wait for outstanding acks, close.
    async fn finish(&mut self, ws: &mut Ws) {
        if let Some(trip_id) = self.trip_id.take() {
            let cancel = TripCancel {
                trip_id,
                reason: "Simulator stopped".into(),
            };
            let kind = Kind::Other(events::TRIP_CANCEL);
            if self
                .emit(ws, events::TRIP_CANCEL, &cancel, kind)
                .await
                .is_err()
            {
                return;
            }
        }
        let until = Instant::now() + LOST_AFTER;
        while !self.pending.is_empty() {
            tokio::select! {
                frame = futures_util::StreamExt::next(ws) => {
                    if self.on_frame(ws, frame).await.is_err() {
                        return;
                    }
                }
                () = tokio::time::sleep_until(until) => break,
            }
        }
        socket::close(ws).await;
    }

    async fn on_frame(
        &mut self,
        ws: &mut Ws,
        frame: Option<Result<tungstenite::Message, tungstenite::Error>>,
    ) -> Result<(), String> {
        let text = match frame {
            Some(Ok(tungstenite::Message::Text(t))) => t,
            Some(Ok(tungstenite::Message::Close(_))) | None => {
                return Err("websocket closed".into());
            }
            Some(Ok(_)) => return Ok(()),
            Some(Err(e)) => return Err(e.to_string()),
        };
        match wire::decode(text.as_str()) {
            Ok(Frame::Ping(p)) => socket::send(ws, wire::pong(&p))
                .await
                .map_err(|e| e.to_string()),
            Ok(Frame::Message(Packet::Ack { id, data, .. })) => {
                self.resolve(id, &data);
                Ok(())
            }
            Ok(Frame::Message(Packet::Disconnect { .. })) => {
                Err("disconnected by the server".into())
            }
            Ok(Frame::Close) => Err("session closed by the server".into()),
            Ok(Frame::Message(p)) => {
                if p.event_name() == Some(events::ERROR) {
                    debug!(vehicle = %self.vehicle_id, packet = ?p, "error event");
                }
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => {
                debug!(vehicle = %self.vehicle_id, error = %e, "undecodable frame");
                Ok(())
            }
        }
    }

    async fn send(&mut self, ws: &mut Ws, cmd: Cmd) -> anyhow::Result<()> {
        let kind = kind_of(&cmd);
        match cmd {
            Cmd::Report(r) => self.emit(ws, events::LOCATION_REPORT, &*r, kind).await,
            Cmd::Status(s) => self.emit(ws, events::VEHICLE_REPORT_STATUS, &s, kind).await,
            Cmd::Emergency(e) => self.emit(ws, events::EMERGENCY_RAISE, &e, kind).await,
            Cmd::TripStart(t) => {
                self.trip_id = None;
                self.emit(ws, events::TRIP_START, &*t, kind).await
            }
            Cmd::TripComplete => match self.trip_id.take() {
                Some(trip_id) => {
                    let body = json!({ "tripId": trip_id });
                    self.emit(ws, events::TRIP_COMPLETE, &body, kind).await
                }
                None => Ok(()), // its trip:start failed; nothing to complete
            },
            Cmd::TripCancel(reason) => match self.trip_id.take() {
                Some(trip_id) => {
                    let body = TripCancel { trip_id, reason };
                    self.emit(ws, events::TRIP_CANCEL, &body, kind).await
                }
                None => Ok(()),
            },
        }
    }

    async fn emit<T: Serialize + ?Sized>(
        &mut self,
        ws: &mut Ws,
        event: &str,
        data: &T,
        kind: Kind,
    ) -> anyhow::Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        let text = wire::event("/", event, data, Some(id))?;
        socket::send(ws, text).await?;
        self.pending.push_back(Pending {
            id,
            sent: Instant::now(),
            kind,
        });
        self.shared.stats.sent(kind, 1);
        Ok(())
    }

    fn resolve(&mut self, id: u64, data: &Value) {
        let Some(pos) = self.pending.iter().position(|p| p.id == id) else {
            return; // already counted as lost
        };
        let Some(p) = self.pending.remove(pos) else {
            return;
        };
        self.shared.stats.answered(p.kind, p.sent.elapsed());
        match wire::ack_outcome(data) {
            AckOutcome::Ok(reply) => {
                if p.kind == Kind::Other(events::TRIP_START) {
                    self.trip_id = reply
                        .get("tripId")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                self.shared.stats.ok(p.kind, 1);
            }
            AckOutcome::Rejected { code, message } => {
                self.shared.stats.rejected(p.kind, 1, &code);
                log_rejection(&self.shared, &self.vehicle_id, p.kind, &code, &message);
            }
        }
    }

    /// Counts requests unanswered for [`LOST_AFTER`] as lost.
    fn expire(&mut self) {
        while let Some(p) = self.pending.front() {
            if p.sent.elapsed() < LOST_AFTER {
                break;
            }
            self.shared.stats.lost(p.kind, 1);
            self.pending.pop_front();
        }
    }

    /// The connection is gone: whatever was waiting for an ack is lost.
    fn fail_pending(&mut self) {
        for p in self.pending.drain(..) {
            self.shared.stats.lost(p.kind, 1);
        }
    }
}

/// Logs a rejection at `warn` for the first few, `debug` after.
fn log_rejection(shared: &Shared, vehicle: &str, kind: Kind, code: &str, message: &str) {
    if shared.reject_warnings.fetch_add(1, Relaxed) < LOUD {
        warn!(%vehicle, ?kind, %code, %message, "rejected by the server");
    } else {
        debug!(%vehicle, ?kind, %code, %message, "rejected by the server");
    }
}
