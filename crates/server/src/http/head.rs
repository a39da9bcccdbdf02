//! Detaches a request's head from hyper's read buffer.
//!
//! hyper parses header values and the URI as slices of the connection's read buffer (8 to
//! 16 KiB), without copying. Engine.IO keeps every socket's request head for the whole life of
//! the connection (`Socket::req_parts`), so each idle websocket pinned its entire read buffer:
//! about 16 KiB per connection, half of what a connection cost (measured with heaptrack over
//! 2,000 idle sockets; see BENCHMARKS.md). Copying the head into owned allocations of its own
//! size (a few hundred bytes) releases the buffer once hyper is done with it.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Uri};

/// Rebuilds the request's URI and header values in allocations of their own.
pub async fn detach(req: Request) -> Request {
    detach_head(req)
}

/// [`detach`] without the async wrapper axum's `map_request` wants.
pub fn detach_head<B>(mut req: axum::http::Request<B>) -> axum::http::Request<B> {
    let headers = std::mem::take(req.headers_mut());
    *req.headers_mut() = owned_headers(&headers);
    if let Some(uri) = owned_uri(req.uri()) {
        *req.uri_mut() = uri;
    }
    req
}

/// A copy of `headers` whose values share nothing with the originals.
fn owned_headers(headers: &HeaderMap) -> HeaderMap {
    let mut owned = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        // Names are either static (standard headers) or already copied by hyper's parser.
        let mut copy = HeaderValue::from_bytes(value.as_bytes())
            .expect("a header value's bytes are a valid header value");
        copy.set_sensitive(value.is_sensitive());
        owned.append(name.clone(), copy);
    }
    owned
}

/// A copy of `uri` in a fresh allocation (`None` if it would not reparse, which a URI hyper
/// accepted always does).
fn owned_uri(uri: &Uri) -> Option<Uri> {
    uri.to_string().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;

    #[test]
    fn copies_values_and_uri_without_sharing_the_source_buffer() {
        // A "read buffer" that the parsed head slices into, as hyper does.
        let buffer = Bytes::from_static(b"/socket.io/?EIO=4&transport=websocket Bearer abc");
        let uri = Uri::from_maybe_shared(buffer.slice(0..37)).unwrap();
        let auth = HeaderValue::from_maybe_shared(buffer.slice(38..)).unwrap();
        let req = axum::http::Request::builder()
            .uri(uri)
            .header("authorization", auth)
            .header("x-custom", "1")
            .header("x-custom", "2")
            .body(())
            .unwrap();
        let src_range = buffer.as_ptr_range();
        let out = detach_head(req);

        assert_eq!(out.uri().path(), "/socket.io/");
        assert_eq!(out.uri().query(), Some("EIO=4&transport=websocket"));
        assert_eq!(out.headers()["authorization"], "Bearer abc");
        let custom: Vec<_> = out.headers().get_all("x-custom").iter().collect();
        assert_eq!(custom, ["1", "2"], "repeated headers keep their order");
        let value = out.headers()["authorization"].as_bytes().as_ptr();
        assert!(
            !src_range.contains(&value),
            "the value still points into the buffer"
        );
        let path = out.uri().path().as_ptr();
        assert!(
            !src_range.contains(&path),
            "the URI still points into the buffer"
        );
    }

    #[test]
    fn keeps_sensitivity() {
        let mut value = HeaderValue::from_static("secret");
        value.set_sensitive(true);
        let req = axum::http::Request::builder()
            .header("authorization", value)
            .body(())
            .unwrap();
        assert!(detach_head(req).headers()["authorization"].is_sensitive());
    }
}
