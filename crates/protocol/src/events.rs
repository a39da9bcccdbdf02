//! Every event name of PROTOCOL.md, client→server and server→client, in one place.
//!
//! Grouped by section. Alternative names of §9 are in `compat`.

// §1 identity
/// Server → socket after the handshake.
pub const CONNECTED: &str = "connected";

// §2 errors
/// Server → socket: failure of a request sent without ack.
pub const ERROR: &str = "error";

// §3 presence
/// Client → server: join room `presence`, ack as `presence:list`.
pub const PRESENCE_SUBSCRIBE: &str = "presence:subscribe";
/// Client → server: page through online users.
pub const PRESENCE_LIST: &str = "presence:list";
/// Client → server: number of online users.
pub const GET_ONLINE_COUNT: &str = "get:online:count";
/// Server → presence: a user came online.
pub const USER_ONLINE: &str = "user:online";
/// Server → presence: a user went offline.
pub const USER_OFFLINE: &str = "user:offline";
/// Server → presence: a user's status changed.
pub const USER_STATUS: &str = "user:status";
/// Server → all (option `getonlineusers`): ids of online users.
pub const GET_ONLINE_USERS: &str = "getOnlineUsers";
/// The room presence events go to.
pub const PRESENCE_ROOM: &str = "presence";

// §4 kpi
/// Client → server: join `module:{moduleKey}`, get `kpi:update:{moduleKey}` at once.
pub const MODULE_SUBSCRIBE: &str = "module:subscribe";
/// Client → server: leave `module:{moduleKey}`.
pub const MODULE_UNSUBSCRIBE: &str = "module:unsubscribe";
/// Prefix of the per-module KPI event `kpi:update:{moduleKey}`; see [`kpi_update_event`].
pub const KPI_UPDATE_PREFIX: &str = "kpi:update:";
/// Client → server: join `dashboard`, get `dashboard:update` at once.
pub const DASHBOARD_SUBSCRIBE: &str = "dashboard:subscribe";
/// Server → dashboard: summary cards and top KPIs.
pub const DASHBOARD_UPDATE: &str = "dashboard:update";
/// The room dashboard subscribers join.
pub const DASHBOARD_ROOM: &str = "dashboard";
/// Client → server (`dispatcher`+): report KPI values.
pub const KPI_REPORT: &str = "kpi:report";
/// Client → server (`dispatcher`+): set a KPI's thresholds.
pub const KPI_THRESHOLD: &str = "kpi:threshold";

/// Server → `module:{moduleKey}`: the event carrying that module's KPIs.
pub fn kpi_update_event(module_key: &str) -> String {
    format!("{KPI_UPDATE_PREFIX}{module_key}")
}

/// The module key of a `kpi:update:{moduleKey}` event name, `None` for other events.
pub fn kpi_update_module(event: &str) -> Option<&str> {
    event
        .strip_prefix(KPI_UPDATE_PREFIX)
        .filter(|key| !key.is_empty())
}

