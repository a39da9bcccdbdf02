//! Chat (PROTOCOL.md §7): rooms, who may enter private ones, members, messages, read receipts
//! and the delivery state of direct messages. Every message is stored before it is emitted.

use chrono::{DateTime, Utc};
use opsdeck_protocol::Role;
use opsdeck_protocol::chat::{ChatMessage, ChatRoom, ChatUser, CreateRoom};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Store, from_text, to_text};
use crate::error::ServerError;

/// A stored message, room or direct.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// Storage order, the basis of history cursors.
    pub seq: i64,
    /// The message as `message:history` shows it.
    pub message: ChatMessage,
}

/// A page of messages, newest first, and the seq to continue before when more follow.
pub type Page = (Vec<StoredMessage>, Option<i64>);

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

fn role_of(s: Option<String>) -> Role {
    s.as_deref().and_then(Role::parse).unwrap_or(Role::Viewer)
}

pub(super) fn room_from_row(r: &SqliteRow) -> Result<ChatRoom, ServerError> {
    let description: String = r.try_get("description")?;
    let creator: Option<String> = r.try_get("created_by")?;
    let creator = creator.unwrap_or_default();
    let creator_name: Option<String> = r.try_get("created_by_name")?;
    Ok(ChatRoom {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: (!description.is_empty()).then_some(description),
        is_public: r.try_get("is_public")?,
        created_by: ChatUser::new(
            creator.clone(),
            creator_name.unwrap_or(creator),
            role_of(r.try_get("created_by_role")?),
        ),
    })
}

fn message_from_row(r: &SqliteRow) -> Result<StoredMessage, ServerError> {
    Ok(StoredMessage {
        seq: r.try_get("seq")?,
        message: ChatMessage {
            id: r.try_get("id")?,
            room_id: r.try_get("room_id")?,
            recipient_id: r.try_get("recipient_id")?,
            sender: ChatUser::new(
                r.try_get::<String, _>("sender_id")?,
                r.try_get::<String, _>("sender_name")?,
                role_of(r.try_get("sender_role")?),
            ),
            text: r.try_get("text")?,
            created_at: from_text(&r.try_get::<String, _>("created_at")?),
        },
    })
}

/// Splits `limit + 1` rows into a page and the cursor seq.
fn page(rows: &[SqliteRow], limit: u32) -> Result<Page, ServerError> {
    let mut items = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|m| m.seq)
    } else {
        None
    };
    Ok((items, next))
}

impl Store {
    /// The room `id`, if it exists.
    pub async fn room(&self, id: &str) -> Result<Option<ChatRoom>, ServerError> {
        let row = sqlx::query("SELECT * FROM chat_rooms WHERE id = ?1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(room_from_row).transpose()
    }

    /// Makes `user` a member of room `id`, creating it as a public room named after its id
    /// when it does not exist (PROTOCOL.md §7). `Ok(None)` when the room is private and the
    /// user may not enter; then nothing is written. One transaction.
    pub async fn enter_room(
        &self,
        id: &str,
        user: &ChatUser,
        now: DateTime<Utc>,
    ) -> Result<Option<ChatRoom>, ServerError> {
        let mut tx = self.pool().begin().await?;
        insert_public_room_in(&mut tx, id, user, now).await?;
        let row = sqlx::query(
            "SELECT r.*, EXISTS (SELECT 1 FROM room_access a
                                 WHERE a.room_id = r.id AND a.user_id = ?2) AS allowed
             FROM chat_rooms r WHERE r.id = ?1",
        )
        .bind(id)
        .bind(&user.id)
        .fetch_one(&mut *tx)
        .await?;
        let room = room_from_row(&row)?;
        if !room.is_public && !row.try_get::<bool, _>("allowed")? {
            return Ok(None);
        }
        sqlx::query(
            "INSERT OR IGNORE INTO room_members (room_id, user_id, joined_at) VALUES (?1, ?2, ?3)",
        )
        .bind(id)
        .bind(&user.id)
        .bind(to_text(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(room))
    }

    /// Creates a room with a fresh id; the creator and `req.members` become members and may
    /// enter it even when it is private. One transaction.
    pub async fn create_room(
        &self,
        req: &CreateRoom,
        creator: &ChatUser,
        now: DateTime<Utc>,
    ) -> Result<ChatRoom, ServerError> {
        let id = new_id("room");
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO chat_rooms
               (id, name, description, is_public, created_by, created_at, created_by_name,
                created_by_role)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&id)
        .bind(&req.name)
        .bind(req.description.as_deref().unwrap_or(""))
        .bind(req.is_public)
        .bind(&creator.id)
        .bind(to_text(now))
        .bind(&creator.name)
        .bind(creator.role.as_str())
        .execute(&mut *tx)
        .await?;
        let members = std::iter::once(&creator.id).chain(req.members.iter().flatten());
        for user in members {
            add_member_in(&mut tx, &id, user, now).await?;
        }
        tx.commit().await?;
        Ok(ChatRoom {
            id,
            name: req.name.clone(),
            description: req.description.clone().filter(|d| !d.is_empty()),
            is_public: req.is_public,
            created_by: creator.clone(),
        })
    }

