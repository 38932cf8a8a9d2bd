//! The accept loop: one task per TCP connection, each watched for slow or
//! idle clients, at most `--max-connections` at once, and a shutdown that
//! lets requests in progress finish but never waits past its deadline.
//!
//! `axum::serve` has no timeouts, so this drives hyper's HTTP/1 connection
//! itself. A watchdog per connection knows two things: whether a request is
//! in a handler (`busy`, counted by the service wrapper) and when bytes last
//! moved (counted by [`Watched`], the socket wrapper). From that:
//!
//! - **header read**: a request head (from its first byte, or from the
//!   connect for a new connection) must arrive within `header_read`;
//! - **keep-alive idle**: a connection with no request in a handler and no
//!   bytes moving for `keep_alive` is closed (this also cuts a client that
//!   stops reading a response);
//! - while a handler runs the watchdog stays out: the handler's own limits
//!   apply (body idle, whole-analysis timeout, see `state::UploadLimits`).
//!
//! Over the limit, new connections wait in the kernel's accept backlog.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// Limits on connections, from the `serve` flags.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub header_read: Duration,
    pub keep_alive: Duration,
    pub max_connections: usize,
    /// After a shutdown signal, how long requests in progress may take.
    pub shutdown_grace: Duration,
}

/// How often a watchdog looks again while its deadline may move.
const TICK: Duration = Duration::from_millis(250);

/// Serves `app` on `listener` until `shutdown` resolves, then stops
/// accepting, closes idle connections, lets busy ones finish within
/// `shutdown_grace`, and cuts whatever is left.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = accept(&listener, &slots) => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer, permit) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, mostly: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let conn = Connection::new(peer, limits, stop_rx.clone());
        tokio::spawn(conn.run(stream, app.clone(), permit));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a slot and ends within the grace period.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let wait = limits.shutdown_grace + Duration::from_secs(1);
    let _ = tokio::time::timeout(wait, slots.acquire_many(all)).await;
}

async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> io::Result<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    let permit = Arc::clone(slots)
        .acquire_owned()
        .await
        .map_err(io::Error::other)?;
    let (stream, peer) = listener.accept().await?;
    let _ = stream.set_nodelay(true);
    Ok((stream, peer, permit))
}

/// One connection's watchdog state.
struct Connection {
    peer: SocketAddr,
    limits: ConnectionLimits,
    activity: Arc<Activity>,
    stop: watch::Receiver<bool>,
}

impl Connection {
    fn new(peer: SocketAddr, limits: ConnectionLimits, stop: watch::Receiver<bool>) -> Self {
        Connection {
            peer,
            limits,
            activity: Arc::new(Activity::new()),
            stop,
        }
    }

    async fn run(mut self, stream: TcpStream, app: Router, _slot: OwnedSemaphorePermit) {
        let io = TokioIo::new(Watched {
            stream,
            activity: Arc::clone(&self.activity),
        });
        let (activity, peer) = (Arc::clone(&self.activity), self.peer);
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let busy = Busy::begin(&activity);
            req.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                let response = app.oneshot(req).await;
                drop(busy);
                response
            }
        });
        let conn = http1::Builder::new().serve_connection(io, service);
        tokio::pin!(conn);
        let mut cut_at: Option<Instant> = None;
        loop {
            let now = Instant::now();
            let mut wake = now + TICK;
            if let Some(deadline) = self.activity.deadline(&self.limits) {
                wake = wake.min(deadline);
            }
            if let Some(cut) = cut_at {
                wake = wake.min(cut);
            }
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(peer = %self.peer, error = %e, "connection error");
                    }
                    return;
                }
                () = tokio::time::sleep_until(wake.into()) => {
                    let now = Instant::now();
                    if let Some(why) = self.activity.expired(&self.limits, now) {
                        tracing::debug!(peer = %self.peer, why, "closing connection");
                        return;
                    }
                    if cut_at.is_some_and(|cut| now >= cut) {
                        tracing::info!(peer = %self.peer, "shutdown deadline: connection cut");
                        return;
                    }
                }
                _ = self.stop.changed(), if cut_at.is_none() => {
                    if !self.activity.is_busy() {
                        return;
                    }
                    // Finish the response in progress, then close.
                    conn.as_mut().graceful_shutdown();
                    cut_at = Some(Instant::now() + self.limits.shutdown_grace);
                }
            }
        }
    }
}

/// What the watchdog knows about its connection.
struct Activity(Mutex<ActivityState>);

struct ActivityState {
    /// Requests inside a handler.
    busy: usize,
    /// When bytes last moved either way.
    last_io: Instant,
    /// When the current request head started arriving, if one is.
    head_started: Option<Instant>,
}

impl Activity {
    fn new() -> Self {
        let now = Instant::now();
        Activity(Mutex::new(ActivityState {
            busy: 0,
            last_io: now,
            // A new connection owes its first request head.
            head_started: Some(now),
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn is_busy(&self) -> bool {
        self.state().busy > 0
    }

    fn on_read(&self) {
        let mut s = self.state();
        let now = Instant::now();
        s.last_io = now;
        if s.busy == 0 && s.head_started.is_none() {
            s.head_started = Some(now);
        }
    }

    fn on_write(&self) {
        self.state().last_io = Instant::now();
    }

    /// When the connection is due to close unless something happens; none
    /// while a handler runs.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let s = self.state();
        if s.busy > 0 {
            return None;
        }
        let idle = s.last_io + limits.keep_alive;
        Some(match s.head_started {
            Some(start) => idle.min(start + limits.header_read),
            None => idle,
        })
    }

    fn expired(&self, limits: &ConnectionLimits, now: Instant) -> Option<&'static str> {
        let s = self.state();
        if s.busy > 0 {
            return None;
        }
        if s.head_started
            .is_some_and(|start| now >= start + limits.header_read)
        {
            return Some("request head not received in time");
        }
        (now >= s.last_io + limits.keep_alive).then_some("idle")
    }
}

/// Marks a request as inside a handler until dropped.
struct Busy(Arc<Activity>);

impl Busy {
    fn begin(activity: &Arc<Activity>) -> Busy {
        let mut s = activity.state();
        s.busy += 1;
        s.head_started = None;
        drop(s);
        Busy(Arc::clone(activity))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut s = self.0.state();
        s.busy -= 1;
        s.last_io = Instant::now();
    }
}

/// The socket, telling [`Activity`] when bytes move.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.on_read();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.on_write();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.on_write();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
