//! Acknowledgement shapes of PROTOCOL.md §2.
//!
//! Success acks are `{success: true, ...result}` (the reference clients read
//! `response.success`), failures `{success: false, error: {code, message}}`. A failure for a
//! request sent without an ack goes out as the `error` event ([`ErrorEvent`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::{ErrorBody, ErrorCode, ProtocolError};

/// Builds `{success: true, ...result}`. `result` must serialize to an object (or unit / null,
/// giving `{success: true}`); any other shape is wrapped as `{success: true, data: result}`.
pub fn ok_ack<T: Serialize + ?Sized>(result: &T) -> Value {
    let mut map = match serde_json::to_value(result) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        Ok(other) => {
            let mut m = Map::new();
            m.insert("data".into(), other);
            m
        }
        Err(_) => Map::new(),
    };
    map.insert("success".into(), Value::Bool(true));
    Value::Object(map)
}

/// `{success: false, error: {code, message}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AckFailure {
    /// Always `false`.
    pub success: bool,
    /// What went wrong.
    pub error: ErrorBody,
}

impl From<&ProtocolError> for AckFailure {
    fn from(e: &ProtocolError) -> Self {
        Self {
            success: false,
            error: e.body(),
        }
    }
}

/// The `error` event: a failure for a request that asked for no ack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorEvent {
    /// The client→server event that failed.
    pub event: String,
    /// Machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl ErrorEvent {
    /// The `error` event for `event` failing with `err`.
    pub fn new(event: &str, err: &ProtocolError) -> Self {
        Self {
            event: event.to_owned(),
            code: err.code,
            message: err.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ok_ack_flattens_objects() {
        assert_eq!(
            ok_ack(&json!({"count": 3})),
            json!({"success": true, "count": 3})
        );
        assert_eq!(ok_ack(&()), json!({"success": true}));
        assert_eq!(ok_ack(&5), json!({"success": true, "data": 5}));
    }

    #[test]
    fn failure_shape() {
        let f = AckFailure::from(&ProtocolError::not_found("no such thing"));
        assert_eq!(
            serde_json::to_value(f).unwrap(),
            json!({"success": false, "error": {"code": "not_found", "message": "no such thing"}})
        );
    }
}
