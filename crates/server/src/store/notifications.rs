//! Notifications (PROTOCOL.md §6): stored with their addressees before anything is emitted.

use chrono::{DateTime, Utc};
use opsdeck_protocol::identity::Sender;
use opsdeck_protocol::notification::{
    Notification, NotificationType, SendNotification, Target, TargetKind,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{Store, from_text, to_text};
use crate::error::ServerError;

/// A notification as stored, with whom it addresses.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The notification as delivered (`read: false`).
    pub notification: Notification,
    /// Users addressed (empty for target `all`, which goes to every socket).
    pub recipients: Vec<String>,
    /// Number of known users addressed.
    pub recipient_count: u64,
}

/// SQL condition: row `n` addresses user `?1` (whose broadcast floor is looked up inline).
/// A macro, not a const, so queries stay `&'static str` via `concat!`.
macro_rules! addressed {
    () => {
        "(n.seq IN (SELECT seq FROM notification_recipients WHERE user_id = ?1)
          OR (n.target_kind = 'all'
              AND n.seq > (SELECT notif_floor FROM users WHERE id = ?1)))"
    };
}

/// SQL condition: user `?1` has read row `n`.
macro_rules! is_read {
    () => {
        "EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = ?1 AND r.seq = n.seq)"
    };
}

fn kind_str(k: TargetKind) -> &'static str {
    match k {
        TargetKind::All => "all",
        TargetKind::Users => "users",
        TargetKind::Roles => "roles",
        TargetKind::Room => "room",
    }
}

fn parse_kind(s: &str) -> TargetKind {
    match s {
        "users" => TargetKind::Users,
        "roles" => TargetKind::Roles,
        "room" => TargetKind::Room,
        _ => TargetKind::All,
    }
}

fn parse_type(s: &str) -> NotificationType {
    match s {
        "success" => NotificationType::Success,
        "warning" => NotificationType::Warning,
        "critical" => NotificationType::Critical,
        _ => NotificationType::Info,
    }
}

fn from_row(r: &SqliteRow) -> Result<(i64, Notification), ServerError> {
    let sender = match (
        r.try_get::<Option<String>, _>("sender_id")?,
        r.try_get::<Option<String>, _>("sender_name")?,
    ) {
        (Some(id), Some(name)) => Some(Sender { id, name }),
        _ => None,
    };
    let ids: Option<String> = r.try_get("target_ids")?;
    let data: Option<String> = r.try_get("data")?;
    Ok((
        r.try_get("seq")?,
        Notification {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            message: r.try_get("message")?,
            kind: parse_type(&r.try_get::<String, _>("type")?),
            created_at: from_text(&r.try_get::<String, _>("created_at")?),
            read: r.try_get("is_read")?,
            sender,
            target: Target {
                kind: parse_kind(&r.try_get::<String, _>("target_kind")?),
                ids: ids.and_then(|s| serde_json::from_str(&s).ok()),
            },
            data: data.and_then(|s| serde_json::from_str(&s).ok()),
        },
    ))
}

