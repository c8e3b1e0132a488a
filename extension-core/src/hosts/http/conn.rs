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
        let stream = Arc::new(stream);
        let activity = Arc::new(Activity {
            started: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicBool::new(false),
        });
        let heartbeat = {
            let stream = Arc::clone(&stream);
            let activity = Arc::clone(&activity);
            Heartbeat(Arc::new(move || {
                // hyper writes nothing for this request until it is answered, so the interim
                // response cannot interleave with another write.
                let line = b"HTTP/1.1 102 Processing\r\n\r\n";
                if stream.try_write(line).is_ok() {
                    activity.touch();
                }
            }))
        };
        let service = self.service.clone();
        let busy = Arc::clone(&activity);
        let svc = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(heartbeat.clone());
                busy.busy.store(true, Ordering::Relaxed);
                let busy = Arc::clone(&busy);
                let call = tower_service::Service::call(&mut service.clone(), request);
                async move {
                    let response = call.await;
                    busy.busy.store(false, Ordering::Relaxed);
                    busy.touch();
                    response
                }
            },
        );
        let io = TokioIo::new(SharedStream {
            stream: Arc::clone(&stream),
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

/// The socket, shared with the heartbeat; reads and writes record activity.
struct SharedStream {
    stream: Arc<TcpStream>,
    activity: Arc<Activity>,
}

impl AsyncRead for SharedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            ready!(self.stream.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match self.stream.try_read(unfilled) {
                Ok(n) => {
                    buf.advance(n);
                    self.activity.touch();
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for SharedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.stream.poll_write_ready(cx))?;
            match self.stream.try_write(buf) {
                Ok(n) => {
                    self.activity.touch();
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.stream.poll_write_ready(cx))?;
            match self.stream.try_write_vectored(bufs) {
                Ok(n) => {
                    self.activity.touch();
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The socket closes when the connection drops it (the heartbeat's clone only lives
        // as long as the connection's service).
        Poll::Ready(Ok(()))
    }
}