// §5 fleet
/// Client → server: join `vehicle:{id}` (bare `vehicleId`), get `vehicle:updated` at once.
pub const SUBSCRIBE_VEHICLE: &str = "subscribe:vehicle";
/// Client → server: leave `vehicle:{id}`.
pub const UNSUBSCRIBE_VEHICLE: &str = "unsubscribe:vehicle";
/// Client → server: join `tracking` (optional `{batchMs}`).
pub const SUBSCRIBE_TRACKING: &str = "subscribe:tracking";
/// Client → server: leave `tracking`.
pub const UNSUBSCRIBE_TRACKING: &str = "unsubscribe:tracking";
/// The room of live fleet view subscribers.
pub const TRACKING_ROOM: &str = "tracking";
/// Server → tracking: one position (subscribers without `batchMs`).
pub const TRACKING_UPDATE: &str = "tracking:update";
/// Server → tracking: latest positions every `batchMs` (subscribers with `batchMs`).
pub const TRACKING_BATCH: &str = "tracking:batch";
/// Client → server: list active vehicles (emits `active-vehicles`, acks `{vehicles}`).
pub const REQUEST_ACTIVE_VEHICLES: &str = "request:active-vehicles";
/// Server → socket: the bare array of active vehicles.
pub const ACTIVE_VEHICLES: &str = "active-vehicles";
/// Server → vehicle room: a vehicle's state changed.
pub const VEHICLE_UPDATED: &str = "vehicle:updated";
/// Server → vehicle room: a vehicle's new position.
pub const VEHICLE_LOCATION: &str = "vehicle:location";
/// Server → vehicle room and `role:dispatcher`: fuel crossed below the threshold.
pub const VEHICLE_LOW_FUEL: &str = "vehicle:low-fuel";
/// Server → vehicle room, tracking, dispatchers, admins: an emergency was raised.
pub const EMERGENCY_ALERT: &str = "emergency:alert";
/// Server → vehicle room, tracking, dispatchers, admins: a geofence was crossed.
pub const GEOFENCE_ALERT: &str = "geofence:alert";
/// Client → server (device or `dispatcher`+): a position.
pub const LOCATION_REPORT: &str = "location:report";
/// Client → server (device or `dispatcher`+): status and/or fuel.
pub const VEHICLE_REPORT_STATUS: &str = "vehicle:report-status";
/// Client → server (device or `dispatcher`+): raise an emergency.
pub const EMERGENCY_RAISE: &str = "emergency:raise";
/// Client → server (`dispatcher`+): create or update a vehicle.
pub const VEHICLE_UPSERT: &str = "vehicle:upsert";
/// Client → server: a vehicle's location history.
pub const VEHICLE_HISTORY: &str = "vehicle:history";
/// Client → server (`dispatcher`+): start a trip.
pub const TRIP_START: &str = "trip:start";
/// Client → server (`dispatcher`+ or the trip's driver): complete a trip.
pub const TRIP_COMPLETE: &str = "trip:complete";
/// Client → server (`dispatcher`+): cancel a trip.
pub const TRIP_CANCEL: &str = "trip:cancel";
/// Client → server: join `trip:{id}` (bare `tripId`), ack `{trip}`.
pub const SUBSCRIBE_TRIP: &str = "subscribe:trip";
/// Server → trip room and tracking: a trip started.
pub const TRIP_STARTED: &str = "trip:started";
/// Server → trip room and tracking: a trip's progress or ETA changed.
pub const TRIP_UPDATED: &str = "trip:updated";
/// Server → trip room and tracking: a trip completed.
pub const TRIP_COMPLETED: &str = "trip:completed";
/// Server → trip room and tracking: a trip was cancelled.
pub const TRIP_CANCELLED: &str = "trip:cancelled";
/// Client → server (`dispatcher`+): create a geofence.
pub const GEOFENCE_CREATE: &str = "geofence:create";
/// Client → server (`dispatcher`+): delete a geofence.
pub const GEOFENCE_DELETE: &str = "geofence:delete";
/// Client → server (`dispatcher`+): list geofences.
pub const GEOFENCE_LIST: &str = "geofence:list";
/// Client → server (`viewer`+): page through alerts.
pub const ALERT_LIST: &str = "alert:list";
/// Client → server (`dispatcher`+): acknowledge an alert.
pub const ALERT_ACK: &str = "alert:ack";
/// Server → dispatchers and admins: an alert was acknowledged.
pub const ALERT_ACKED: &str = "alert:acked";

// §6 notifications
/// Client → server: join room `notifications`.
pub const NOTIFICATION_SUBSCRIBE: &str = "notification:subscribe";
/// Client → server: send a notification.
pub const NOTIFICATION_SEND: &str = "notification:send";
/// Client → server: ask for the unread count.
pub const NOTIFICATION_REQUEST_COUNT: &str = "notification:request-count";
/// Client → server: mark one read.
pub const NOTIFICATION_MARK_READ: &str = "notification:mark-read";
/// Client → server: mark all read.
pub const NOTIFICATION_MARK_ALL_READ: &str = "notification:mark-all-read";
/// Client → server: list notifications.
pub const NOTIFICATION_LIST: &str = "notification:list";
/// Server → user: a targeted notification (also broadcasts, to room `notifications`).
pub const NOTIFICATION_NEW: &str = "notification:new";
/// Server → every socket: a notification to target `all`.
pub const NOTIFICATION_BROADCAST: &str = "notification:broadcast";
/// Server → user: the unread count.
pub const NOTIFICATION_COUNT: &str = "notification:count";
/// The room broadcast subscribers join.
pub const NOTIFICATIONS_ROOM: &str = "notifications";

