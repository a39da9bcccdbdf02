//! The chat directory: the rooms a user may enter (`room:list`) and the people they have
//! exchanged direct messages with (`dm:conversations`).

use opsdeck_protocol::chat::{DmConversation, ListedRoom};
use sqlx::Row;

use super::chat::room_from_row;
use super::{Store, from_text};
use crate::error::ServerError;

impl Store {
    /// Public rooms and the private rooms `user_id` may enter, by name then id, each with
    /// whether `user_id` is a member.
    pub async fn rooms_for(&self, user_id: &str) -> Result<Vec<ListedRoom>, ServerError> {
        let rows = sqlx::query(
            "SELECT r.*,
                    EXISTS (SELECT 1 FROM room_members m
                            WHERE m.room_id = r.id AND m.user_id = ?1) AS member
             FROM chat_rooms r
             WHERE r.is_public
                OR EXISTS (SELECT 1 FROM room_access a WHERE a.room_id = r.id AND a.user_id = ?1)
             ORDER BY r.name COLLATE NOCASE, r.id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ListedRoom {
                    room: room_from_row(r)?,
                    member: r.try_get("member")?,
                })
            })
            .collect()
    }

    /// The users `user_id` has exchanged direct messages with, most recent first.
    pub async fn dm_conversations(
        &self,
        user_id: &str,
    ) -> Result<Vec<DmConversation>, ServerError> {
        let rows = sqlx::query(
            "SELECT c.peer, MAX(c.created_at) AS last_at,
                    COALESCE(u.name,
                             (SELECT m.sender_name FROM chat_messages m
                              WHERE m.sender_id = c.peer AND m.recipient_id = ?1
                              ORDER BY m.seq DESC LIMIT 1),
                             c.peer) AS peer_name
             FROM (SELECT CASE WHEN sender_id = ?1 THEN recipient_id ELSE sender_id END AS peer,
                          created_at
                   FROM chat_messages
                   WHERE recipient_id IS NOT NULL AND (sender_id = ?1 OR recipient_id = ?1)) c
             LEFT JOIN users u ON u.id = c.peer
             GROUP BY c.peer
             ORDER BY last_at DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DmConversation {
                    peer_id: r.try_get("peer")?,
                    peer_name: r.try_get("peer_name")?,
                    last_message_at: from_text(&r.try_get::<String, _>("last_at")?),
                })
            })
            .collect()
    }
}
