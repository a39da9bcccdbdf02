//! Payload unwrapping and ack parsing (PROTOCOL.md §2), free of sockets.
//!
//! rust_socketio 0.6 hands event arguments as `Payload::Text(args)` but ack arguments one
//! array deeper (`Payload::Text(vec![Array(args)])`); [`ack_args`] undoes that. Opsdeck acks
//! are `{success: true, ...result}` or `{success: false, error: {code, message}}`; other
//! servers may ack with anything, which is passed through as the result.

use opsdeck_protocol::ErrorBody;
use rust_socketio::Payload;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ClientError;

/// The arguments of an event as JSON values (binary attachments become `null`).
pub(crate) fn event_args(payload: Payload) -> Vec<Value> {
    match payload {
        Payload::Text(values) => values,
        #[allow(deprecated)]
        Payload::String(s) => vec![serde_json::from_str(&s).unwrap_or(Value::String(s))],
        Payload::Binary(_) => vec![Value::Null],
    }
}

/// The arguments of an ack, undoing rust_socketio's extra nesting.
pub(crate) fn ack_args(payload: Payload) -> Vec<Value> {
    let mut args = event_args(payload);
    if args.len() == 1 && args[0].is_array() {
        match args.remove(0) {
            Value::Array(inner) => inner,
            other => vec![other],
        }
    } else {
        args
    }
}

/// The first argument (our events carry one), `null` when there is none.
pub(crate) fn first(args: Vec<Value>) -> Value {
    args.into_iter().next().unwrap_or(Value::Null)
}

/// Interprets an ack: the result of a success (without `success`), or the refusal.
pub(crate) fn parse_ack(event: &str, ack: Value) -> Result<Value, ClientError> {
    let Value::Object(mut map) = ack else {
        return Ok(ack);
    };
    match map.get("success") {
        Some(Value::Bool(true)) => {
            map.remove("success");
            Ok(Value::Object(map))
        }
        Some(Value::Bool(false)) => {
            let error = map.remove("error").unwrap_or(Value::Null);
            match serde_json::from_value::<ErrorBody>(error.clone()) {
                Ok(body) => Err(ClientError::Server {
                    event: event.to_owned(),
                    code: body.code,
                    message: body.message,
                }),
                Err(_) => Err(ClientError::Rejected {
                    event: event.to_owned(),
                    message: match error {
                        Value::String(s) => s,
                        Value::Object(ref o) => o
                            .get("message")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .unwrap_or_else(|| error.to_string()),
                        Value::Null => map
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("request failed")
                            .to_owned(),
                        other => other.to_string(),
                    },
                }),
            }
        }
        _ => Ok(Value::Object(map)),
    }
}

/// Decodes a success result into `T`. A result that `ok_ack` wrapped as `{data}` (a
/// non-object result) decodes from `data`.
pub(crate) fn decode_result<T: DeserializeOwned>(
    event: &str,
    result: Value,
) -> Result<T, ClientError> {
    match serde_json::from_value::<T>(result.clone()) {
        Ok(v) => Ok(v),
        Err(first_error) => {
            if let Value::Object(map) = &result
                && map.len() == 1
                && let Some(data) = map.get("data")
                && let Ok(v) = serde_json::from_value::<T>(data.clone())
            {
                return Ok(v);
            }
            Err(ClientError::Decode {
                event: event.to_owned(),
                message: first_error.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::ErrorCode;
    use opsdeck_protocol::presence::Count;
    use serde_json::json;

    #[test]
    fn acks_are_unwrapped_one_level() {
        let p = Payload::Text(vec![json!([{"success": true, "count": 2}])]);
        assert_eq!(ack_args(p), vec![json!({"success": true, "count": 2})]);
        // already flat (a future rust_socketio): left alone
        let flat = Payload::Text(vec![json!({"success": true})]);
        assert_eq!(ack_args(flat), vec![json!({"success": true})]);
        assert_eq!(first(ack_args(Payload::Text(vec![json!([])]))), Value::Null);
        #[allow(deprecated)]
        let s = Payload::String("{\"a\":1}".into());
        assert_eq!(event_args(s), vec![json!({"a": 1})]);
    }

    #[test]
    fn success_strips_the_flag() {
        let v = parse_ack("get:online:count", json!({"success": true, "count": 3})).unwrap();
        assert_eq!(v, json!({"count": 3}));
        let c: Count = decode_result("get:online:count", v).unwrap();
        assert_eq!(c.count, 3);
    }

    #[test]
    fn failures_map_to_errors() {
        let e = parse_ack(
            "subscribe:vehicle",
            json!({"success": false, "error": {"code": "not_found", "message": "no such vehicle"}}),
        )
        .unwrap_err();
        assert_eq!(
            e,
            ClientError::Server {
                event: "subscribe:vehicle".into(),
                code: ErrorCode::NotFound,
                message: "no such vehicle".into()
            }
        );
        assert_eq!(e.code(), Some(ErrorCode::NotFound));
        let odd = parse_ack("x", json!({"success": false, "error": "nope"})).unwrap_err();
        assert_eq!(
            odd,
            ClientError::Rejected {
                event: "x".into(),
                message: "nope".into()
            }
        );
        let odd2 = parse_ack("x", json!({"success": false, "message": "bad"})).unwrap_err();
        assert!(matches!(odd2, ClientError::Rejected { message, .. } if message == "bad"));
        let odd3 = parse_ack(
            "x",
            json!({"success": false, "error": {"code": "weird", "message": "m"}}),
        )
        .unwrap_err();
        assert!(matches!(odd3, ClientError::Rejected { message, .. } if message == "m"));
    }

    #[test]
    fn foreign_acks_pass_through() {
        assert_eq!(parse_ack("x", json!(42)).unwrap(), json!(42));
        assert_eq!(parse_ack("x", json!({"ok": 1})).unwrap(), json!({"ok": 1}));
        let n: u32 = decode_result("x", json!({"data": 7})).unwrap();
        assert_eq!(n, 7);
        let bad = decode_result::<Count>("x", json!({"nope": 1})).unwrap_err();
        assert!(matches!(bad, ClientError::Decode { .. }));
        let ignored: serde::de::IgnoredAny = decode_result("x", json!({})).unwrap();
        let _ = ignored;
    }
}
