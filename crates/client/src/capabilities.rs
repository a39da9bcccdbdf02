//! What the server supports, and how we find out.
//!
//! Opsdeck speaks all of PROTOCOL.md; the reference backends it replaces speak parts of it
//! (the ERP dashboard backend, seed 000, only has `module:subscribe` → `kpi:update:{module}`
//! and `dashboard:update`, without acks or auth). After connecting, the client sends one
//! cheap acked request per feature ([`probes`]); a server that does not know an event never
//! acks it, so an answer of any kind (even `forbidden`) means [`Support::Full`]. A feature
//! whose events arrive without its requests being acked (the ERP backend's KPIs) is
//! [`Support::EventsOnly`]: subscriptions are sent without asking for an ack. Everything else
//! is [`Support::Unsupported`], and the UI hides it; requests for it fail at once with
//! [`crate::ClientError::Unsupported`] instead of timing out.

use opsdeck_protocol::{compat, events};
use serde::Serialize;
use serde_json::{Value, json};

/// A feature area of PROTOCOL.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Feature {
    /// §3 presence.
    Presence,
    /// §6 notifications.
    Notifications,
    /// §4 KPIs and dashboard.
    Kpi,
    /// §5 fleet: vehicles, tracking, trips, geofences, alerts.
    Fleet,
    /// §7 and §9 chat.
    Chat,
    /// §8 operations (namespace `/admin`).
    Admin,
}

impl Feature {
    /// Every feature.
    pub const ALL: [Feature; 6] = [
        Feature::Presence,
        Feature::Notifications,
        Feature::Kpi,
        Feature::Fleet,
        Feature::Chat,
        Feature::Admin,
    ];
}

/// How far the server supports a feature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Support {
    /// Not probed (yet). Requests are sent with acks, as if supported.
    #[default]
    Unknown,
    /// The server answers this feature's requests.
    Full,
    /// The server sends this feature's events but answers no requests: subscriptions are sent
    /// without ack, other requests are refused locally.
    EventsOnly,
    /// Neither answers nor events: hide it.
    Unsupported,
}

impl Support {
    /// Whether the UI should offer the feature.
    pub fn is_available(self) -> bool {
        matches!(self, Self::Full | Self::EventsOnly)
    }

    /// Whether requests should ask for (and wait for) an ack.
    pub fn expects_acks(self) -> bool {
        matches!(self, Self::Full | Self::Unknown)
    }
}

/// The server's capabilities as detected on connect (and refined as events arrive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// §3.
    pub presence: Support,
    /// §6.
    pub notifications: Support,
    /// §4.
    pub kpi: Support,
    /// §5.
    pub fleet: Support,
    /// §7, §9.
    pub chat: Support,
    /// §8: probed on the `/admin` namespace only (`Unknown` on `/`; open a second client on
    /// `/admin` to use it).
    pub admin: Support,
    /// The server sent Opsdeck's `connected` event (it speaks §1 identity).
    pub identified: bool,
    /// Whether the server demands a token: `Some(false)` once a connection without token was
    /// accepted, `Some(true)` once one was refused for lack of credentials, else `None`.
    pub auth_required: Option<bool>,
}

impl Capabilities {
    /// The support of `feature`.
    pub fn get(&self, feature: Feature) -> Support {
        match feature {
            Feature::Presence => self.presence,
            Feature::Notifications => self.notifications,
            Feature::Kpi => self.kpi,
            Feature::Fleet => self.fleet,
            Feature::Chat => self.chat,
            Feature::Admin => self.admin,
        }
    }

    /// Sets the support of `feature`.
    pub fn set(&mut self, feature: Feature, support: Support) {
        let slot = match feature {
            Feature::Presence => &mut self.presence,
            Feature::Notifications => &mut self.notifications,
            Feature::Kpi => &mut self.kpi,
            Feature::Fleet => &mut self.fleet,
            Feature::Chat => &mut self.chat,
            Feature::Admin => &mut self.admin,
        };
        *slot = support;
    }

    /// Whether the UI should offer `feature`.
    pub fn is_available(&self, feature: Feature) -> bool {
        self.get(feature).is_available()
    }

    /// An event of `feature` arrived: a feature found unsupported turns out to send events.
    /// Returns whether anything changed.
    pub(crate) fn observe(&mut self, feature: Feature) -> bool {
        if self.get(feature) == Support::Unsupported {
            self.set(feature, Support::EventsOnly);
            true
        } else {
            false
        }
    }
}

