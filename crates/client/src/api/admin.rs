//! §8 operations (a client on namespace `/admin`, role `admin`).

use opsdeck_protocol::admin::{Disconnected, RoomsList, SocketsList, SocketsListRequest};
use opsdeck_protocol::events;
use serde_json::json;

use super::Done;
use crate::{Client, ClientError, Subscribed, Subscription};

impl Client {
    /// `stats:subscribe`: `stats` every second.
    pub async fn subscribe_stats(&self) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Stats).await
    }

    /// `stats:unsubscribe`.
    pub async fn unsubscribe_stats(&self) -> Result<(), ClientError> {
        self.unsubscribe(&Subscription::Stats).await
    }

    /// `sockets:list`.
    pub async fn list_sockets(
        &self,
        request: &SocketsListRequest,
    ) -> Result<SocketsList, ClientError> {
        self.request(events::SOCKETS_LIST, request).await
    }

    /// `socket:disconnect`.
    pub async fn disconnect_socket(&self, socket_id: &str) -> Result<(), ClientError> {
        self.request::<_, Done>(events::SOCKET_DISCONNECT, &json!({ "socketId": socket_id }))
            .await
            .map(|_| ())
    }

    /// `sockets:disconnect-all` (every socket but this one).
    pub async fn disconnect_all_sockets(&self) -> Result<Disconnected, ClientError> {
        self.request(events::SOCKETS_DISCONNECT_ALL, &json!({}))
            .await
    }

    /// `rooms:list`.
    pub async fn list_rooms(&self) -> Result<RoomsList, ClientError> {
        self.request(events::ROOMS_LIST, &json!({})).await
    }
}
