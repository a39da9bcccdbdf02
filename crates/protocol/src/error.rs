//! Error codes of PROTOCOL.md §2, and the one mapping from errors to codes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The machine-readable reason carried by every failure ack, `error` event and HTTP error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The payload is invalid (wrong type, missing field, out of range, limit above its cap).
    BadRequest,
    /// No or invalid credentials.
    Unauthorized,
    /// Valid credentials, insufficient role.
    Forbidden,
    /// The addressed entity does not exist.
    NotFound,
    /// The per-socket (or per-token) rate limit was exceeded.
    RateLimited,
    /// A size or count limit was exceeded (packet size, rooms per socket).
    TooLarge,
    /// The server failed; the request may be retried.
    Internal,
}

impl ErrorCode {
    /// The snake_case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::TooLarge => "too_large",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status used for this code by the REST API (§8).
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::TooLarge => 413,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `{code, message}`, the `error` member of failure acks and HTTP error bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorBody {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation, safe to show to the user.
    pub message: String,
}

/// A failure of a request, as the server reports it to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ProtocolError {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl ProtocolError {
    /// A failure with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    /// `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }
    /// `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
    /// `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    /// `internal`; the message is generic so internals do not leak to clients.
    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "internal server error")
    }
    /// The `{code, message}` body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code,
            message: self.message.clone(),
        }
    }
}

impl From<crate::ValidationError> for ProtocolError {
    fn from(e: crate::ValidationError) -> Self {
        Self::bad_request(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_snake_case() {
        let all = [
            (ErrorCode::BadRequest, "bad_request", 400),
            (ErrorCode::Unauthorized, "unauthorized", 401),
            (ErrorCode::Forbidden, "forbidden", 403),
            (ErrorCode::NotFound, "not_found", 404),
            (ErrorCode::RateLimited, "rate_limited", 429),
            (ErrorCode::TooLarge, "too_large", 413),
            (ErrorCode::Internal, "internal", 500),
        ];
        for (code, name, status) in all {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
            assert_eq!(code.as_str(), name);
            assert_eq!(code.http_status(), status);
        }
    }
}
