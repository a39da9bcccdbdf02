//! Durable state in SQLite (WAL), through sqlx; schema in `migrations/`.
//!
//! One pool for the whole server. Writes that must be durable before an emit (notifications)
//! commit before the handler emits. SQLite serialises writers, so the pool is small.

pub mod alerts;
pub mod bulk;
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

/// Page cache per connection of a server: the history index of 10,000 vehicles stays in
/// memory, so batched inserts do not re-read it from disk.
pub const DEFAULT_CACHE_MIB: u32 = 64;

/// The database handle.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if missing) the database at `path` and applies pending migrations,
    /// with the server's page cache ([`DEFAULT_CACHE_MIB`] per connection).
    pub async fn open(path: &Path) -> Result<Self, ServerError> {
        Self::open_with_cache(path, DEFAULT_CACHE_MIB).await
    }

    /// [`Store::open`] with `cache_mib` MiB of page cache per connection.
    pub async fn open_with_cache(path: &Path, cache_mib: u32) -> Result<Self, ServerError> {
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
            // The page cache, in KiB when negative.
            .pragma("cache_size", format!("-{}", u64::from(cache_mib) * 1024))
            // Checkpoint every ~40 MB of WAL instead of 4 MB: fewer fsyncs under bulk inserts.
            .pragma("wal_autocheckpoint", "10000");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // No ping before handing out a connection: an in-process SQLite connection cannot
            // go stale, and the ping was one more round trip to the connection's thread per
            // query, which under load waits for a core (see BENCHMARKS.md, stop 19). It also
            // means a cancelled acquire never drops a connection (sqlx's `Pool::acquire`).
            .test_before_acquire(false)
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn cache_kib(store: &Store) -> i64 {
        sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn page_cache_is_the_configured_size() {
        let dir = tempfile::tempdir().unwrap();
        let server = Store::open(&dir.path().join("a.db")).await.unwrap();
        assert_eq!(cache_kib(&server).await, -64 * 1024);
        let desktop = Store::open_with_cache(&dir.path().join("b.db"), 8)
            .await
            .unwrap();
        assert_eq!(cache_kib(&desktop).await, -8 * 1024);
    }
}
