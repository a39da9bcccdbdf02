//! [`ClientError`]: why a request (or the client) failed.

use std::time::Duration;

use opsdeck_protocol::ErrorCode;

/// A failed request. `Clone` so it can travel in events.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// No connection is up (or it went down before the answer came). Subscriptions are kept
    /// and replayed on the next connect; other requests are not retried.
    #[error("not connected")]
    Disconnected,
    /// The server did not answer in time.
    #[error("`{event}`: no answer within {after:?}")]
    Timeout {
        /// The request.
        event: String,
        /// The timeout that elapsed.
        after: Duration,
    },
    /// The server refused with a PROTOCOL.md §2 failure ack.
    #[error("`{event}`: {code}: {message}")]
    Server {
        /// The request.
        event: String,
        /// Machine-readable code.
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
    /// The server refused with a failure ack that is not in the §2 shape (non-Opsdeck
    /// servers).
    #[error("`{event}` rejected: {message}")]
    Rejected {
        /// The request.
        event: String,
        /// Whatever the server said.
        message: String,
    },
    /// Capability detection found that the server does not answer this request; it was not
    /// sent. The UI should hide the feature ([`crate::Capabilities`]).
    #[error("`{event}` is not supported by this server")]
    Unsupported {
        /// The request.
        event: String,
    },
    /// The answer did not have the expected shape.
    #[error("`{event}`: unexpected answer: {message}")]
    Decode {
        /// The request.
        event: String,
        /// The decoding error.
        message: String,
    },
    /// The payload could not be serialized.
    #[error("cannot encode the payload: {0}")]
    Encode(String),
    /// [`crate::Client::shutdown`] was called.
    #[error("the client was shut down")]
    Shutdown,
}

impl ClientError {
    /// The §2 error code, for server refusals.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the server itself refused the request (as opposed to transport trouble).
    pub fn is_refusal(&self) -> bool {
        matches!(self, Self::Server { .. } | Self::Rejected { .. })
    }

    /// A refusal that repeating the same request will not change (not `rate_limited` or
    /// `internal`).
    pub fn is_permanent_refusal(&self) -> bool {
        match self {
            Self::Server { code, .. } => {
                !matches!(code, ErrorCode::RateLimited | ErrorCode::Internal)
            }
            Self::Rejected { .. } => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_refusals_are_not_permanent() {
        let server = |code| ClientError::Server {
            event: "e".into(),
            code,
            message: "m".into(),
        };
        assert!(server(ErrorCode::NotFound).is_permanent_refusal());
        assert!(!server(ErrorCode::RateLimited).is_permanent_refusal());
        assert!(!server(ErrorCode::Internal).is_permanent_refusal());
        assert!(server(ErrorCode::Internal).is_refusal());
        assert!(!ClientError::Disconnected.is_refusal());
        assert_eq!(
            server(ErrorCode::Forbidden).code(),
            Some(ErrorCode::Forbidden)
        );
    }
}
