//! Durable state in SQLite (WAL), through sqlx; schema in `migrations/`.
//!
//! One pool for the whole server. Writes that must be durable before an emit (notifications)
//! commit before the handler emits. SQLite serialises writers, so the pool is small.

pub mod alerts;
pub mod chat;
pub mod chat_directory;
pub mod fleet;
pub mod kpis;
pub mod notifications;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::ServerError;

/// The database handle.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if missing) the database at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, ServerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 64 MiB of page cache per connection: the history index of 10,000 vehicles
            // stays in memory, so batched inserts do not re-read it from disk.
            .pragma("cache_size", "-65536")
            // Checkpoint every ~40 MB of WAL instead of 4 MB: fewer fsyncs under bulk inserts.
            .pragma("wal_autocheckpoint", "10000");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for the domain modules.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Waits for in-flight queries and closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The current time at the millisecond precision everything is stored and sent with, so an
/// emitted timestamp equals the one a later list returns.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(3)
}

/// Current time as stored: RFC 3339 with milliseconds, UTC.
pub fn now_text() -> String {
    to_text(now())
}

/// A timestamp as stored.
pub fn to_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; a corrupt value reads as the epoch rather than failing a list.
pub fn from_text(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}
