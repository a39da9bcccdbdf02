//! Opaque list cursors (PROTOCOL.md §2): clients pass them back, never build them.

/// Encodes a sequence number as an opaque cursor.
pub fn encode(seq: i64) -> String {
    format!("c{seq:x}")
}

/// Decodes a cursor made by [`encode`]; anything else is `None` (a `bad_request`).
pub fn decode(cursor: &str) -> Option<i64> {
    let hex = cursor.strip_prefix('c')?;
    if hex.is_empty() || hex.len() > 16 {
        return None;
    }
    i64::from_str_radix(hex, 16).ok().filter(|v| *v >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for v in [0, 1, 255, i64::MAX] {
            assert_eq!(decode(&encode(v)), Some(v));
        }
        for bad in ["", "c", "12", "cxyz", "c-1", "c10000000000000000"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
