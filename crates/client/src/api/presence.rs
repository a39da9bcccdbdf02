//! §3 presence.

use opsdeck_protocol::events;
use opsdeck_protocol::presence::{Count, PresenceList, PresenceListRequest};
use serde_json::json;

use crate::{Client, ClientError, Subscribed, Subscription};

impl Client {
    /// `presence:subscribe`: `user:online` / `user:offline` / `user:status` events. The ack
    /// carries the first page of online users (`result::<PresenceList>()`).
    pub async fn subscribe_presence(&self) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Presence).await
    }

    /// `presence:list`: online users ordered by id.
    pub async fn presence_list(
        &self,
        request: &PresenceListRequest,
    ) -> Result<PresenceList, ClientError> {
        self.request(events::PRESENCE_LIST, request).await
    }

    /// `get:online:count`: the number of online users.
    pub async fn online_count(&self) -> Result<u64, ClientError> {
        let c: Count = self.request(events::GET_ONLINE_COUNT, &json!({})).await?;
        Ok(c.count)
    }
}
