//! Known users (PROTOCOL.md §1).

use opsdeck_protocol::Role;
use opsdeck_protocol::admin::UserRecord;
use sqlx::Row;

use super::{Store, from_text, now_text};
use crate::error::ServerError;

impl Store {
    /// Records a user seen with a valid token (or created by an admin): inserts it, or
    /// updates its name and role. Returns whether it was new. A new user's broadcast floor is
    /// the newest notification, so it never sees broadcasts sent before it was known.
    pub async fn upsert_user(&self, id: &str, name: &str, role: Role) -> Result<bool, ServerError> {
        let row = sqlx::query(
            "INSERT INTO users (id, name, role, created_at, notif_floor)
             VALUES (?1, ?2, ?3, ?4, (SELECT IFNULL(MAX(seq), 0) FROM notifications))
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role
             RETURNING created_at = ?4 AS inserted",
        )
        .bind(id)
        .bind(name)
        .bind(role.as_str())
        .bind(now_text())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get::<bool, _>("inserted")?)
    }

    /// Records when a user was last seen.
    pub async fn touch_user(&self, id: &str) -> Result<(), ServerError> {
        sqlx::query("UPDATE users SET last_seen = ?2 WHERE id = ?1")
            .bind(id)
            .bind(now_text())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether the user is known.
    pub async fn user_exists(&self, id: &str) -> Result<bool, ServerError> {
        let row = sqlx::query("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<bool, _>(0)?)
    }

    /// Every known user, by id. `online` is filled in by the caller.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>, ServerError> {
        let rows =
            sqlx::query("SELECT id, name, role, created_at, last_seen FROM users ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let users = rows
            .iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(UserRecord {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    role: Role::parse(&role).unwrap_or(Role::Viewer),
                    created_at: from_text(&r.try_get::<String, _>("created_at")?),
                    last_seen: r
                        .try_get::<Option<String>, _>("last_seen")?
                        .as_deref()
                        .map(from_text),
                    online: false,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(users)
    }
}
