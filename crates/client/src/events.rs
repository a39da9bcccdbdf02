//! The one stream of typed events: [`ClientEvent`] (connection state, server events, latency,
//! catch-up), and [`ServerEvent`], every server→client event of PROTOCOL.md decoded into the
//! protocol crate's types by [`ServerEvent::decode`].
//!
//! Decoding is lenient where reference backends are sloppier than Opsdeck: KPIs without
//! `status`, `label` or `updatedAt` and dashboards without `timestamp` (the ERP backend, seed
//! 000) are completed before decoding. Anything else that does not match its type arrives as
//! [`ServerEvent::Malformed`], unknown events as [`ServerEvent::Unknown`]; nothing is dropped.

use chrono::{SecondsFormat, Utc};
use opsdeck_protocol::ErrorEvent;
use opsdeck_protocol::admin::Stats;
use opsdeck_protocol::chat::{
    ChatRoom, DmError, DmReceived, MessageRead, MessageReceived, NewMessage, RoomUserJoined,
    RoomUserLeft, TypingUpdate,
};
use opsdeck_protocol::compat::{
    self, ConversationTypingNotice, MessageNew, NewRoomMessage, UserRoomNotice, UserTyping,
};
use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{
    AlertAcked, EmergencyAlert, GeofenceAlert, LowFuel, TrackingBatch, TripCancelled, TripEvent,
    Vehicle, VehicleLocation, VehicleUpdated,
};
use opsdeck_protocol::identity::Connected;
use opsdeck_protocol::kpi::{DashboardUpdate, Kpi};
use opsdeck_protocol::notification::Notification;
use opsdeck_protocol::presence::{Count, UserPresence, UserStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::capabilities::Feature;
use crate::error::ClientError;
use crate::state::{ConnectionState, Latency};
use crate::subscriptions::Subscription;

/// What the client tells its owner, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// The connection state changed (also mirrored by [`crate::Client::state`]). Latency-only
    /// updates are [`ClientEvent::Latency`], not this.
    State(ConnectionState),
    /// An event from the server (or one it sent while we were away, replayed by catch-up).
    Server(ServerEvent),
    /// A new round-trip measurement.
    Latency(Latency),
    /// A reconnect's catch-up finished; the missed items were emitted just before this as
    /// [`ClientEvent::Server`] events, oldest first.
    CaughtUp(CatchUpReport),
    /// The server refused to restore a recorded subscription after a reconnect (the vehicle
    /// was deleted, the role changed...); it was dropped from the replay set.
    SubscriptionFailed {
        /// The subscription.
        subscription: Subscription,
        /// The refusal.
        error: ClientError,
    },
}

/// What a reconnect's catch-up found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatchUpReport {
    /// Notifications created while disconnected, emitted as `notification:new`.
    pub notifications: usize,
    /// Room and direct messages sent while disconnected, emitted as `message:received` /
    /// `dm:received`.
    pub messages: usize,
    /// `false` when a page limit or an error stopped the catch-up before it reached what was
    /// already known (the UI should reload the lists).
    pub complete: bool,
}

