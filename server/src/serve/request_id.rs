//! Request ids: a client's own `x-request-id` is kept only in a safe form
//! (`[A-Za-z0-9._-]{1,64}`), so it can never add fields, lines or bulk to a
//! log line; anything else is replaced by one of ours.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use tower_http::request_id::{MakeRequestId, RequestId};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest client-chosen id kept.
pub const MAX_LEN: usize = 64;

/// True for ids made only of letters, digits, `.`, `_` and `-`, 1 to
/// [`MAX_LEN`] bytes.
pub fn is_safe(id: &[u8]) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Middleware (runs before `SetRequestIdLayer`): drops a client id that is
/// not safe, or given more than once, so that a fresh one is generated.
pub async fn drop_unsafe(mut req: Request) -> Request {
    let values = req.headers().get_all(&HEADER);
    let mut iter = values.iter();
    let keep = match (iter.next(), iter.next()) {
        (Some(v), None) => is_safe(v.as_bytes()),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        req.headers_mut().remove(&HEADER);
    }
    req
}

/// Generated ids `<start-time hex>-<counter>`: unique per process and
/// unlikely to repeat across restarts.
#[derive(Clone)]
pub struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    pub fn new() -> Self {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        RequestIds {
            prefix: format!("{start:x}").into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn only_short_plain_ids_are_safe() {
        assert!(is_safe(b"req-123.ab_C"));
        assert!(is_safe(&[b'a'; 64]));
        assert!(!is_safe(&[b'a'; 65]));
        assert!(!is_safe(b""));
        for bad in ["a b", "a\tb", "{\"x\":1}", "a=b", "a\"b", "ä"] {
            assert!(!is_safe(bad.as_bytes()), "{bad}");
        }
    }
}
