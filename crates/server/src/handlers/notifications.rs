//! Notification events (PROTOCOL.md §6). Storage is in `store/notifications.rs`; sending is
//! shared with HTTP through [`send`].

use opsdeck_protocol::identity::{Sender, user_room};
use opsdeck_protocol::notification::{
    MarkRead, NotificationList, NotificationListRequest, SendNotification, SendResult, TargetKind,
};
use opsdeck_protocol::presence::Count;
use opsdeck_protocol::{ProtocolError, Role, Validate, events};
use serde::de::IgnoredAny;

use super::{Caller, Reply, Table, done, join_limited, on, reply, require};
use crate::domain::cursor;
use crate::metrics::Counters;
use crate::state::App;

pub(super) fn register(t: &mut Table) {
    on(t, events::NOTIFICATION_SUBSCRIBE, subscribe);
    on(t, events::NOTIFICATION_SEND, send_event);
    on(t, events::NOTIFICATION_REQUEST_COUNT, request_count);
    on(t, events::NOTIFICATION_MARK_READ, mark_read);
    on(t, events::NOTIFICATION_MARK_ALL_READ, mark_all_read);
    on(t, events::NOTIFICATION_LIST, list);
}

async fn subscribe(c: Caller, _: IgnoredAny) -> Reply {
    join_limited(&c, events::NOTIFICATIONS_ROOM)?;
    done()
}

async fn send_event(c: Caller, req: SendNotification) -> Reply {
    require(&c, Role::Dispatcher)?;
    let sender = Sender {
        id: c.ctx.identity.user_id.clone(),
        name: c.ctx.identity.name.clone(),
    };
    reply(&send(&c.app, req, Some(sender)).await?)
}

/// Validates, stores (durably), then emits a notification. Shared by the socket event and
/// `POST /api/notifications[/broadcast]`.
pub async fn send(
    app: &App,
    req: SendNotification,
    sender: Option<Sender>,
) -> Result<SendResult, ProtocolError> {
    req.validate()?;
    let stored = app
        .store
        .insert_notification(&req, sender.as_ref(), crate::store::now())
        .await?;
    Counters::add(&app.counters.notifications, 1);
    let n = &stored.notification;
    if req.target.kind == TargetKind::All {
        app.emit_all_except(Vec::new(), events::NOTIFICATION_BROADCAST, n)
            .await;
        app.emit_rooms(
            vec![events::NOTIFICATIONS_ROOM.to_owned()],
            events::NOTIFICATION_NEW,
            n,
        )
        .await;
    } else {
        let rooms = stored.recipients.iter().map(|u| user_room(u)).collect();
        app.emit_rooms(rooms, events::NOTIFICATION_NEW, n).await;
    }
    Ok(SendResult {
        id: n.id.clone(),
        recipients: stored.recipient_count,
    })
}

async fn request_count(c: Caller, _: IgnoredAny) -> Reply {
    let count = Count {
        count: c.app.store.unread_count(&c.ctx.identity.user_id).await?,
    };
    c.app
        .emit_socket(&c.socket, events::NOTIFICATION_COUNT, &count);
    reply(&count)
}

/// Tells every socket of the user its new unread count.
async fn sync_count(c: &Caller) -> Result<Count, ProtocolError> {
    let user = &c.ctx.identity.user_id;
    let count = Count {
        count: c.app.store.unread_count(user).await?,
    };
    c.app
        .emit_rooms(vec![user_room(user)], events::NOTIFICATION_COUNT, &count)
        .await;
    Ok(count)
}

async fn mark_read(c: Caller, req: MarkRead) -> Reply {
    req.validate()?;
    if c.ctx.identity.anonymous {
        // An anonymous viewer (the ERP dashboard of seed 000, which marks what it showed as
        // read) has no read state to keep: accepted, as that document's backend does.
        return reply(&Count { count: 0 });
    }
    if !c
        .app
        .store
        .mark_read(&c.ctx.identity.user_id, req.id())
        .await?
    {
        return Err(ProtocolError::not_found("no such notification"));
    }
    reply(&sync_count(&c).await?)
}

async fn mark_all_read(c: Caller, _: IgnoredAny) -> Reply {
    c.app.store.mark_all_read(&c.ctx.identity.user_id).await?;
    reply(&sync_count(&c).await?)
}

async fn list(c: Caller, req: Option<NotificationListRequest>) -> Reply {
    let req = req.unwrap_or_default();
    req.validate()?;
    let before = match &req.before {
        Some(b) => {
            Some(cursor::decode(b).ok_or_else(|| ProtocolError::bad_request("invalid cursor"))?)
        }
        None => None,
    };
    let limit = req.limit.unwrap_or(NotificationListRequest::DEFAULT);
    let (items, next) = c
        .app
        .store
        .list_notifications(
            &c.ctx.identity.user_id,
            before,
            limit,
            req.unread_only.unwrap_or(false),
        )
        .await?;
    reply(&NotificationList {
        items,
        next_cursor: next.map(cursor::encode),
    })
}
