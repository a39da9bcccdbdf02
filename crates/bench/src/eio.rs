//! The Engine.IO v4 / Socket.IO v5 text packets the bench speaks over a websocket.
//!
//! Only what a JSON-parser client on the default namespace needs: open (`0{...}`), ping
//! (`2`) / pong (`3`), close (`1`), and Socket.IO packets inside message (`4`) packets:
//! connect (`40`), disconnect (`41`), event (`42[...]`, `42id[...]`), ack (`43id[...]`) and
//! connect error (`44{...}`). A namespace prefix (`/admin,`) is skipped.

use serde_json::Value;

/// One decoded text frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Packet<'a> {
    /// Engine.IO open, with its JSON (`sid`, `pingInterval`, ...).
    Open(&'a str),
    /// Engine.IO close.
    Close,
    /// Engine.IO ping (answer with [`PONG`]).
    Ping,
    /// Engine.IO pong.
    Pong,
    /// Socket.IO connect accepted, with its JSON (`{"sid":...}`).
    Connect(&'a str),
    /// Socket.IO disconnect.
    Disconnect,
    /// Socket.IO event: the JSON array text, and the ack id the sender asked for.
    Event {
        /// Ack id requested by the sender.
        ack: Option<u64>,
        /// `["name", args...]`.
        data: &'a str,
    },
    /// Socket.IO ack of one of our events.
    Ack {
        /// The id we sent.
        id: u64,
        /// `[args...]`.
        data: &'a str,
    },
    /// Socket.IO connect error, with its JSON (`{"message":...}`).
    ConnectError(&'a str),
    /// Anything else (upgrade, noop, binary placeholders): ignored.
    Other,
}

/// The pong a client answers a ping with.
pub const PONG: &str = "3";

/// Decodes one text frame.
pub fn parse(text: &str) -> Packet<'_> {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, '0')) => Packet::Open(&text[1..]),
        Some((_, '1')) => Packet::Close,
        Some((_, '2')) => Packet::Ping,
        Some((_, '3')) => Packet::Pong,
        Some((_, '4')) => parse_socketio(&text[1..]),
        _ => Packet::Other,
    }
}

fn parse_socketio(body: &str) -> Packet<'_> {
    let Some(kind) = body.chars().next() else {
        return Packet::Other;
    };
    let mut rest = &body[1..];
    if rest.starts_with('/') {
        rest = match rest.find(',') {
            Some(i) => &rest[i + 1..],
            None => "",
        };
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = rest[..digits].parse::<u64>().ok();
    let data = &rest[digits..];
    match kind {
        '0' => Packet::Connect(data),
        '1' => Packet::Disconnect,
        '2' => Packet::Event { ack: id, data },
        '3' => match id {
            Some(id) => Packet::Ack { id, data },
            None => Packet::Other,
        },
        '4' => Packet::ConnectError(data),
        _ => Packet::Other,
    }
}

/// The Socket.IO connect packet for the default namespace with `auth`.
pub fn connect(auth: &Value) -> String {
    format!("40{auth}")
}

/// An event packet `42[name, arg]`, asking for an ack when `ack` is set.
pub fn event(name: &str, arg: &Value, ack: Option<u64>) -> String {
    let array = Value::Array(vec![Value::String(name.to_owned()), arg.clone()]);
    match ack {
        Some(id) => format!("42{id}{array}"),
        None => format!("42{array}"),
    }
}

/// Splits an event's JSON array into its name and first argument.
pub fn event_parts(data: &str) -> Option<(String, Value)> {
    let Value::Array(mut items) = serde_json::from_str::<Value>(data).ok()? else {
        return None;
    };
    if items.is_empty() {
        return None;
    }
    let first = items.remove(0);
    let name = first.as_str()?.to_owned();
    let arg = if items.is_empty() {
        Value::Null
    } else {
        items.swap_remove(0)
    };
    Some((name, arg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn engine_packets() {
        assert_eq!(
            parse(r#"0{"sid":"a","pingInterval":25000}"#),
            Packet::Open(r#"{"sid":"a","pingInterval":25000}"#)
        );
        assert_eq!(parse("2"), Packet::Ping);
        assert_eq!(parse("3"), Packet::Pong);
        assert_eq!(parse("1"), Packet::Close);
        assert_eq!(parse("6"), Packet::Other);
        assert_eq!(parse(""), Packet::Other);
    }

    #[test]
    fn socketio_packets() {
        assert_eq!(parse(r#"40{"sid":"x"}"#), Packet::Connect(r#"{"sid":"x"}"#));
        assert_eq!(parse("41"), Packet::Disconnect);
        assert_eq!(
            parse(r#"42["tracking:update",{"vehicleId":"v1"}]"#),
            Packet::Event {
                ack: None,
                data: r#"["tracking:update",{"vehicleId":"v1"}]"#
            }
        );
        assert_eq!(
            parse(r#"4217["ping",1]"#),
            Packet::Event {
                ack: Some(17),
                data: r#"["ping",1]"#
            }
        );
        assert_eq!(
            parse(r#"43123[{"success":true}]"#),
            Packet::Ack {
                id: 123,
                data: r#"[{"success":true}]"#
            }
        );
        assert_eq!(
            parse("43[1]"),
            Packet::Other,
            "an ack without id is malformed"
        );
        assert_eq!(
            parse(r#"44{"message":"Authentication error: bad"}"#),
            Packet::ConnectError(r#"{"message":"Authentication error: bad"}"#)
        );
        assert_eq!(
            parse(r#"42/admin,5["stats",{}]"#),
            Packet::Event {
                ack: Some(5),
                data: r#"["stats",{}]"#
            }
        );
    }

    #[test]
    fn encoding_round_trips() {
        let auth = json!({"token": "t"});
        assert_eq!(connect(&auth), r#"40{"token":"t"}"#);
        let p = event("location:report", &json!({"lat": 1.5}), Some(9));
        assert_eq!(p, r#"429["location:report",{"lat":1.5}]"#);
        let Packet::Event { ack, data } = parse(&p) else {
            panic!("not an event: {p}");
        };
        assert_eq!(ack, Some(9));
        let (name, arg) = event_parts(data).expect("parts");
        assert_eq!(name, "location:report");
        assert_eq!(arg, json!({"lat": 1.5}));
        assert_eq!(event("x", &Value::Null, None), r#"42["x",null]"#);
    }

    #[test]
    fn event_parts_rejects_non_events() {
        assert_eq!(event_parts("{}"), None);
        assert_eq!(event_parts("[]"), None);
        assert_eq!(event_parts("[1,2]"), None);
        assert_eq!(
            event_parts(r#"["only"]"#),
            Some(("only".into(), Value::Null))
        );
    }
}
