//! `signaltrace serve`: the HTTP API and the app bundle, on Axum.
//!
//! # Layout
//!
//! - this module: flags, start-up (users, secret, bundle, logging), the
//!   router and its layers;
//! - [`connections`]: the accept loop — header-read and keep-alive
//!   timeouts, the connection limit, shutdown with a deadline;
//! - [`state`]: what handlers share (`AppState`, upload limits, analysis slots);
//! - [`auth`]: users, JWTs, the `Claims` extractor, `POST /api/auth/login`;
//!   [`limiter`]: the login limiter; [`password`]: argon2 hashes and the
//!   thread pool that checks them;
//! - [`upload`]: the `Upload` extractor, multipart streamed into the detector;
//! - [`api`]: the handlers of `/api/analyze`, `/api/health`, `/api/openapi.json`;
//! - [`assets`]: static files, SPA fallback, cache headers, CSP;
//! - [`request_id`]: safe client request ids, generated ones otherwise;
//! - [`error`]: `ApiError`, the one mapping of failures to statuses.
//!
//! A request passes: connection watchdog (accept loop) → unsafe request id
//! dropped → request id set → trace span → security headers → compression
//! → body-idle timeout → route (`no-store` on `/api`; extractors check the
//! token and the upload) → handler.

pub mod api;
pub mod assets;
pub mod auth;
pub mod connections;
pub mod error;
pub mod limiter;
pub mod password;
pub mod request_id;
pub mod state;
pub mod upload;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::routing::{any, get, post};
use axum::Router;
use clap::{Args, ValueEnum};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use self::auth::{Auth, Jwt, SecretSource, Users};
use self::connections::ConnectionLimits;
use self::limiter::LoginLimiter;
use self::password::PasswordPool;
use self::state::{AppState, UploadLimits};

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
    /// The app bundle (`scripts/build-app.sh` writes it).
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
    /// Seconds a client has to send a request head (from connecting, or
    /// from the first byte of a later request on the connection).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    header_timeout_secs: u64,
    /// Seconds of silence allowed while a request body is read (a stalled
    /// upload is answered 408 and frees its analysis slot).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    body_idle_secs: u64,
    /// Seconds from taking an analysis slot to the report, upload included (then 503).
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    analysis_timeout_secs: u64,
    /// Seconds a connection may sit idle (no request running, no bytes moving).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    keep_alive_secs: u64,
    /// Open connections at most; more wait in the accept backlog.
    #[arg(long, value_name = "N", default_value_t = 512)]
    max_connections: usize,
    /// Seconds requests in progress get to finish after Ctrl-C / SIGTERM.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    shutdown_grace_secs: u64,
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
    println!("{}", password::hash_password(password)?);
    Ok(())
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n.max(1))
}

impl ServeArgs {
    fn upload_limits(&self) -> Result<UploadLimits, String> {
        let max_bytes = self
            .max_upload_mb
            .checked_mul(1 << 20)
            .filter(|&n| n > 0)
            .ok_or("--max-upload-mb must be from 1 to 2^44")?;
        Ok(UploadLimits {
            max_bytes,
            body_idle: secs(self.body_idle_secs),
            analysis: secs(self.analysis_timeout_secs),
        })
    }

    fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read: secs(self.header_timeout_secs),
            keep_alive: secs(self.keep_alive_secs),
            max_connections: self.max_connections.max(1),
            shutdown_grace: secs(self.shutdown_grace_secs),
        }
    }

    fn auth(&self) -> Result<(Auth, SecretSource), String> {
        let users = match &self.users {
            Some(path) => Users::load(path)?,
            None => Users::demo()?,
        };
        let (jwt, source) = Jwt::from_env(secs(self.token_ttl_secs))?;
        let limiter = LoginLimiter::new(self.login_max_failures, secs(self.login_window_secs));
        let auth = Auth {
            users,
            jwt,
            limiter: Arc::new(limiter),
            passwords: PasswordPool::new(default_concurrency())?,
        };
        Ok((auth, source))
    }
}

/// `signaltrace serve`.
pub fn run(args: ServeArgs) -> Result<(), String> {
    init_tracing(args.log_format);
    let (auth, source) = args.auth()?;
    let bundle = assets::Bundle::open(&args.static_dir)?;
    let state = AppState::new(auth, args.max_concurrent, args.upload_limits()?);
    announce(&state, &source, &bundle);
    let app = router(state, &bundle);
    let limits = args.connection_limits();
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
        connections::serve(listener, app, limits, shutdown_signal()).await;
        tracing::info!("shut down");
        Ok::<(), String>(())
    })?;
    // Analyses cut at the deadline may still be unwinding on blocking threads.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// The start-up warnings and notes: demo account, secret, bundle.
fn announce(state: &AppState, source: &SecretSource, bundle: &assets::Bundle) {
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
    tracing::info!(
        threads = state.auth.passwords.threads(),
        "password checks run on their own threads"
    );
    if bundle.is_built() {
        tracing::info!(dir = %bundle.dir().display(), "serving the app bundle");
    } else {
        tracing::warn!(
            dir = %bundle.dir().display(),
            "no app bundle (index.html) there: serving a placeholder page at /"
        );
    }
}

/// The whole application: API routes, the bundle for everything else, and
/// the layers every response passes through.
pub fn router(state: AppState, bundle: &assets::Bundle) -> Router {
    let upload_limit = usize::try_from(state.upload.max_bytes).unwrap_or(usize::MAX);
    let body_idle = state.upload.body_idle;
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
        .route("/api", any(api::not_found))
        .route("/api/", any(api::not_found))
        .route("/api/{*rest}", any(api::not_found))
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
        // Tokens, reports and errors are per user: never cached.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    with_common_layers(api.merge(bundle.router()), bundle, body_idle)
}

fn with_common_layers(app: Router, bundle: &assets::Bundle, body_idle: Duration) -> Router {
    let csp = HeaderValue::from_str(&bundle.content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    app.layer(RequestBodyTimeoutLayer::new(body_idle))
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
            // Spans carry method, path and the (safe) request id — never
            // headers (Authorization) nor bodies (passwords, uploads).
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
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        .layer(SetRequestIdLayer::new(
            request_id::HEADER,
            request_id::RequestIds::new(),
        ))
        .layer(axum::middleware::map_request(request_id::drop_unsafe))
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

/// Resolves on Ctrl-C or SIGTERM; the accept loop then stops accepting and
/// lets the requests in flight finish within the grace period.
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
