//! The catch-up requests: pages of `notification:list` and `message:history` back to each
//! conversation's mark, emitted oldest first.

use std::sync::Arc;

use opsdeck_protocol::chat::{ChatMessage, DmReceived, MessageHistory, MessageReceived};
use opsdeck_protocol::compat::{self, MissedMessageList};
use opsdeck_protocol::events;
use opsdeck_protocol::notification::{NotificationList, NotificationListRequest};
use serde_json::json;

use super::HistoryTarget;
use crate::ack::decode_result;
use crate::capabilities::Support;
use crate::connection::Conn;
use crate::events::{CatchUpReport, ClientEvent, ServerEvent};
use crate::shared::{Shared, lock};

/// Runs the catch-up on a fresh connection and emits what was missed.
pub(crate) async fn catch_up(shared: &Arc<Shared>, conn: &Conn) -> CatchUpReport {
    let caps = shared.capabilities().unwrap_or_default();
    let mut report = CatchUpReport {
        complete: true,
        ..Default::default()
    };
    if caps.notifications == Support::Full {
        match notifications(shared, conn).await {
            Some(n) => report.notifications = n,
            None => report.complete = false,
        }
        // the unread count may have changed too: the server emits notification:count
        let _ = conn
            .request_value(
                events::NOTIFICATION_REQUEST_COUNT,
                json!({}),
                shared.config.request_timeout,
            )
            .await;
    }
    if caps.chat == Support::Full {
        let me = conn.signals.identity().map(|i| i.connected.user.id);
        if let Some(me) = &me {
            discover_peers(shared, conn, me).await;
        }
        let mut targets: Vec<HistoryTarget> = lock(&shared.subs)
            .rooms()
            .into_iter()
            .map(HistoryTarget::Room)
            .collect();
        if me.is_some() {
            targets.extend(
                lock(&shared.catchup)
                    .peers()
                    .into_iter()
                    .map(HistoryTarget::Peer),
            );
        }
        for target in targets {
            match messages(shared, conn, &target, me.as_deref()).await {
                Some(n) => report.messages += n,
                None => report.complete = false,
            }
        }
    }
    report
}

/// Direct messages from people never messaged before cannot be found by peer; the server's
/// list of undelivered direct messages (§9 `requestMissedMessages`) names them.
async fn discover_peers(shared: &Arc<Shared>, conn: &Conn, me: &str) {
    lock(&shared.catchup).swallow_missed += 1;
    let list = conn
        .request_value(
            compat::REQUEST_MISSED_MESSAGES,
            json!({}),
            shared.config.request_timeout,
        )
        .await
        .and_then(|v| decode_result::<MissedMessageList>(compat::REQUEST_MISSED_MESSAGES, v));
    let mut state = lock(&shared.catchup);
    match list {
        Ok(list) => state.discover_peers(&list.messages, me),
        Err(e) => {
            tracing::debug!(error = %e, "no list of missed direct messages");
            state.swallow_missed = state.swallow_missed.saturating_sub(1);
        }
    }
}

/// `None` when the catch-up could not reach the mark.
async fn notifications(shared: &Arc<Shared>, conn: &Conn) -> Option<usize> {
    if lock(&shared.catchup).notifications.mark().is_none() {
        return Some(0);
    }
    let mut missed = Vec::new();
    let mut before: Option<String> = None;
    let mut reached = false;
    for _ in 0..shared.config.catch_up_pages.max(1) {
        let req = NotificationListRequest {
            before: before.take(),
            limit: Some(NotificationListRequest::CAP),
            unread_only: None,
        };
        let payload = serde_json::to_value(&req).ok()?;
        let v = conn
            .request_value(
                events::NOTIFICATION_LIST,
                payload,
                shared.config.request_timeout,
            )
            .await
            .ok()?;
        let page: NotificationList = decode_result(events::NOTIFICATION_LIST, v).ok()?;
        let m = lock(&shared.catchup)
            .notifications
            .missed(&page.items, |n| (n.id.as_str(), n.created_at));
        missed.extend(m.items.into_iter().cloned());
        if m.reached || page.next_cursor.is_none() {
            reached = true;
            break;
        }
        before = page.next_cursor;
    }
    let mut emitted = 0;
    for n in missed.into_iter().rev() {
        if lock(&shared.catchup)
            .notifications
            .accept_replay(&n.id, n.created_at)
        {
            emitted += 1;
            shared.deliver(ClientEvent::Server(ServerEvent::NotificationNew(n)));
        }
    }
    reached.then_some(emitted)
}

async fn messages(
    shared: &Arc<Shared>,
    conn: &Conn,
    target: &HistoryTarget,
    me: Option<&str>,
) -> Option<usize> {
    if lock(&shared.catchup).thread(target).mark().is_none() {
        return Some(0);
    }
    let mut missed: Vec<ChatMessage> = Vec::new();
    let mut before: Option<String> = None;
    let mut reached = false;
    for _ in 0..shared.config.catch_up_pages.max(1) {
        let mut payload = json!({ "limit": 200 });
        match target {
            HistoryTarget::Room(r) => payload["roomId"] = json!(r),
            HistoryTarget::Peer(p) => payload["peerId"] = json!(p),
        }
        if let Some(b) = before.take() {
            payload["before"] = json!(b);
        }
        let v = conn
            .request_value(
                events::MESSAGE_HISTORY,
                payload,
                shared.config.request_timeout,
            )
            .await
            .ok()?;
        let page: MessageHistory = decode_result(events::MESSAGE_HISTORY, v).ok()?;
        let m = lock(&shared.catchup)
            .thread(target)
            .missed(&page.messages, |c| (c.id.as_str(), c.created_at));
        missed.extend(m.items.into_iter().cloned());
        if m.reached || page.next_cursor.is_none() {
            reached = true;
            break;
        }
        before = page.next_cursor;
    }
    let mut emitted = 0;
    for c in missed.into_iter().rev() {
        if !lock(&shared.catchup)
            .thread(target)
            .accept_replay(&c.id, c.created_at)
        {
            continue;
        }
        emitted += 1;
        let ev = match target {
            HistoryTarget::Room(room) => ServerEvent::MessageReceived(MessageReceived {
                id: c.id,
                room_id: c.room_id.unwrap_or_else(|| room.clone()),
                sender: c.sender,
                text: c.text,
                created_at: c.created_at,
            }),
            HistoryTarget::Peer(peer) => {
                let recipient = c.recipient_id.unwrap_or_else(|| {
                    if Some(c.sender.id.as_str()) == me {
                        peer.clone()
                    } else {
                        me.unwrap_or_default().to_owned()
                    }
                });
                ServerEvent::DmReceived(DmReceived {
                    id: c.id,
                    sender: c.sender,
                    recipient_id: recipient,
                    text: c.text,
                    created_at: c.created_at,
                })
            }
        };
        shared.deliver(ClientEvent::Server(ev));
    }
    reached.then_some(emitted)
}