/// Every server→client event of PROTOCOL.md, typed. Serializes as `{event, payload}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "payload", rename_all = "camelCase")]
pub enum ServerEvent {
    /// §1 `connected`.
    Connected(Connected),
    /// §2 `error`: a request sent without ack failed.
    Error(ErrorEvent),
    /// §3 `user:online`.
    UserOnline(UserPresence),
    /// §3 `user:offline`.
    UserOffline(UserPresence),
    /// §3 `user:status`.
    UserStatus(UserStatus),
    /// §3 `getOnlineUsers` (compatibility option).
    OnlineUsers(Vec<String>),
    /// §4 `kpi:update:{module}`.
    KpiUpdate {
        /// The module key.
        module: String,
        /// Its KPIs.
        kpis: Vec<Kpi>,
    },
    /// §4 `dashboard:update`.
    DashboardUpdate(DashboardUpdate),
    /// §5 `tracking:update`.
    TrackingUpdate(VehicleLocation),
    /// §5 `tracking:batch`.
    TrackingBatch(TrackingBatch),
    /// §5 `active-vehicles`.
    ActiveVehicles(Vec<Vehicle>),
    /// §5 `vehicle:updated`.
    VehicleUpdated(VehicleUpdated),
    /// §5 `vehicle:location`.
    VehicleLocation(VehicleLocation),
    /// §5 `vehicle:low-fuel`.
    LowFuel(LowFuel),
    /// §5 `emergency:alert`.
    EmergencyAlert(EmergencyAlert),
    /// §5 `geofence:alert`.
    GeofenceAlert(GeofenceAlert),
    /// §5 `trip:started`.
    TripStarted(TripEvent),
    /// §5 `trip:updated`.
    TripUpdated(TripEvent),
    /// §5 `trip:completed`.
    TripCompleted(TripEvent),
    /// §5 `trip:cancelled`.
    TripCancelled(TripCancelled),
    /// §5 `alert:acked`.
    AlertAcked(AlertAcked),
    /// §6 `notification:new`.
    NotificationNew(Notification),
    /// §6 `notification:broadcast`.
    NotificationBroadcast(Notification),
    /// §6 `notification:count`.
    NotificationCount(Count),
    /// §7 `room:userJoined`.
    RoomUserJoined(RoomUserJoined),
    /// §7 `room:userLeft`.
    RoomUserLeft(RoomUserLeft),
    /// §7 `room:created`.
    RoomCreated(ChatRoom),
    /// §7 `message:received`.
    MessageReceived(MessageReceived),
    /// §7 `dm:received`.
    DmReceived(DmReceived),
    /// §7 `dm:error`.
    DmError(DmError),
    /// §7 `typing:update`.
    TypingUpdate(TypingUpdate),
    /// §7 `message:read` (read receipt).
    MessageRead(MessageRead),
    /// §7 `newMessage`.
    NewMessage(NewMessage),
    /// §8 `stats` (namespace `/admin`).
    Stats(Stats),
    /// §9 `message:new`.
    MessageNew(MessageNew),
    /// §9 `userJoinedRoom`.
    UserJoinedRoom(UserRoomNotice),
    /// §9 `userLeftRoom`.
    UserLeftRoom(UserRoomNotice),
    /// §9 `newRoomMessage`.
    NewRoomMessage(NewRoomMessage),
    /// §9 `userTyping`.
    UserTyping(UserTyping),
    /// §9 `typing:start` (server → conversation).
    TypingStart(ConversationTypingNotice),
    /// §9 `typing:stop` (server → conversation).
    TypingStop(ConversationTypingNotice),
    /// §9 `missedMessages`.
    MissedMessages(Vec<NewMessage>),
    /// A known event whose payload did not match its type.
    Malformed {
        /// The event name.
        event: String,
        /// The payload as received.
        payload: Value,
        /// Why it did not decode.
        error: String,
    },
    /// An event PROTOCOL.md does not define.
    Unknown {
        /// The event name.
        event: String,
        /// The payload as received.
        payload: Value,
    },
}

impl ServerEvent {
    /// Decodes event `event` with (first) argument `payload`.
    pub fn decode(event: &str, payload: Value) -> Self {
        macro_rules! typed {
            ($variant:ident, $payload:expr) => {{
                let payload = $payload;
                match Deserialize::deserialize(&payload) {
                    Ok(v) => Self::$variant(v),
                    Err(e) => Self::malformed(event, payload, e),
                }
            }};
        }
        if let Some(module) = events::kpi_update_module(event) {
            let payload = normalize_kpis(payload);
            return match Deserialize::deserialize(&payload) {
                Ok(kpis) => Self::KpiUpdate {
                    module: module.to_owned(),
                    kpis,
                },
                Err(e) => Self::malformed(event, payload, e),
            };
        }
        match event {
            events::CONNECTED => typed!(Connected, payload),
            events::ERROR => typed!(Error, payload),
            events::USER_ONLINE => typed!(UserOnline, payload),
            events::USER_OFFLINE => typed!(UserOffline, payload),
            events::USER_STATUS => typed!(UserStatus, payload),
            events::GET_ONLINE_USERS => typed!(OnlineUsers, payload),
            events::DASHBOARD_UPDATE => typed!(DashboardUpdate, normalize_dashboard(payload)),
            events::TRACKING_UPDATE => typed!(TrackingUpdate, payload),
            events::TRACKING_BATCH => typed!(TrackingBatch, payload),
            events::ACTIVE_VEHICLES => typed!(ActiveVehicles, payload),
            events::VEHICLE_UPDATED => typed!(VehicleUpdated, payload),
            events::VEHICLE_LOCATION => typed!(VehicleLocation, payload),
            events::VEHICLE_LOW_FUEL => typed!(LowFuel, payload),
            events::EMERGENCY_ALERT => typed!(EmergencyAlert, payload),
            events::GEOFENCE_ALERT => typed!(GeofenceAlert, payload),
            events::TRIP_STARTED => typed!(TripStarted, payload),
            events::TRIP_UPDATED => typed!(TripUpdated, payload),
            events::TRIP_COMPLETED => typed!(TripCompleted, payload),
            events::TRIP_CANCELLED => typed!(TripCancelled, payload),
            events::ALERT_ACKED => typed!(AlertAcked, payload),
            events::NOTIFICATION_NEW => typed!(NotificationNew, payload),
            events::NOTIFICATION_BROADCAST => typed!(NotificationBroadcast, payload),
            events::NOTIFICATION_COUNT => typed!(NotificationCount, payload),
            events::ROOM_USER_JOINED => typed!(RoomUserJoined, payload),
            events::ROOM_USER_LEFT => typed!(RoomUserLeft, payload),
            events::ROOM_CREATED => typed!(RoomCreated, payload),
            events::MESSAGE_RECEIVED => typed!(MessageReceived, payload),
            events::DM_RECEIVED => typed!(DmReceived, payload),
            events::DM_ERROR => typed!(DmError, payload),
            events::TYPING_UPDATE => typed!(TypingUpdate, payload),
            events::MESSAGE_READ => typed!(MessageRead, payload),
            events::NEW_MESSAGE => typed!(NewMessage, payload),
            events::STATS => typed!(Stats, payload),
            compat::MESSAGE_NEW => typed!(MessageNew, payload),
            compat::USER_JOINED_ROOM => typed!(UserJoinedRoom, payload),
            compat::USER_LEFT_ROOM => typed!(UserLeftRoom, payload),
            compat::NEW_ROOM_MESSAGE => typed!(NewRoomMessage, payload),
            compat::USER_TYPING => typed!(UserTyping, payload),
            compat::TYPING_START => typed!(TypingStart, payload),
            compat::TYPING_STOP => typed!(TypingStop, payload),
            compat::MISSED_MESSAGES => typed!(MissedMessages, payload),
            _ => Self::Unknown {
                event: event.to_owned(),
                payload,
            },
        }
    }

