//! The app bundle: static files, the SPA fallback, cache headers and the
//! Content-Security-Policy that lets the wasm app run and nothing more.
//!
//! `index.html` is read once at start: it is served for `/` and for every
//! extension-less path the app's router may own, and the hashes of its
//! inline scripts (the bundle has one that loads the wasm module) go into the CSP,
//! so no `'unsafe-inline'` is needed for scripts. Rebuilding the app therefore
//! needs a server restart.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower::service_fn;
use tower_http::services::ServeDir;

/// For files whose name carries a content hash: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (index.html above all): revalidate every time.
const REVALIDATE: &str = "no-cache";

/// The single-file build (scripts/single-file.mjs): offered as a download,
/// never rendered under this server's CSP, which does not allow its inline
/// script; saved to disk, it opens from `file://` under its own CSP.
const SINGLE_FILE: &str = "/signaltrace.html";

/// The page shown at `/` when the app bundle has not been built.
const NOT_BUILT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>signaltrace</title></head>
<body>
<h1>signaltrace</h1>
<p>The web app bundle is not built, so there is nothing to show here yet.
The HTTP API works: <a href="/api/health">/api/health</a>,
<a href="/api/openapi.json">/api/openapi.json</a>.</p>
<p>Build the app with <code>scripts/build-app.sh</code> (it writes <code>dist/</code>),
then restart <code>signaltrace serve</code>, or point <code>--static-dir</code> at the bundle.</p>
</body></html>
"#;

/// What the bundle directory holds, read at start.
pub struct Bundle {
    dir: PathBuf,
    index_html: Option<Bytes>,
}

impl Bundle {
    /// Reads `dir/index.html`; a missing directory is not an error (the
    /// built-in page is served instead), an unreadable index is.
    pub fn open(dir: &Path) -> Result<Bundle, String> {
        let index = dir.join("index.html");
        let index_html = if dir.is_dir() && index.is_file() {
            Some(Bytes::from(std::fs::read(&index).map_err(|e| {
                format!("cannot read {}: {e}", index.display())
            })?))
        } else {
            None
        };
        Ok(Bundle {
            dir: dir.to_path_buf(),
            index_html,
        })
    }

    pub fn is_built(&self) -> bool {
        self.index_html.is_some()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CSP for every response. Scripts: same origin, wasm compilation,
    /// and the inline scripts of index.html by hash. Workers: same origin
    /// or blob URLs (how wasm-bindgen apps start a Web Worker).
    pub fn content_security_policy(&self) -> String {
        let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
        if let Some(html) = &self.index_html {
            for script in inline_scripts(&String::from_utf8_lossy(html)) {
                let digest = Sha256::digest(script.as_bytes());
                let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
                script_src.push_str(&format!(" 'sha256-{b64}'"));
            }
        }
        format!(
            "default-src 'self'; script-src {script_src}; worker-src 'self' blob:; \
             connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'"
        )
    }

    /// The router for every path the API does not own.
    pub fn router(&self) -> Router {
        let Some(index) = self.index_html.clone() else {
            return Router::new().fallback(not_built);
        };
        let spa_index = index.clone();
        let fallback = service_fn(move |req: Request| {
            let index = spa_index.clone();
            async move { Ok::<_, Infallible>(spa_fallback(req, index)) }
        });
        let files = ServeDir::new(&self.dir)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(false)
            .fallback(fallback);
        let index_route = move || {
            let index = index.clone();
            async move { html(index) }
        };
        Router::new()
            .route("/", axum::routing::get(index_route.clone()))
            .route("/index.html", axum::routing::get(index_route))
            .fallback_service(files)
            .layer(middleware::from_fn(cache_control))
            .layer(middleware::from_fn(single_file_download))
    }
}

fn html(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Unknown paths: extension-less ones belong to the app's router and get
/// index.html; a missing `.js`/`.wasm`/... is a real 404, not HTML that
/// the browser would fail to run.
fn spa_fallback(req: Request, index: Bytes) -> Response {
    let last = req.uri().path().rsplit('/').next().unwrap_or("");
    let wants_page = matches!(*req.method(), Method::GET | Method::HEAD) && !last.contains('.');
    if wants_page {
        html(index)
    } else {
        (StatusCode::NOT_FOUND, "not found\n").into_response()
    }
}

async fn not_built(req: Request) -> Response {
    if req.uri().path() == "/" && matches!(*req.method(), Method::GET | Method::HEAD) {
        html(Bytes::from_static(NOT_BUILT_PAGE.as_bytes()))
    } else {
        (StatusCode::NOT_FOUND, "not found\n").into_response()
    }
}

/// Marks hashed assets immutable and everything else revalidate-always.
async fn cache_control(req: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(req.uri().path());
    let mut response: Response<Body> = next.run(req).await;
    let ok = matches!(
        response.status(),
        StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
    );
    let value = if immutable && ok {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Sends `/signaltrace.html` as an attachment, so a browser saves it.
async fn single_file_download(req: Request, next: Next) -> Response {
    let single = req.uri().path() == SINGLE_FILE;
    let mut response = next.run(req).await;
    if single && response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"signaltrace.html\""),
        );
    }
    response
}

/// True for the bundle's content-hashed names, e.g. `app-1a2b3c4d5e6f7a8b_bg.wasm`
/// or `style-0f9e8d7c6b5a4321.css`: a `-`-separated part of the stem made of
/// at least 8 lower-case hex digits.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let Some((stem, _ext)) = name.split_once('.') else {
        return false;
    };
    stem.split('-').skip(1).any(|part| {
        let part = part.strip_suffix("_bg").unwrap_or(part);
        part.len() >= 8 && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// The bodies of `<script>` elements without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<script") {
        let tag_start = at + start;
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let body_start = tag_start + tag_len + 1;
        let Some(body_len) = lower[body_start..].find("</script") else {
            break;
        };
        let tag = &lower[tag_start..body_start];
        let has_src = tag
            .split(|c: char| c.is_whitespace())
            .any(|attr| attr.starts_with("src="));
        if !has_src {
            out.push(&html[body_start..body_start + body_len]);
        }
        at = body_start + body_len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashed_names_are_immutable() {
        assert!(is_hashed_asset("/signaltrace-app-3f1c2a9b8e7d6c5b_bg.wasm"));
        assert!(is_hashed_asset("/signaltrace-app-3f1c2a9b8e7d6c5b.js"));
        assert!(is_hashed_asset("/assets/style-0f9e8d7c6b5a4321.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.ico"));
        assert!(!is_hashed_asset("/some-page"));
        assert!(!is_hashed_asset("/my-app.js"));
    }

    #[test]
    fn csp_hashes_inline_scripts_only() {
        let html = "<html><head><script src=\"/a.js\"></script>\
                    <script type=\"module\">import init from '/a.js'; init();</script></head></html>";
        let scripts = inline_scripts(html);
        assert_eq!(scripts, vec!["import init from '/a.js'; init();"]);
        let dir = std::env::temp_dir().join(format!("st-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), html).unwrap();
        let csp = Bundle::open(&dir).unwrap().content_security_policy();
        std::fs::remove_dir_all(&dir).unwrap();
        let digest = Sha256::digest(b"import init from '/a.js'; init();");
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(csp.contains(&format!("'sha256-{b64}'")), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("worker-src 'self' blob:"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("'unsafe-eval'"));
    }
}
