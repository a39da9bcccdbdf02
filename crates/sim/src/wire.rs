//! A minimal Socket.IO v5 / Engine.IO v4 text codec, as pure functions: enough for a device
//! on the websocket transport with the JSON parser (no binary attachments, no polling).
//!
//! Engine.IO frames are one character of type then a payload: `0{open}`, `2` ping, `3` pong,
//! `4` message, `1` close. A Socket.IO packet rides in a message: type digit, optional
//! `/namespace,`, optional ack id, then JSON: `40{"token":..}` connects to `/`,
//! `42["event",data]` emits, `4217["event",data]` emits asking for ack 17, `4317[reply]` is
//! that ack, `44{"message":..}` refuses a connection.
//!
//! The `opsdeck-sim` binary drives thousands of connections with this instead of a full
//! client library, to keep each connection down to one task and a few kilobytes.

use serde::Serialize;
use serde_json::Value;

use crate::SimError;

/// Query of the websocket endpoint: Engine.IO 4 on the websocket transport.
pub const ENGINE_QUERY: &str = "EIO=4&transport=websocket";

/// The Engine.IO `open` packet's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInfo {
    /// Engine.IO session id.
    pub sid: String,
    /// How often the server pings, ms.
    pub ping_interval_ms: u64,
    /// How long the server waits for a pong, ms.
    pub ping_timeout_ms: u64,
    /// Largest packet the server accepts, bytes (0 when not announced).
    pub max_payload: u64,
}

/// A decoded Engine.IO frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `0`: the session opened.
    Open(OpenInfo),
    /// `1`: the server closes the session.
    Close,
    /// `2`: heartbeat; answer with [`pong`] carrying the same payload.
    Ping(String),
    /// `3`: answer to a ping.
    Pong(String),
    /// `4`: a Socket.IO packet.
    Message(Packet),
    /// `5`: transport upgrade (not used on websocket-only sessions).
    Upgrade,
    /// `6`: no-op.
    Noop,
}

/// A decoded Socket.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub enum Packet {
    /// `0`: connected to a namespace (payload `{sid}`).
    Connect {
        /// Namespace, `/` by default.
        nsp: String,
        /// Payload, if any.
        data: Option<Value>,
    },
    /// `1`: disconnected from a namespace.
    Disconnect {
        /// Namespace.
        nsp: String,
    },
    /// `2`: an event: `data` is the array `[name, ...args]`.
    Event {
        /// Namespace.
        nsp: String,
        /// Ack id the sender waits for.
        id: Option<u64>,
        /// `[name, ...args]`.
        data: Value,
    },
    /// `3`: the reply to an event sent with ack id `id`; `data` is the array of arguments.
    Ack {
        /// Namespace.
        nsp: String,
        /// Ack id.
        id: u64,
        /// Reply arguments.
        data: Value,
    },
    /// `4`: connection to a namespace refused (`{message}`).
    ConnectError {
        /// Namespace.
        nsp: String,
        /// Payload, usually `{message}`.
        data: Value,
    },
}

impl Packet {
    /// An event's name.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Self::Event { data, .. } => data.get(0).and_then(Value::as_str),
            _ => None,
        }
    }
}

fn bad(msg: impl Into<String>) -> SimError {
    SimError::Packet(msg.into())
}

/// Decodes one websocket text frame.
pub fn decode(text: &str) -> Result<Frame, SimError> {
    let mut chars = text.chars();
    let kind = chars.next().ok_or_else(|| bad("empty frame"))?;
    let rest = chars.as_str();
    Ok(match kind {
        '0' => Frame::Open(decode_open(rest)?),
        '1' => Frame::Close,
        '2' => Frame::Ping(rest.to_owned()),
        '3' => Frame::Pong(rest.to_owned()),
        '4' => Frame::Message(decode_packet(rest)?),
        '5' => Frame::Upgrade,
        '6' => Frame::Noop,
        other => return Err(bad(format!("unknown Engine.IO packet type {other:?}"))),
    })
}

fn decode_open(json: &str) -> Result<OpenInfo, SimError> {
    let v: Value = serde_json::from_str(json).map_err(|e| bad(format!("open packet: {e}")))?;
    let num = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    Ok(OpenInfo {
        sid: v
            .get("sid")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("open packet without sid"))?
            .to_owned(),
        ping_interval_ms: num("pingInterval"),
        ping_timeout_ms: num("pingTimeout"),
        max_payload: num("maxPayload"),
    })
}