/// The feature a client→server event belongs to (`None` for events outside PROTOCOL.md).
pub fn feature_of_request(event: &str) -> Option<Feature> {
    use events as e;
    let f = match event {
        e::PRESENCE_SUBSCRIBE | e::PRESENCE_LIST | e::GET_ONLINE_COUNT => Feature::Presence,
        e::MODULE_SUBSCRIBE
        | e::MODULE_UNSUBSCRIBE
        | e::DASHBOARD_SUBSCRIBE
        | e::KPI_REPORT
        | e::KPI_THRESHOLD => Feature::Kpi,
        e::SUBSCRIBE_VEHICLE
        | e::UNSUBSCRIBE_VEHICLE
        | e::SUBSCRIBE_TRACKING
        | e::UNSUBSCRIBE_TRACKING
        | e::REQUEST_ACTIVE_VEHICLES
        | e::LOCATION_REPORT
        | e::VEHICLE_REPORT_STATUS
        | e::EMERGENCY_RAISE
        | e::VEHICLE_UPSERT
        | e::VEHICLE_HISTORY
        | e::TRIP_START
        | e::TRIP_COMPLETE
        | e::TRIP_CANCEL
        | e::SUBSCRIBE_TRIP
        | e::GEOFENCE_CREATE
        | e::GEOFENCE_DELETE
        | e::GEOFENCE_LIST
        | e::ALERT_LIST
        | e::ALERT_ACK => Feature::Fleet,
        e::ROOM_JOIN
        | e::ROOM_LEAVE
        | e::MESSAGE_SEND
        | e::DM_SEND
        | e::TYPING_START
        | e::TYPING_STOP
        | e::MESSAGE_READ
        | e::MESSAGE_HISTORY
        | e::ROOM_LIST
        | e::ROOM_CREATE
        | e::DM_CONVERSATIONS
        | compat::CONVERSATION_JOIN
        | compat::CONVERSATION_LEAVE
        | compat::PRIVATE_MESSAGE
        | compat::JOIN_ROOM
        | compat::LEAVE_ROOM
        | compat::SEND_MESSAGE_TO_ROOM
        | compat::TYPING
        | compat::REQUEST_MISSED_MESSAGES => Feature::Chat,
        e::STATS_SUBSCRIBE
        | e::STATS_UNSUBSCRIBE
        | e::SOCKETS_LIST
        | e::SOCKET_DISCONNECT
        | e::SOCKETS_DISCONNECT_ALL
        | e::ROOMS_LIST => Feature::Admin,
        other if other.starts_with("notification:") => Feature::Notifications,
        _ => return None,
    };
    Some(f)
}

/// One capability probe: a cheap, side-effect-free acked request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Probe {
    /// What it tells.
    pub feature: Feature,
    /// The request.
    pub event: &'static str,
    /// Its payload.
    pub payload: Value,
}

/// The module the KPI probe subscribes to (a default module of both Opsdeck and the ERP
/// backend). The probe runs on a throwaway connection, so the subscription does not linger.
pub(crate) const PROBE_MODULE: &str = "reports";

/// The probes for a namespace, most widely supported first (probing stops being sequential
/// at the first unanswered one, see `probe.rs`).
pub(crate) fn probes(main_namespace: bool) -> Vec<Probe> {
    if !main_namespace {
        return vec![Probe {
            feature: Feature::Admin,
            event: events::ROOMS_LIST,
            payload: json!({}),
        }];
    }
    vec![
        Probe {
            feature: Feature::Kpi,
            event: events::MODULE_SUBSCRIBE,
            payload: json!({ "moduleKey": PROBE_MODULE }),
        },
        Probe {
            feature: Feature::Presence,
            event: events::GET_ONLINE_COUNT,
            payload: json!({}),
        },
        Probe {
            feature: Feature::Notifications,
            event: events::NOTIFICATION_LIST,
            payload: json!({ "limit": 1 }),
        },
        Probe {
            feature: Feature::Fleet,
            event: events::ALERT_LIST,
            payload: json!({ "limit": 1 }),
        },
        Probe {
            feature: Feature::Chat,
            event: events::MESSAGE_HISTORY,
            payload: json!({ "roomId": "opsdeck-probe", "limit": 1 }),
        },
    ]
}

