//! The library's one error type.

/// Why a simulator call or a wire packet was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A [`crate::SimConfig`] field or a setting is out of its accepted range.
    #[error("invalid simulator configuration: {0}")]
    Config(String),
    /// A Socket.IO / Engine.IO text frame could not be decoded or encoded ([`crate::wire`]).
    #[error("malformed packet: {0}")]
    Packet(String),
}