/// Decodes a Socket.IO packet (the part after the Engine.IO `4`).
pub fn decode_packet(text: &str) -> Result<Packet, SimError> {
    let mut rest = text;
    let kind = rest.chars().next().ok_or_else(|| bad("empty packet"))?;
    rest = &rest[kind.len_utf8()..];
    if matches!(kind, '5' | '6') {
        return Err(bad("binary packets are not supported"));
    }
    let mut nsp = "/".to_owned();
    if rest.starts_with('/') {
        let end = rest.find(',').unwrap_or(rest.len());
        nsp = rest[..end].to_owned();
        rest = rest.get(end + 1..).unwrap_or("");
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = if digits > 0 {
        Some(
            rest[..digits]
                .parse::<u64>()
                .map_err(|e| bad(format!("ack id: {e}")))?,
        )
    } else {
        None
    };
    rest = &rest[digits..];
    let json = |s: &str| -> Result<Value, SimError> {
        serde_json::from_str(s).map_err(|e| bad(format!("packet payload: {e}")))
    };
    Ok(match kind {
        '0' => Packet::Connect {
            nsp,
            data: if rest.is_empty() {
                None
            } else {
                Some(json(rest)?)
            },
        },
        '1' => Packet::Disconnect { nsp },
        '2' => {
            let data = json(rest)?;
            if !data.get(0).is_some_and(Value::is_string) {
                return Err(bad("event without a name"));
            }
            Packet::Event { nsp, id, data }
        }
        '3' => Packet::Ack {
            nsp,
            id: id.ok_or_else(|| bad("ack without id"))?,
            data: json(rest)?,
        },
        '4' => Packet::ConnectError {
            nsp,
            data: if rest.is_empty() {
                Value::Null
            } else {
                json(rest)?
            },
        },
        other => return Err(bad(format!("unknown Socket.IO packet type {other:?}"))),
    })
}

/// `nsp,` prefix for namespaces other than `/`.
fn nsp_prefix(nsp: &str) -> String {
    if nsp == "/" || nsp.is_empty() {
        String::new()
    } else {
        format!("{nsp},")
    }
}

/// The connect packet with handshake auth, e.g. `40{"token":"..."}`.
pub fn connect(nsp: &str, auth: &Value) -> String {
    format!("40{}{auth}", nsp_prefix(nsp))
}

/// The disconnect packet, `41`.
pub fn disconnect(nsp: &str) -> String {
    format!("41{}", nsp_prefix(nsp))
}

/// The pong answering a ping with `payload` (normally empty).
pub fn pong(payload: &str) -> String {
    format!("3{payload}")
}

/// An event packet: `42["event",data]`, or `42<ack>["event",data]` when an ack is wanted.
/// A `null` payload sends the event with no argument.
pub fn event<T: Serialize + ?Sized>(
    nsp: &str,
    name: &str,
    data: &T,
    ack: Option<u64>,
) -> Result<String, SimError> {
    let name = serde_json::to_string(name).map_err(|e| bad(e.to_string()))?;
    let data = serde_json::to_string(data).map_err(|e| bad(e.to_string()))?;
    let ack = ack.map(|a| a.to_string()).unwrap_or_default();
    let prefix = nsp_prefix(nsp);
    Ok(if data == "null" {
        format!("42{prefix}{ack}[{name}]")
    } else {
        format!("42{prefix}{ack}[{name},{data}]")
    })
}

/// What an Opsdeck ack (PROTOCOL.md §2) says.
#[derive(Debug, Clone, PartialEq)]
pub enum AckOutcome {
    /// `{success: true, ...}`: the whole reply object.
    Ok(Value),
    /// `{success: false, error: {code, message}}`.
    Rejected {
        /// Error code, e.g. `bad_request`.
        code: String,
        /// Explanation.
        message: String,
    },
}

/// Reads the first argument of an ack as an Opsdeck reply; anything that is not
/// `{success: true}` counts as rejected (code `invalid_ack` if there is no error code).
pub fn ack_outcome(args: &Value) -> AckOutcome {
    let reply = args.get(0).unwrap_or(args);
    if reply.get("success").and_then(Value::as_bool) == Some(true) {
        return AckOutcome::Ok(reply.clone());
    }
    let err = reply.get("error");
    let text = |k: &str| err.and_then(|e| e.get(k)).and_then(Value::as_str);
    AckOutcome::Rejected {
        code: text("code").unwrap_or("invalid_ack").to_owned(),
        message: text("message").unwrap_or_default().to_owned(),
    }
}

/// The websocket URL of the Engine.IO endpoint of a server given as `http(s)://host:port`
/// or `ws(s)://host:port` (a path, if any, replaces `/socket.io/`).
pub fn engine_url(base: &str) -> Result<String, SimError> {
    let base = base.trim();
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| bad(format!("URL without scheme: {base}")))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => return Err(bad(format!("unsupported URL scheme {other}"))),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].split('?').next().unwrap_or("/")),
        None => (rest, "/"),
    };
    if host.is_empty() {
        return Err(bad(format!("URL without host: {base}")));
    }
    let path = if path == "/" { "/socket.io/" } else { path };
    let slash = if path.ends_with('/') { "" } else { "/" };
    Ok(format!("{scheme}://{host}{path}{slash}?{ENGINE_QUERY}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_open_packet() {
        let f = decode(
            r#"0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            Frame::Open(OpenInfo {
                sid: "abc".into(),
                ping_interval_ms: 25_000,
                ping_timeout_ms: 20_000,
                max_payload: 1_000_000,
            })
        );
        assert!(decode("0{}").is_err());
        assert!(decode("0nope").is_err());
    }

    #[test]
    fn heartbeats() {
        assert_eq!(decode("2").unwrap(), Frame::Ping(String::new()));
        assert_eq!(decode("2probe").unwrap(), Frame::Ping("probe".into()));
        assert_eq!(pong(""), "3");
        assert_eq!(pong("probe"), "3probe");
        assert_eq!(decode("3").unwrap(), Frame::Pong(String::new()));
        assert_eq!(decode("1").unwrap(), Frame::Close);
        assert_eq!(decode("6").unwrap(), Frame::Noop);
        assert!(decode("").is_err());
        assert!(decode("9").is_err());
    }

    #[test]
    fn connect_and_refusal() {
        let auth = json!({"token": "t.o.k"});
        assert_eq!(connect("/", &auth), r#"40{"token":"t.o.k"}"#);
        assert_eq!(connect("/admin", &auth), r#"40/admin,{"token":"t.o.k"}"#);
        assert_eq!(
            decode(r#"40{"sid":"s1"}"#).unwrap(),
            Frame::Message(Packet::Connect {
                nsp: "/".into(),
                data: Some(json!({"sid": "s1"}))
            })
        );
        assert_eq!(
            decode("40/admin,").unwrap(),
            Frame::Message(Packet::Connect {
                nsp: "/admin".into(),
                data: None
            })
        );
        assert_eq!(
            decode(r#"44{"message":"Authentication error: expired"}"#).unwrap(),
            Frame::Message(Packet::ConnectError {
                nsp: "/".into(),
                data: json!({"message": "Authentication error: expired"})
            })
        );
        assert_eq!(
            decode("41").unwrap(),
            Frame::Message(Packet::Disconnect { nsp: "/".into() })
        );
        assert_eq!(disconnect("/"), "41");
    }

    #[test]
    fn events_with_and_without_ack() {
        let data = json!({"vehicleId": "V-0001", "lat": 24.7});
        assert_eq!(
            event("/", "location:report", &data, Some(12)).unwrap(),
            r#"4212["location:report",{"lat":24.7,"vehicleId":"V-0001"}]"#
        );
        assert_eq!(
            event("/", "geofence:list", &Value::Null, Some(0)).unwrap(),
            r#"420["geofence:list"]"#
        );
        assert_eq!(
            event("/admin", "stats:subscribe", &Value::Null, None).unwrap(),
            r#"42/admin,["stats:subscribe"]"#
        );
        let e = decode(r#"42["connected",{"socketId":"x"}]"#).unwrap();
        let Frame::Message(p) = e else { panic!() };
        assert_eq!(p.event_name(), Some("connected"));
        assert!(matches!(p, Packet::Event { id: None, .. }));
        let with_id = decode_packet(r#"2/admin,7["x",1]"#).unwrap();
        assert_eq!(
            with_id,
            Packet::Event {
                nsp: "/admin".into(),
                id: Some(7),
                data: json!(["x", 1])
            }
        );
        assert!(
            decode_packet("2[1]").is_err(),
            "event name must be a string"
        );
        assert!(decode_packet(r#"51-["x",{"_placeholder":true,"num":0}]"#).is_err());
        assert!(decode_packet("é").is_err());
        assert!(decode("4é[]").is_err());
    }

    #[test]
    fn acks_and_outcomes() {
        let Frame::Message(Packet::Ack { id, data, .. }) =
            decode(r#"43123[{"success":true,"tripId":"t-9"}]"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(id, 123);
        assert_eq!(
            ack_outcome(&data),
            AckOutcome::Ok(json!({"success": true, "tripId": "t-9"}))
        );
        let rejected =
            json!([{"success": false, "error": {"code": "rate_limited", "message": "slow down"}}]);
        assert_eq!(
            ack_outcome(&rejected),
            AckOutcome::Rejected {
                code: "rate_limited".into(),
                message: "slow down".into()
            }
        );
        assert!(matches!(
            ack_outcome(&json!([])),
            AckOutcome::Rejected { code, .. } if code == "invalid_ack"
        ));
        assert!(decode("43[{}]").is_err(), "ack without id");
    }

    #[test]
    fn urls() {
        assert_eq!(
            engine_url("http://127.0.0.1:3000").unwrap(),
            "ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(
            engine_url("https://ops.example/").unwrap(),
            "wss://ops.example/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(
            engine_url("ws://h:1/custom").unwrap(),
            "ws://h:1/custom/?EIO=4&transport=websocket"
        );
        assert!(engine_url("127.0.0.1:3000").is_err());
        assert!(engine_url("ftp://x").is_err());
        assert!(engine_url("http://").is_err());
    }
}