    /// Adds members (with access to the room even when private); returns those that were not
    /// members before. One transaction.
    pub async fn add_room_members(
        &self,
        room_id: &str,
        user_ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, ServerError> {
        let mut tx = self.pool().begin().await?;
        let mut added = Vec::new();
        for user in user_ids {
            if add_member_in(&mut tx, room_id, user, now).await? && !added.contains(user) {
                added.push(user.clone());
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Whether `user_id` may enter private room `room_id` (creator or added over HTTP).
    pub async fn has_room_access(&self, room_id: &str, user_id: &str) -> Result<bool, ServerError> {
        let row = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM room_access WHERE room_id = ?1 AND user_id = ?2)",
        )
        .bind(room_id)
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get::<bool, _>(0)?)
    }

    /// Ends `user_id`'s membership of `room_id` (access to a private room remains).
    pub async fn leave_room(&self, room_id: &str, user_id: &str) -> Result<(), ServerError> {
        sqlx::query("DELETE FROM room_members WHERE room_id = ?1 AND user_id = ?2")
            .bind(room_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Stores a room message, first creating the room (public, named after its id) if it does
    /// not exist, in the same transaction. Always, not only when the caller saw no room: a
    /// socket is in a room's Socket.IO room as soon as its join starts, before the join has
    /// written the room, and a client may send right after joining without waiting for the ack.
    pub async fn insert_room_message(
        &self,
        room_id: &str,
        sender: &ChatUser,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredMessage, ServerError> {
        let mut tx = self.pool().begin().await?;
        insert_public_room_in(&mut tx, room_id, sender, now).await?;
        let m = insert_message_in(&mut tx, Some(room_id), None, sender, text, now, false).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Stores a direct message; `delivered` when a recipient socket is connected now.
    pub async fn insert_dm(
        &self,
        sender: &ChatUser,
        recipient_id: &str,
        text: &str,
        now: DateTime<Utc>,
        delivered: bool,
    ) -> Result<StoredMessage, ServerError> {
        let mut tx = self.pool().begin().await?;
        let m = insert_message_in(
            &mut tx,
            None,
            Some(recipient_id),
            sender,
            text,
            now,
            delivered,
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The message `id`, if it exists.
    pub async fn message(&self, id: &str) -> Result<Option<StoredMessage>, ServerError> {
        let row = sqlx::query(
            "SELECT seq, id, room_id, recipient_id, sender_id, sender_name, sender_role, text,
                    created_at
             FROM chat_messages WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(message_from_row).transpose()
    }

    /// Records that `user_id` read message `seq`; `true` the first time.
    pub async fn mark_message_read(
        &self,
        seq: i64,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, ServerError> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO chat_reads (seq, user_id, read_at) VALUES (?1, ?2, ?3)",
        )
        .bind(seq)
        .bind(user_id)
        .bind(to_text(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A room's messages, newest first, strictly before seq `before`.
    pub async fn room_history(
        &self,
        room_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Page, ServerError> {
        let rows = sqlx::query(
            "SELECT seq, id, room_id, recipient_id, sender_id, sender_name, sender_role, text,
                    created_at
             FROM chat_messages WHERE room_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
        )
        .bind(room_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(self.pool())
        .await?;
        page(&rows, limit)
    }

    /// The direct messages between `user_id` and `peer_id`, newest first, strictly before seq
    /// `before`. Those to `user_id` in the page count as delivered from now on.
    pub async fn dm_history(
        &self,
        user_id: &str,
        peer_id: &str,
        before: Option<i64>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Page, ServerError> {
        let pair = crate::chat::dm_pair(user_id, peer_id);
        let rows = sqlx::query(
            "SELECT seq, id, room_id, recipient_id, sender_id, sender_name, sender_role, text,
                    created_at
             FROM chat_messages WHERE dm_pair = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
        )
        .bind(&pair)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(self.pool())
        .await?;
        let page = page(&rows, limit)?;
        if let (Some(newest), Some(oldest)) = (page.0.first(), page.0.last()) {
            sqlx::query(
                "UPDATE chat_messages SET delivered_at = ?1
                 WHERE dm_pair = ?2 AND recipient_id = ?3 AND delivered_at IS NULL
                   AND seq BETWEEN ?4 AND ?5",
            )
            .bind(to_text(now))
            .bind(&pair)
            .bind(user_id)
            .bind(oldest.seq)
            .bind(newest.seq)
            .execute(self.pool())
            .await?;
        }
        Ok(page)
    }

    /// Up to `limit` direct messages to `user_id` never delivered, oldest first; they count as
    /// delivered from now on. One transaction.
    pub async fn take_undelivered(
        &self,
        user_id: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredMessage>, ServerError> {
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "SELECT seq, id, room_id, recipient_id, sender_id, sender_name, sender_role, text,
                    created_at
             FROM chat_messages WHERE recipient_id = ?1 AND delivered_at IS NULL
             ORDER BY seq LIMIT ?2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(last) = messages.last() {
            sqlx::query(
                "UPDATE chat_messages SET delivered_at = ?1
                 WHERE recipient_id = ?2 AND delivered_at IS NULL AND seq <= ?3",
            )
            .bind(to_text(now))
            .bind(user_id)
            .bind(last.seq)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(messages)
    }
}

/// Grants access to and membership of a room inside a transaction; `true` when the user was
/// not a member before.
async fn add_member_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    room_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServerError> {
    sqlx::query("INSERT OR IGNORE INTO room_access (room_id, user_id) VALUES (?1, ?2)")
        .bind(room_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "INSERT OR IGNORE INTO room_members (room_id, user_id, joined_at) VALUES (?1, ?2, ?3)",
    )
    .bind(room_id)
    .bind(user_id)
    .bind(to_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Inserts a message inside a transaction.
async fn insert_message_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    room_id: Option<&str>,
    recipient_id: Option<&str>,
    sender: &ChatUser,
    text: &str,
    now: DateTime<Utc>,
    delivered: bool,
) -> Result<StoredMessage, ServerError> {
    let id = new_id("msg");
    let pair = recipient_id.map(|r| crate::chat::dm_pair(&sender.id, r));
    let at = to_text(now);
    let seq: i64 = sqlx::query(
        "INSERT INTO chat_messages
           (id, room_id, recipient_id, dm_pair, sender_id, sender_name, sender_role, text,
            created_at, delivered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING seq",
    )
    .bind(&id)
    .bind(room_id)
    .bind(recipient_id)
    .bind(pair)
    .bind(&sender.id)
    .bind(&sender.name)
    .bind(sender.role.as_str())
    .bind(text)
    .bind(&at)
    .bind(delivered.then_some(&at))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok(StoredMessage {
        seq,
        message: ChatMessage {
            id,
            room_id: room_id.map(str::to_owned),
            recipient_id: recipient_id.map(str::to_owned),
            sender: sender.clone(),
            text: text.to_owned(),
            created_at: now,
        },
    })
}

/// Creates room `id` as a public room named after its id by `creator`, unless it exists.
async fn insert_public_room_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: &str,
    creator: &ChatUser,
    now: DateTime<Utc>,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT OR IGNORE INTO chat_rooms
           (id, name, description, is_public, created_by, created_at, created_by_name,
            created_by_role)
         VALUES (?1, ?1, '', 1, ?2, ?3, ?4, ?5)",
    )
    .bind(id)
    .bind(&creator.id)
    .bind(to_text(now))
    .bind(&creator.name)
    .bind(creator.role.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
