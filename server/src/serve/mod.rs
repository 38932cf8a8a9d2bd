//! `signaltrace serve`: the HTTP API and the app bundle, on Axum.
//!
//! # Layout
//!
//! - this module: flags, start-up (users, secret, bundle, logging), the
//!   router and its layers, graceful shutdown;
//! - [`auth`]: users file, argon2 checks, JWTs, the `Claims` extractor,
//!   `POST /api/auth/login` and its failed-login rate limit;
//! - [`api`]: `POST /api/analyze` (multipart streamed into the detector),
//!   `GET /api/health`, `GET /api/openapi.json`;
//! - [`assets`]: static files, SPA fallback, cache headers, CSP;
//! - [`error`]: `ApiError`, the one mapping of failures to statuses.
//!
//! A request passes: request id → trace span → compression → security
//! headers → route (extractors check auth) → handler.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::routing::{any, get, post};
use axum::Router;
use clap::{Args, ValueEnum};
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use self::auth::{Auth, Jwt, LoginLimiter, SecretSource, Users};
use self::error::ApiError;

/// Largest accepted login body.
pub const LOGIN_BODY_LIMIT: usize = 16 << 10;

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// The app bundle (Trunk's output).
    #[arg(long, value_name = "DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Users file (TOML, `[[users]] email, password_hash`); without it the
    /// demo account analyst@tenex.ai / password123 is enabled.
    #[arg(long, value_name = "FILE")]
    users: Option<PathBuf>,
    /// Largest upload to /api/analyze, in MB (MiB).
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_upload_mb: u64,
    /// Analyses running at once; more requests wait their turn.
    #[arg(long, value_name = "N", default_value_t = default_concurrency())]
    max_concurrent: usize,
    /// Failed logins allowed per client IP within the window.
    #[arg(long, value_name = "N", default_value_t = 10)]
    login_max_failures: usize,
    /// Length of the failed-login window, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    login_window_secs: u64,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 24 * 3600)]
    token_ttl_secs: u64,
    /// Log format on stderr (filter with RUST_LOG, default `info`).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

fn default_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(2)
}

#[derive(Args)]
pub struct HashPasswordArgs {}

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub auth: Arc<Auth>,
    pub analysis_slots: Arc<Semaphore>,
    pub max_upload_bytes: u64,
}

/// `signaltrace hash-password`: reads one password, the first line of stdin
/// (never argv, which other users can see in `ps`), and prints its argon2id
/// PHC hash.
pub fn hash_password(_: HashPasswordArgs) -> Result<(), String> {
    if std::io::stdin().is_terminal() {
        eprintln!("signaltrace: type the password, then Enter:");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err("empty password on stdin".into());
    }
    println!("{}", auth::hash_password(password)?);
    Ok(())
}

/// `signaltrace serve`.
pub fn run(args: ServeArgs) -> Result<(), String> {
    init_tracing(args.log_format);
    let users = match &args.users {
        Some(path) => Users::load(path)?,
        None => Users::demo()?,
    };
    let (jwt, source) = Jwt::from_env(Duration::from_secs(args.token_ttl_secs.max(1)))?;
    let bundle = assets::Bundle::open(&args.static_dir)?;
    let max_upload_bytes = args
        .max_upload_mb
        .checked_mul(1 << 20)
        .filter(|&n| n > 0)
        .ok_or("--max-upload-mb must be from 1 to 2^44")?;
    let state = AppState {
        auth: Arc::new(Auth {
            users,
            jwt,
            limiter: LoginLimiter::new(
                args.login_max_failures,
                Duration::from_secs(args.login_window_secs.max(1)),
            ),
            verify_slots: Semaphore::new(default_concurrency()),
        }),
        analysis_slots: Arc::new(Semaphore::new(args.max_concurrent.max(1))),
        max_upload_bytes,
    };

    if state.auth.users.is_demo {
        let banner = "=".repeat(72);
        eprintln!(
            "{banner}\nWARNING: no --users file: the DEMO account is enabled\n  \
             email {} / password {}\nAnyone who can reach this server can log in. \
             Use --users FILE for real use\n(see `signaltrace hash-password`).\n{banner}",
            auth::DEMO_EMAIL,
            auth::DEMO_PASSWORD
        );
        tracing::warn!("demo account enabled (no users file)");
    }
    match source {
        SecretSource::Environment => tracing::info!("JWT secret from {}", auth::SECRET_ENV),
        SecretSource::RandomPerStart => tracing::warn!(
            "{} not set: random JWT secret, tokens end with this process",
            auth::SECRET_ENV
        ),
    }
    if bundle.is_built() {
        tracing::info!(dir = %bundle.dir().display(), "serving the app bundle");
    } else {
        tracing::warn!(
            dir = %bundle.dir().display(),
            "no app bundle (index.html) there: serving a placeholder page at /"
        );
    }

    let app = router(state, &bundle);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        // The contract with tests and scripts: this exact phrase, the real port.
        eprintln!("signaltrace: listening on http://{bound}");
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
        tracing::info!("shut down");
        Ok(())
    })
}

/// The whole application: API routes, the bundle for everything else, and
/// the layers every response passes through.
pub fn router(state: AppState, bundle: &assets::Bundle) -> Router {
    let upload_limit = usize::try_from(state.max_upload_bytes).unwrap_or(usize::MAX);
    let api = Router::new()
        .route(
            "/api/auth/login",
            post(auth::login).layer(DefaultBodyLimit::max(LOGIN_BODY_LIMIT)),
        )
        .route(
            "/api/analyze",
            post(api::analyze).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/health", get(api::health))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);

    let csp = HeaderValue::from_str(&bundle.content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    let request_id = HeaderName::from_static("x-request-id");
    api.merge(bundle.router())
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            // Spans carry method, path and request id — never headers
            // (Authorization) nor bodies (passwords, uploads).
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        id = %id,
                        method = %req.method(),
                        path = %req.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, RequestIds::new()))
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Request ids `<start-time hex>-<counter>`: unique per process and
/// unlikely to repeat across restarts. A client's own `x-request-id` is kept.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
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
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Resolves on Ctrl-C or SIGTERM; axum then stops accepting and lets the
/// requests in flight finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutdown signal: finishing requests in flight");
}
