//! Alert events (PROTOCOL.md §5, last paragraph): `alert:list` and `alert:ack`. Alerts are
//! created by [`crate::alerts::raise`].

use opsdeck_protocol::fleet::{AlertList, AlertListRequest, AlertRef};
use opsdeck_protocol::identity::{Sender, role_room};
use opsdeck_protocol::{ProtocolError, Role, Validate, events};

use super::{Caller, Reply, Table, on, reply, require};
use crate::domain::cursor;

pub(super) fn register(t: &mut Table) {
    on(t, events::ALERT_LIST, list);
    on(t, events::ALERT_ACK, ack);
}

/// `viewer`+: newest first, paged with an opaque cursor.
async fn list(c: Caller, req: Option<AlertListRequest>) -> Reply {
    require(&c, Role::Viewer)?;
    let req = req.unwrap_or_default();
    req.validate()?;
    let before = match &req.before {
        Some(b) => {
            Some(cursor::decode(b).ok_or_else(|| ProtocolError::bad_request("invalid cursor"))?)
        }
        None => None,
    };
    let limit = req.limit.unwrap_or(AlertListRequest::DEFAULT);
    let (alerts, next) = c
        .app
        .store
        .list_alerts(before, limit, req.unacked_only.unwrap_or(false))
        .await?;
    reply(&AlertList {
        alerts,
        next_cursor: next.map(cursor::encode),
    })
}

/// `dispatcher`+: records the first acknowledgement and tells every dispatcher and admin
/// socket; acking again succeeds with the first acknowledgement and sends nothing.
async fn ack(c: Caller, req: AlertRef) -> Reply {
    require(&c, Role::Dispatcher)?;
    req.validate()?;
    let by = Sender {
        id: c.ctx.identity.user_id.clone(),
        name: c.ctx.identity.name.clone(),
    };
    let Some((acked, first)) = c
        .app
        .store
        .ack_alert(req.id(), &by, crate::store::now())
        .await?
    else {
        return Err(ProtocolError::not_found("no such alert"));
    };
    if first {
        c.app
            .emit_rooms(
                vec![role_room(Role::Dispatcher), role_room(Role::Admin)],
                events::ALERT_ACKED,
                &acked,
            )
            .await;
    }
    reply(&acked)
}
