//! §6 notifications.

use opsdeck_protocol::events;
use opsdeck_protocol::notification::{
    NotificationList, NotificationListRequest, SendNotification, SendResult,
};
use opsdeck_protocol::presence::Count;
use serde_json::json;

use crate::shared::lock;
use crate::{Client, ClientError, Subscribed, Subscription};

impl Client {
    /// `notification:subscribe`: broadcasts also as `notification:new`. (Notifications
    /// addressed to the user arrive without subscribing.)
    pub async fn subscribe_notifications(&self) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Notifications).await
    }

    /// `notification:send` (`dispatcher`+).
    pub async fn send_notification(
        &self,
        notification: &SendNotification,
    ) -> Result<SendResult, ClientError> {
        self.request(events::NOTIFICATION_SEND, notification).await
    }

    /// `notification:list`: newest first; pass `nextCursor` back as `before`.
    pub async fn list_notifications(
        &self,
        request: &NotificationListRequest,
    ) -> Result<NotificationList, ClientError> {
        let list: NotificationList = self.request(events::NOTIFICATION_LIST, request).await?;
        let mut catchup = lock(&self.shared().catchup);
        for n in &list.items {
            catchup.notifications.note_seen(&n.id);
        }
        Ok(list)
    }

    /// `notification:mark-read`; returns the new unread count.
    pub async fn mark_read(&self, notification_id: &str) -> Result<Count, ClientError> {
        self.request(
            events::NOTIFICATION_MARK_READ,
            &json!({ "notificationId": notification_id }),
        )
        .await
    }

    /// `notification:mark-all-read`; returns the new unread count (0).
    pub async fn mark_all_read(&self) -> Result<Count, ClientError> {
        self.request(events::NOTIFICATION_MARK_ALL_READ, &json!({}))
            .await
    }

    /// `notification:request-count`: the unread count (also emitted as
    /// `notification:count`).
    pub async fn notification_count(&self) -> Result<Count, ClientError> {
        self.request(events::NOTIFICATION_REQUEST_COUNT, &json!({}))
            .await
    }
}
