//! The subscriptions the client keeps alive: recorded when made, replayed after every
//! (re)connect, because a new socket starts in no room at all.

use opsdeck_protocol::events;
use serde::Serialize;
use serde_json::{Value, json};

use crate::capabilities::Feature;

/// One thing the client listens to. Serializes as `{kind, ...}` (camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Subscription {
    /// `module:subscribe` → `kpi:update:{moduleKey}`.
    Module {
        /// The module.
        module_key: String,
    },
    /// `dashboard:subscribe` → `dashboard:update`.
    Dashboard,
    /// `subscribe:tracking` → `tracking:update`, or `tracking:batch` every `batch_ms`. At most
    /// one: a new one replaces the old.
    Tracking {
        /// Batch interval (50..=5000 ms), or one event per position.
        batch_ms: Option<u32>,
    },
    /// `subscribe:vehicle` → `vehicle:updated`, `vehicle:location`, alerts of that vehicle.
    Vehicle {
        /// The vehicle.
        vehicle_id: String,
    },
    /// `subscribe:trip` → `trip:*` of that trip.
    Trip {
        /// The trip.
        trip_id: String,
    },
    /// `notification:subscribe` → broadcasts as `notification:new` too.
    Notifications,
    /// `presence:subscribe` → `user:online`, `user:offline`, `user:status`.
    Presence,
    /// `room:join` → the room's messages and notices; also caught up after reconnects.
    Room {
        /// The chat room.
        room_id: String,
    },
    /// `stats:subscribe` (namespace `/admin`) → `stats` every second.
    Stats,
}

impl Subscription {
    /// The feature it belongs to.
    pub fn feature(&self) -> Feature {
        match self {
            Self::Module { .. } | Self::Dashboard => Feature::Kpi,
            Self::Tracking { .. } | Self::Vehicle { .. } | Self::Trip { .. } => Feature::Fleet,
            Self::Notifications => Feature::Notifications,
            Self::Presence => Feature::Presence,
            Self::Room { .. } => Feature::Chat,
            Self::Stats => Feature::Admin,
        }
    }

    /// The request that establishes it.
    pub(crate) fn request(&self) -> (&'static str, Value) {
        match self {
            Self::Module { module_key } => {
                (events::MODULE_SUBSCRIBE, json!({ "moduleKey": module_key }))
            }
            Self::Dashboard => (events::DASHBOARD_SUBSCRIBE, json!({})),
            Self::Tracking { batch_ms: Some(ms) } => {
                (events::SUBSCRIBE_TRACKING, json!({ "batchMs": ms }))
            }
            Self::Tracking { batch_ms: None } => (events::SUBSCRIBE_TRACKING, json!({})),
            Self::Vehicle { vehicle_id } => (events::SUBSCRIBE_VEHICLE, json!(vehicle_id)),
            Self::Trip { trip_id } => (events::SUBSCRIBE_TRIP, json!(trip_id)),
            Self::Notifications => (events::NOTIFICATION_SUBSCRIBE, json!({})),
            Self::Presence => (events::PRESENCE_SUBSCRIBE, json!({})),
            Self::Room { room_id } => (events::ROOM_JOIN, json!(room_id)),
            Self::Stats => (events::STATS_SUBSCRIBE, json!({})),
        }
    }

    /// The request that ends it, if PROTOCOL.md has one (the dashboard, trips, notification
    /// broadcasts and presence have none: the room is left at the next reconnect).
    pub(crate) fn unsubscribe_request(&self) -> Option<(&'static str, Value)> {
        match self {
            Self::Module { module_key } => Some((
                events::MODULE_UNSUBSCRIBE,
                json!({ "moduleKey": module_key }),
            )),
            Self::Tracking { .. } => Some((events::UNSUBSCRIBE_TRACKING, json!({}))),
            Self::Vehicle { vehicle_id } => Some((events::UNSUBSCRIBE_VEHICLE, json!(vehicle_id))),
            Self::Room { room_id } => Some((events::ROOM_LEAVE, json!(room_id))),
            Self::Stats => Some((events::STATS_UNSUBSCRIBE, json!({}))),
            Self::Dashboard | Self::Trip { .. } | Self::Notifications | Self::Presence => None,
        }
    }

    /// Whether `self` and `other` occupy the same slot (tracking is one slot whatever the
    /// batch interval).
    fn same_slot(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Tracking { .. }, Self::Tracking { .. }) => true,
            _ => self == other,
        }
    }
}