/// The request used to time round trips: the cheapest read of a feature the server answers.
/// `None` when it answers nothing (then liveness is checked with plain emits).
pub(crate) fn latency_probe(caps: &Capabilities) -> Option<(&'static str, Value)> {
    let candidates: [(Feature, &'static str, Value); 5] = [
        (Feature::Presence, events::GET_ONLINE_COUNT, json!({})),
        (
            Feature::Notifications,
            events::NOTIFICATION_LIST,
            json!({ "limit": 1 }),
        ),
        (Feature::Fleet, events::ALERT_LIST, json!({ "limit": 1 })),
        (Feature::Admin, events::ROOMS_LIST, json!({})),
        (
            Feature::Chat,
            events::MESSAGE_HISTORY,
            json!({ "roomId": "opsdeck-probe", "limit": 1 }),
        ),
    ];
    candidates
        .into_iter()
        .find(|(f, _, _)| caps.get(*f) == Support::Full)
        .map(|(_, e, p)| (e, p))
}

/// Whether a refusal message means "your credentials are not acceptable" (retrying with the
/// same token is pointless). Opsdeck's start with `Authentication error:` (§1); `forbidden`
/// is a valid token with the wrong role for the namespace.
pub(crate) fn is_auth_refusal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "authentication",
        "unauthorized",
        "unauthorised",
        "forbidden",
        "not authorized",
        "invalid token",
        "jwt",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_map_to_features() {
        assert_eq!(
            feature_of_request("get:online:count"),
            Some(Feature::Presence)
        );
        assert_eq!(
            feature_of_request("notification:mark-all-read"),
            Some(Feature::Notifications)
        );
        assert_eq!(feature_of_request("module:subscribe"), Some(Feature::Kpi));
        assert_eq!(
            feature_of_request("subscribe:tracking"),
            Some(Feature::Fleet)
        );
        assert_eq!(feature_of_request("alert:ack"), Some(Feature::Fleet));
        assert_eq!(feature_of_request("joinRoom"), Some(Feature::Chat));
        assert_eq!(feature_of_request("sockets:list"), Some(Feature::Admin));
        assert_eq!(feature_of_request("my:custom"), None);
    }

    #[test]
    fn observation_upgrades_only_unsupported() {
        let mut c = Capabilities {
            kpi: Support::Unsupported,
            presence: Support::Full,
            ..Default::default()
        };
        assert!(c.observe(Feature::Kpi));
        assert_eq!(c.kpi, Support::EventsOnly);
        assert!(!c.observe(Feature::Kpi));
        assert!(!c.observe(Feature::Presence));
        assert_eq!(c.presence, Support::Full);
        assert!(!c.observe(Feature::Chat));
        assert_eq!(c.chat, Support::Unknown);
        assert!(c.is_available(Feature::Kpi));
        assert!(!Support::EventsOnly.expects_acks());
        assert!(Support::Unknown.expects_acks());
    }

    #[test]
    fn latency_uses_a_supported_read() {
        let mut c = Capabilities::default();
        assert_eq!(latency_probe(&c), None);
        c.fleet = Support::Full;
        assert_eq!(latency_probe(&c).unwrap().0, "alert:list");
        c.presence = Support::Full;
        assert_eq!(latency_probe(&c).unwrap().0, "get:online:count");
        c.presence = Support::EventsOnly;
        assert_eq!(latency_probe(&c).unwrap().0, "alert:list");
    }

    #[test]
    fn probes_per_namespace() {
        let main: Vec<Feature> = probes(true).iter().map(|p| p.feature).collect();
        assert_eq!(
            main,
            vec![
                Feature::Kpi,
                Feature::Presence,
                Feature::Notifications,
                Feature::Fleet,
                Feature::Chat
            ]
        );
        for p in probes(true) {
            assert_eq!(feature_of_request(p.event), Some(p.feature));
        }
        assert_eq!(probes(false)[0].feature, Feature::Admin);
    }

    #[test]
    fn auth_refusals() {
        assert!(is_auth_refusal("Authentication error: token expired"));
        assert!(is_auth_refusal(
            "forbidden: the /admin namespace requires role admin"
        ));
        assert!(!is_auth_refusal("internal: server error, retry later"));
    }
}