    fn malformed(event: &str, payload: Value, error: serde_json::Error) -> Self {
        tracing::debug!(event, %error, "malformed server event");
        Self::Malformed {
            event: event.to_owned(),
            payload,
            error: error.to_string(),
        }
    }

    /// The feature (for capability detection) whose arrival this event proves.
    pub fn feature(&self) -> Option<Feature> {
        Some(match self {
            Self::UserOnline(_) | Self::UserOffline(_) | Self::UserStatus(_) => Feature::Presence,
            Self::OnlineUsers(_) => Feature::Presence,
            Self::KpiUpdate { .. } | Self::DashboardUpdate(_) => Feature::Kpi,
            Self::TrackingUpdate(_)
            | Self::TrackingBatch(_)
            | Self::ActiveVehicles(_)
            | Self::VehicleUpdated(_)
            | Self::VehicleLocation(_)
            | Self::LowFuel(_)
            | Self::EmergencyAlert(_)
            | Self::GeofenceAlert(_)
            | Self::TripStarted(_)
            | Self::TripUpdated(_)
            | Self::TripCompleted(_)
            | Self::TripCancelled(_)
            | Self::AlertAcked(_) => Feature::Fleet,
            Self::NotificationNew(_)
            | Self::NotificationBroadcast(_)
            | Self::NotificationCount(_) => Feature::Notifications,
            Self::RoomUserJoined(_)
            | Self::RoomUserLeft(_)
            | Self::RoomCreated(_)
            | Self::MessageReceived(_)
            | Self::DmReceived(_)
            | Self::DmError(_)
            | Self::TypingUpdate(_)
            | Self::MessageRead(_)
            | Self::NewMessage(_)
            | Self::MessageNew(_)
            | Self::UserJoinedRoom(_)
            | Self::UserLeftRoom(_)
            | Self::NewRoomMessage(_)
            | Self::UserTyping(_)
            | Self::TypingStart(_)
            | Self::TypingStop(_)
            | Self::MissedMessages(_) => Feature::Chat,
            Self::Stats(_) => Feature::Admin,
            Self::Connected(_) | Self::Error(_) | Self::Malformed { .. } | Self::Unknown { .. } => {
                return None;
            }
        })
    }
}

