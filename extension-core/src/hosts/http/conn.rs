//! One TCP connection: hyper's HTTP/1 over a socket we can also write the `102 Processing`
//! to, with the inactivity and keep-alive timeouts of section 6.6.

use super::{ExtensionService, Heartbeat, HttpConfig, ServerState};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

pub(super) struct Connection {
    pub(super) service: ExtensionService,
    pub(super) state: Arc<ServerState>,
    pub(super) config: HttpConfig,
    pub(super) closing: watch::Receiver<bool>,
}

/// What the connection's watchdog needs to know.
struct Activity {
    started: Instant,
    /// Milliseconds since `started` of the last byte read or written.
    last: AtomicU64,
    /// A request is being answered (the socket timeout applies, not the keep-alive one).
    busy: AtomicBool,
}

impl Activity {
    fn touch(&self) {
        let now = self.started.elapsed().as_millis() as u64;
        self.last.store(now, Ordering::Relaxed);
    }
}

impl Connection {
    pub(super) async fn serve(mut self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity {
            started: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicBool::new(false),
        });
        // A second handle on the socket for the interim 102: hyper owns the stream, and
        // writes nothing for a request until it is answered, so the two never interleave.
        #[cfg(unix)]
        let heartbeat_socket = std::os::fd::AsFd::as_fd(&stream)
            .try_clone_to_owned()
            .map(std::net::TcpStream::from)
            .ok();
        #[cfg(not(unix))]
        let heartbeat_socket: Option<std::net::TcpStream> = None;
        let heartbeat = {
            let activity = Arc::clone(&activity);
            Heartbeat(Arc::new(move || {
                let line = b"HTTP/1.1 102 Processing\r\n\r\n";
                // The socket is non-blocking: a full send buffer skips this heartbeat
                // rather than stalling the timer.
                if let Some(mut socket) = heartbeat_socket.as_ref() {
                    if std::io::Write::write(&mut socket, line).is_ok() {
                        activity.touch();
                    }
                }
            }))
        };
        let service = self.service.with_heartbeat(heartbeat);
        let busy = Arc::clone(&activity);
        let svc =
            hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                busy.busy.store(true, Ordering::Relaxed);
                let busy = Arc::clone(&busy);
                let call = tower_service::Service::call(&mut service.clone(), request);
                async move {
                    let response = call.await;
                    busy.busy.store(false, Ordering::Relaxed);
                    busy.touch();
                    response
                }
            });
        let io = TokioIo::new(Watched {
            stream,
            activity: Arc::clone(&activity),
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.config.headers_timeout)
            .keep_alive(true)
            .serve_connection(io, svc);
        tokio::pin!(connection);
        let mut closing_seen = *self.closing.borrow();
        if closing_seen {
            connection.as_mut().graceful_shutdown();
        }
        loop {
            let idle_for = |activity: &Activity| {
                let last = activity.last.load(Ordering::Relaxed);
                let now = activity.started.elapsed().as_millis() as u64;
                std::time::Duration::from_millis(now.saturating_sub(last))
            };
            let limit = if activity.busy.load(Ordering::Relaxed) {
                self.config.socket_timeout
            } else {
                self.config.keep_alive_timeout
            };
            let remaining = limit.saturating_sub(idle_for(&activity));
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                    break;
                }
                changed = self.closing.changed(), if !closing_seen => {
                    closing_seen = true;
                    if changed.is_ok() {
                        connection.as_mut().graceful_shutdown();
                    }
                }
                () = tokio::time::sleep(remaining) => {
                    let limit = if activity.busy.load(Ordering::Relaxed) {
                        self.config.socket_timeout
                    } else {
                        self.config.keep_alive_timeout
                    };
                    if idle_for(&activity) >= limit {
                        // Destroyed without a response, as Node's socket timeout does.
                        tracing::debug!("connection timed out");
                        break;
                    }
                }
            }
        }
        if self.state.connections.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.state.idle.notify_waiters();
        }
    }
}

/// The socket, recording when bytes last moved (for the inactivity timeouts).
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
        let result = ready!(Pin::new(&mut self.stream).poll_read(cx, buf));
        if buf.filled().len() > before {
            self.activity.touch();
        }
        Poll::Ready(result)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = ready!(Pin::new(&mut self.stream).poll_write(cx, buf));
        self.activity.touch();
        Poll::Ready(result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = ready!(Pin::new(&mut self.stream).poll_write_vectored(cx, bufs));
        self.activity.touch();
        Poll::Ready(result)
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