/// Stores a notification; `?1`…`?10` as bound by `insert_notification`.
macro_rules! insert_notification {
    () => {
        "INSERT INTO notifications
           (id, title, message, type, created_at, sender_id, sender_name, target_kind,
            target_ids, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    };
}

/// Stores a notification, returning its sequence number.
const INSERT: &str = concat!(insert_notification!(), " RETURNING seq");

/// [`INSERT`] for target `all`, also returning how many users it addresses (at send time:
/// the same statement, the same snapshot).
const INSERT_FOR_ALL: &str = concat!(
    insert_notification!(),
    " RETURNING seq, (SELECT COUNT(*) FROM users)"
);

impl Store {
    /// Stores `req` from `sender`, resolving its addressees at send time, in one transaction
    /// (one statement for target `all`).
    pub async fn insert_notification(
        &self,
        req: &SendNotification,
        sender: Option<&Sender>,
        now: DateTime<Utc>,
    ) -> Result<Stored, ServerError> {
        let id = format!("ntf_{:016x}", rand::random::<u64>());
        let insert = |sql| {
            sqlx::query(sql)
                .bind(&id)
                .bind(&req.title)
                .bind(&req.message)
                .bind(req.kind.as_str())
                .bind(to_text(now))
                .bind(sender.map(|s| s.id.as_str()))
                .bind(sender.map(|s| s.name.as_str()))
                .bind(kind_str(req.target.kind))
                .bind(
                    req.target
                        .ids
                        .as_ref()
                        .map(|ids| serde_json::json!(ids).to_string()),
                )
                .bind(req.data.as_ref().map(|d| d.to_string()))
        };
        let (seq, recipients, recipient_count) = if req.target.kind == TargetKind::All {
            // One statement, so one round trip to the database thread. While a broadcast
            // fans out to thousands of sockets that thread waits for a core, each round trip
            // then costs milliseconds, and the four of a transaction bounded how many
            // broadcasts a second could go out (21 against 90 at 10,000 sockets).
            let row = insert(INSERT_FOR_ALL).fetch_one(self.pool()).await?;
            let count: i64 = row.try_get(1)?;
            (row.try_get::<i64, _>(0)?, Vec::new(), count as u64)
        } else {
            let mut tx = self.pool().begin().await?;
            let seq: i64 = insert(INSERT).fetch_one(&mut *tx).await?.try_get(0)?;
            let ids = req.target.ids.clone().unwrap_or_default();
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR IGNORE INTO notification_recipients (user_id, seq) ");
            let (column, from) = match req.target.kind {
                TargetKind::Users => ("id", " FROM users WHERE id IN ("),
                TargetKind::Roles => ("id", " FROM users WHERE role IN ("),
                _ => ("DISTINCT user_id", " FROM room_members WHERE room_id IN ("),
            };
            q.push("SELECT ")
                .push(column)
                .push(", ")
                .push_bind(seq)
                .push(from);
            let mut list = q.separated(", ");
            for i in &ids {
                list.push_bind(i);
            }
            q.push(") RETURNING user_id");
            let rows = q.build().fetch_all(&mut *tx).await?;
            let users = rows
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().await?;
            let n = users.len() as u64;
            (seq, users, n)
        };
        Ok(Stored {
            notification: Notification {
                id,
                title: req.title.clone(),
                message: req.message.clone(),
                kind: req.kind,
                created_at: now,
                read: false,
                sender: sender.cloned(),
                target: req.target.clone(),
                data: req.data.clone(),
            },
            recipients,
            recipient_count,
        })
        .inspect(|_| tracing::debug!(seq, "notification stored"))
    }

    /// Unread notifications addressed to `user_id`.
    pub async fn unread_count(&self, user_id: &str) -> Result<u64, ServerError> {
        let sql = concat!(
            "SELECT COUNT(*) FROM notifications n WHERE ",
            addressed!(),
            " AND NOT ",
            is_read!()
        );
        let n: i64 = sqlx::query(sql)
            .bind(user_id)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        Ok(n as u64)
    }

    /// Newest first, strictly before `before` (a seq), at most `limit`; returns the page and
    /// the seq to continue from when more follow.
    pub async fn list_notifications(
        &self,
        user_id: &str,
        before: Option<i64>,
        limit: u32,
        unread_only: bool,
    ) -> Result<(Vec<Notification>, Option<i64>), ServerError> {
        let sql = concat!(
            "SELECT n.*, ",
            is_read!(),
            " AS is_read FROM notifications n WHERE n.seq < ?2 AND ",
            addressed!(),
            " AND (?4 = 0 OR NOT ",
            is_read!(),
            ") ORDER BY n.seq DESC LIMIT ?3"
        );
        let rows = sqlx::query(sql)
            .bind(user_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit) + 1)
            .bind(unread_only)
            .fetch_all(self.pool())
            .await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|(seq, _)| *seq)
        } else {
            None
        };
        Ok((items.into_iter().map(|(_, n)| n).collect(), next))
    }

    /// Marks one notification read. `Ok(false)` when it is not addressed to the user (or
    /// does not exist).
    pub async fn mark_read(
        &self,
        user_id: &str,
        notification_id: &str,
    ) -> Result<bool, ServerError> {
        let sql = concat!(
            "INSERT OR IGNORE INTO notification_reads (user_id, seq, read_at)
             SELECT ?1, n.seq, ?3 FROM notifications n WHERE n.id = ?2 AND ",
            addressed!(),
            " RETURNING seq"
        );
        let inserted = sqlx::query(sql)
            .bind(user_id)
            .bind(notification_id)
            .bind(super::now_text())
            .fetch_optional(self.pool())
            .await?;
        if inserted.is_some() {
            return Ok(true);
        }
        // Not inserted: either already read (fine) or not addressed to this user.
        let sql = concat!(
            "SELECT 1 FROM notifications n WHERE n.id = ?2 AND ",
            addressed!()
        );
        Ok(sqlx::query(sql)
            .bind(user_id)
            .bind(notification_id)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// Marks every notification addressed to the user read; returns how many changed.
    pub async fn mark_all_read(&self, user_id: &str) -> Result<u64, ServerError> {
        let sql = concat!(
            "INSERT OR IGNORE INTO notification_reads (user_id, seq, read_at)
             SELECT ?1, n.seq, ?2 FROM notifications n WHERE ",
            addressed!()
        );
        Ok(sqlx::query(sql)
            .bind(user_id)
            .bind(super::now_text())
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}