fn now_iso() -> Value {
    Value::String(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Fills what reference backends leave out of a KPI: `label` (the key), `status` (`ok`),
/// `updatedAt` (now); a numeric string `value` becomes a number.
fn normalize_kpi(kpi: &mut Map<String, Value>) {
    if !kpi.contains_key("label")
        && let Some(key) = kpi.get("key").cloned()
    {
        kpi.insert("label".into(), key);
    }
    kpi.entry("status").or_insert_with(|| "ok".into());
    kpi.entry("updatedAt").or_insert_with(now_iso);
    if let Some(Value::String(s)) = kpi.get("value")
        && let Ok(n) = s.trim().parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(n)
    {
        kpi.insert("value".into(), Value::Number(n));
    }
}

fn normalize_kpis(mut payload: Value) -> Value {
    if let Value::Array(items) = &mut payload {
        for item in items {
            if let Value::Object(kpi) = item {
                normalize_kpi(kpi);
            }
        }
    }
    payload
}

fn normalize_dashboard(mut payload: Value) -> Value {
    if let Value::Object(d) = &mut payload {
        d.entry("timestamp").or_insert_with(now_iso);
        d.entry("summaryCards")
            .or_insert_with(|| Value::Array(vec![]));
        d.entry("topKPIs").or_insert_with(|| Value::Array(vec![]));
        if let Some(Value::Array(cards)) = d.get_mut("summaryCards") {
            for card in cards {
                if let Value::Object(card) = card {
                    normalize_kpi(card);
                    card.remove("updatedAt");
                }
            }
        }
        if let Some(top) = d.remove("topKPIs") {
            d.insert("topKPIs".into(), normalize_kpis(top));
        }
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::kpi::KpiStatus;
    use serde_json::json;

    #[test]
    fn decodes_opsdeck_events() {
        let ev = ServerEvent::decode(
            "connected",
            json!({"socketId": "s1", "user": {"id": "u1", "name": "Ada", "role": "viewer"},
                   "serverTime": "2026-02-19T10:00:00Z"}),
        );
        assert!(matches!(ev, ServerEvent::Connected(ref c) if c.user.id == "u1"));
        assert_eq!(ev.feature(), None);

        let ev = ServerEvent::decode("notification:count", json!({"count": 4}));
        assert_eq!(ev, ServerEvent::NotificationCount(Count { count: 4 }));
        assert_eq!(ev.feature(), Some(Feature::Notifications));

        let ev = ServerEvent::decode(
            "error",
            json!({"event": "subscribe:vehicle", "code": "not_found", "message": "no"}),
        );
        assert!(matches!(ev, ServerEvent::Error(ref e) if e.event == "subscribe:vehicle"));

        let ev = ServerEvent::decode(
            "tracking:update",
            json!({"vehicleId": "v1", "location": {"lat": 1.0, "lng": 2.0,
                   "ts": "2026-02-19T10:00:00Z"}}),
        );
        assert!(matches!(ev, ServerEvent::TrackingUpdate(ref l) if l.vehicle_id == "v1"));
        assert_eq!(ev.feature(), Some(Feature::Fleet));
    }

    #[test]
    fn kpi_updates_carry_the_module() {
        let ev = ServerEvent::decode(
            "kpi:update:finance",
            json!([{"key": "revenue", "label": "Revenue", "value": 10.5, "status": "warning",
                    "updatedAt": "2026-02-19T10:00:00Z"}]),
        );
        match ev {
            ServerEvent::KpiUpdate { module, kpis } => {
                assert_eq!(module, "finance");
                assert_eq!(kpis[0].status, KpiStatus::Warning);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn erp_shapes_are_completed() {
        // seed 000 sends whatever getModuleKPIs returns: no status, no updatedAt
        let ev = ServerEvent::decode(
            "kpi:update:hr",
            json!([{"key": "headcount", "value": "42", "trend": "+5%"}]),
        );
        match ev {
            ServerEvent::KpiUpdate { module, kpis } => {
                assert_eq!(module, "hr");
                assert_eq!(kpis[0].label, "headcount");
                assert_eq!(kpis[0].value, 42.0);
                assert_eq!(kpis[0].status, KpiStatus::Ok);
                assert_eq!(kpis[0].trend.as_deref(), Some("+5%"));
            }
            other => panic!("{other:?}"),
        }
        let ev = ServerEvent::decode(
            "dashboard:update",
            json!({"summaryCards": [{"key": "finance", "label": "Finance", "value": 3}],
                   "topKPIs": [{"key": "k", "label": "K", "value": 1}]}),
        );
        match ev {
            ServerEvent::DashboardUpdate(d) => {
                assert_eq!(d.summary_cards[0].status, KpiStatus::Ok);
                assert_eq!(d.top_kpis.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_and_malformed_are_kept() {
        let ev = ServerEvent::decode("custom:thing", json!({"a": 1}));
        assert_eq!(
            ev,
            ServerEvent::Unknown {
                event: "custom:thing".into(),
                payload: json!({"a": 1})
            }
        );
        let ev = ServerEvent::decode("notification:count", json!({"count": "many"}));
        assert!(
            matches!(ev, ServerEvent::Malformed { ref event, .. } if event == "notification:count")
        );
        let ev = ServerEvent::decode("kpi:update:x", json!({"not": "an array"}));
        assert!(matches!(ev, ServerEvent::Malformed { .. }));
    }

    #[test]
    fn serializes_as_event_and_payload() {
        let v = serde_json::to_value(ServerEvent::NotificationCount(Count { count: 1 })).unwrap();
        assert_eq!(
            v,
            json!({"event": "notificationCount", "payload": {"count": 1}})
        );
        let v = serde_json::to_value(ServerEvent::KpiUpdate {
            module: "hr".into(),
            kpis: vec![],
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"event": "kpiUpdate", "payload": {"module": "hr", "kpis": []}})
        );
    }
}