/// What subscribing did.
#[derive(Debug, Clone, PartialEq)]
pub enum Subscribed {
    /// The server acknowledged; its result (e.g. `{trip}` for `subscribe:trip`, the presence
    /// list for `presence:subscribe`).
    Acked(serde_json::Value),
    /// Sent without ack (the server does not answer this feature's requests).
    Sent,
    /// Not connected: recorded, and sent on the next connect.
    Pending,
}

impl Subscribed {
    /// The ack result as `T`, if there was one and it fits.
    pub fn result<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Self::Acked(v) => serde_json::from_value(v.clone()).ok(),
            _ => None,
        }
    }
}

/// The recorded subscriptions, in the order they were made (replayed in that order).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SubscriptionSet {
    items: Vec<Subscription>,
}

impl SubscriptionSet {
    /// Records `sub`, replacing one in the same slot. Returns whether the set changed.
    pub(crate) fn insert(&mut self, sub: Subscription) -> bool {
        match self.items.iter().position(|s| s.same_slot(&sub)) {
            Some(i) if self.items[i] == sub => false,
            Some(i) => {
                self.items[i] = sub;
                true
            }
            None => {
                self.items.push(sub);
                true
            }
        }
    }

    /// Forgets the subscription in `sub`'s slot. Returns whether there was one.
    pub(crate) fn remove(&mut self, sub: &Subscription) -> bool {
        let before = self.items.len();
        self.items.retain(|s| !s.same_slot(sub));
        self.items.len() != before
    }

    /// Forgets exactly `sub` (not a newer subscription that replaced it in its slot).
    pub(crate) fn remove_exact(&mut self, sub: &Subscription) -> bool {
        let before = self.items.len();
        self.items.retain(|s| s != sub);
        self.items.len() != before
    }

    /// A copy, for replaying without holding the lock.
    pub(crate) fn snapshot(&self) -> Vec<Subscription> {
        self.items.clone()
    }

    /// The joined chat rooms.
    pub(crate) fn rooms(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|s| match s {
                Subscription::Room { room_id } => Some(room_id.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(k: &str) -> Subscription {
        Subscription::Module {
            module_key: k.into(),
        }
    }

    #[test]
    fn set_keeps_order_and_dedupes() {
        let mut s = SubscriptionSet::default();
        assert!(s.insert(module("finance")));
        assert!(s.insert(Subscription::Dashboard));
        assert!(!s.insert(module("finance")));
        assert!(s.insert(module("hr")));
        assert_eq!(
            s.snapshot(),
            vec![module("finance"), Subscription::Dashboard, module("hr")]
        );
        assert!(s.remove(&module("finance")));
        assert!(!s.remove(&module("finance")));
        assert_eq!(s.snapshot(), vec![Subscription::Dashboard, module("hr")]);
    }

    #[test]
    fn tracking_is_one_slot() {
        let mut s = SubscriptionSet::default();
        assert!(s.insert(Subscription::Tracking { batch_ms: None }));
        assert!(s.insert(Subscription::Tracking {
            batch_ms: Some(200)
        }));
        assert_eq!(
            s.snapshot(),
            vec![Subscription::Tracking {
                batch_ms: Some(200)
            }]
        );
        // exact removal of the replaced one leaves the new one alone
        assert!(!s.remove_exact(&Subscription::Tracking { batch_ms: None }));
        assert!(s.remove(&Subscription::Tracking { batch_ms: None }));
        assert!(s.snapshot().is_empty());
    }

    #[test]
    fn requests_follow_the_protocol() {
        assert_eq!(
            Subscription::Vehicle {
                vehicle_id: "v1".into()
            }
            .request(),
            ("subscribe:vehicle", json!("v1"))
        );
        assert_eq!(
            Subscription::Tracking {
                batch_ms: Some(100)
            }
            .request(),
            ("subscribe:tracking", json!({"batchMs": 100}))
        );
        assert_eq!(
            module("hr").unsubscribe_request(),
            Some(("module:unsubscribe", json!({"moduleKey": "hr"})))
        );
        assert_eq!(Subscription::Dashboard.unsubscribe_request(), None);
        let mut s = SubscriptionSet::default();
        s.insert(Subscription::Room {
            room_id: "r1".into(),
        });
        s.insert(Subscription::Presence);
        assert_eq!(s.rooms(), vec!["r1".to_owned()]);
        assert_eq!(Subscription::Presence.feature(), Feature::Presence);
    }
}