// §7 chat
/// Client → server: join a chat room (bare `roomId`).
pub const ROOM_JOIN: &str = "room:join";
/// Client → server: leave a chat room (bare `roomId`).
pub const ROOM_LEAVE: &str = "room:leave";
/// Server → room (others): someone joined.
pub const ROOM_USER_JOINED: &str = "room:userJoined";
/// Server → room (others): someone left.
pub const ROOM_USER_LEFT: &str = "room:userLeft";
/// Server → every socket: a room was created (`POST /api/rooms`).
pub const ROOM_CREATED: &str = "room:created";
/// Client → server: the rooms the caller may enter (Opsdeck addition).
pub const ROOM_LIST: &str = "room:list";
/// Client → server: create a room, as `POST /api/rooms` (Opsdeck addition).
pub const ROOM_CREATE: &str = "room:create";
/// Client → server: the caller's direct-message conversations (Opsdeck addition).
pub const DM_CONVERSATIONS: &str = "dm:conversations";
/// Client → server: a room message (`{roomId, text}`, or `{conversationId, content}` per §9).
pub const MESSAGE_SEND: &str = "message:send";
/// Server → room, sender included: a room message.
pub const MESSAGE_RECEIVED: &str = "message:received";
/// Client → server: a direct message.
pub const DM_SEND: &str = "dm:send";
/// Server → recipient's and sender's sockets: a direct message.
pub const DM_RECEIVED: &str = "dm:received";
/// Server → socket: `dm:send` failed.
pub const DM_ERROR: &str = "dm:error";
/// Client → server: started typing (and §9: server → conversation, others).
pub const TYPING_START: &str = "typing:start";
/// Client → server: stopped typing (and §9: server → conversation, others).
pub const TYPING_STOP: &str = "typing:stop";
/// Server → room (others): someone started or stopped typing.
pub const TYPING_UPDATE: &str = "typing:update";
/// Client → server: a message was read; server → its sender's sockets: the read receipt.
pub const MESSAGE_READ: &str = "message:read";
/// Client → server: page through a room's or a peer's messages.
pub const MESSAGE_HISTORY: &str = "message:history";
/// Server → receiver: a direct message sent with `POST /api/messages`.
pub const NEW_MESSAGE: &str = "newMessage";

// §8 operations (namespace /admin)
/// Client → server: receive `stats` every second.
pub const STATS_SUBSCRIBE: &str = "stats:subscribe";
/// Client → server: stop receiving `stats`.
pub const STATS_UNSUBSCRIBE: &str = "stats:unsubscribe";
/// Server → admin: server statistics.
pub const STATS: &str = "stats";
/// The `/admin` room of stats subscribers.
pub const STATS_ROOM: &str = "stats";
/// Client → server: page through sockets.
pub const SOCKETS_LIST: &str = "sockets:list";
/// Client → server: close one socket.
pub const SOCKET_DISCONNECT: &str = "socket:disconnect";
/// Client → server: close every socket but the caller.
pub const SOCKETS_DISCONNECT_ALL: &str = "sockets:disconnect-all";
/// Client → server: rooms and sizes.
pub const ROOMS_LIST: &str = "rooms:list";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_update_event_names() {
        assert_eq!(kpi_update_event("finance"), "kpi:update:finance");
        assert_eq!(kpi_update_module("kpi:update:finance"), Some("finance"));
        assert_eq!(kpi_update_module("kpi:update:"), None);
        assert_eq!(kpi_update_module("dashboard:update"), None);
    }
}
