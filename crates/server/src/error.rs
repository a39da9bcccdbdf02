//! The server library's error type.

use opsdeck_protocol::ProtocolError;

/// Errors of the server library. Request-level failures are [`ProtocolError`]s and travel to
/// the client; these are the ones that stop a command or the server itself.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Invalid configuration.
    #[error("configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Socket I/O failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A token could not be created.
    #[error("token: {0}")]
    Token(#[from] jsonwebtoken::errors::Error),
}

impl From<ServerError> for ProtocolError {
    fn from(e: ServerError) -> Self {
        tracing::error!(error = %e, "server error");
        ProtocolError::internal()
    }
}
