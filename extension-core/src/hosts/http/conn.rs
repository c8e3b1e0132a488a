//! One TCP connection: hyper's HTTP/1 over a socket we can also write the `102 Processing`
//! to, with the inactivity and keep-alive timeouts of section 6.6. The socket is shared, not
//! duplicated: a connection costs one file descriptor, as in Node.
//!
//! The `102` is written beside hyper because hyper's server cannot send an interim response.
//! It never interleaves with hyper's writes: hyper writes nothing for a request until the
//! service has answered it, and the heartbeat is sent from inside the service's future.

use super::{ExtensionService, HttpConfig, ServerState};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::watch;

pub(super) struct Connection {
    pub(super) service: ExtensionService,
    pub(super) state: Arc<ServerState>,
    pub(super) timeouts: Timeouts,
    pub(super) closing: watch::Receiver<bool>,
}

/// The connection's timeouts, copied from the configuration once per server.
#[derive(Clone, Copy)]
pub(super) struct Timeouts {
    headers: Duration,
    socket: Duration,
    keep_alive: Duration,
}

impl Timeouts {
    pub(super) fn new(config: &HttpConfig) -> Self {
        Timeouts {
            headers: config.headers_timeout,
            socket: config.socket_timeout,
            keep_alive: config.keep_alive_timeout,
        }
    }

    /// The inactivity allowed now: the socket timeout while answering, else keep-alive.
    fn limit(&self, activity: &Activity) -> Duration {
        if activity.busy.load(Ordering::Relaxed) {
            self.socket
        } else {
            self.keep_alive
        }
    }
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
        // Reads stay on tokio's own path (no zeroing of hyper's buffer); writes go through
        // a handle the heartbeat shares.
        let (read, write) = stream.into_split();
        let write = Arc::new(write);
        let activity = Arc::new(Activity {
            started: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicBool::new(false),
        });
        // Weak: the heartbeat must not keep a closed connection's socket open.
        let heartbeat = Heartbeat {
            socket: Arc::downgrade(&write),
            activity: Arc::clone(&activity),
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
            read,
            write,
            activity: Arc::clone(&activity),
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.timeouts.headers)
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
            let remaining = self
                .timeouts
                .limit(&activity)
                .saturating_sub(idle_for(&activity));
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
                    if idle_for(&activity) >= self.timeouts.limit(&activity) {
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

/// Writes a connection's `102 Processing` (section 6.3.3).
#[derive(Clone)]
pub(super) struct Heartbeat {
    socket: Weak<OwnedWriteHalf>,
    activity: Arc<Activity>,
}

impl Heartbeat {
    /// Writes the interim response whole, or not at all when the socket takes none of it.
    pub(super) async fn send(&self) {
        // Only a client that stopped reading with its send buffer all but full makes this wait.
        const STALL: Duration = Duration::from_secs(5);
        let Some(socket) = self.socket.upgrade() else {
            return;
        };
        let written = write_whole(
            b"HTTP/1.1 102 Processing\r\n\r\n",
            STALL,
            |bytes| socket.try_write(bytes),
            || socket.writable(),
            || {
                let stream: &TcpStream = (*socket).as_ref();
                let _ = socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Both);
            },
        )
        .await;
        if written {
            self.activity.touch();
        }
    }
}

/// Writes `line` with non-blocking writes: skipped if nothing fits. Part of it followed by
/// the answer would corrupt the stream, so a socket that takes a part and then stalls for
/// `stall` (or fails) is `shut` down instead.
async fn write_whole<W: std::future::Future<Output = io::Result<()>>>(
    line: &[u8],
    stall: Duration,
    mut write: impl FnMut(&[u8]) -> io::Result<usize>,
    mut writable: impl FnMut() -> W,
    shut: impl FnOnce(),
) -> bool {
    let deadline = tokio::time::Instant::now() + stall;
    let mut written = 0;
    while written < line.len() {
        match write(&line[written..]) {
            Ok(n) if n > 0 => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && written == 0 => return false,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if !matches!(
                    tokio::time::timeout_at(deadline, writable()).await,
                    Ok(Ok(()))
                ) {
                    shut();
                    return false;
                }
            }
            _ => {
                shut();
                return false;
            }
        }
    }
    true
}

/// The socket, recording when bytes last moved (for the inactivity timeouts).
struct Watched {
    read: OwnedReadHalf,
    write: Arc<OwnedWriteHalf>,
    activity: Arc<Activity>,
}

impl Watched {
    fn socket(&self) -> &TcpStream {
        (*self.write).as_ref()
    }

    /// Writes with `write` once the socket is writable, waiting again on stale readiness.
    fn poll_written(
        &self,
        cx: &mut Context<'_>,
        write: impl Fn(&TcpStream) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.socket().poll_write_ready(cx))?;
            match write(self.socket()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                result => {
                    self.activity.touch();
                    return Poll::Ready(result);
                }
            }
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = ready!(Pin::new(&mut self.read).poll_read(cx, buf));
        if buf.filled().len() > before {
            self.activity.touch();
        }
        Poll::Ready(result)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_written(cx, |socket| socket.try_write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_written(cx, |socket| socket.try_write_vectored(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(socket2::SockRef::from(self.socket()).shutdown(std::net::Shutdown::Write))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    /// A socket that takes `room` bytes per call, per the script, then would block.
    fn run(script: &[Option<usize>], stall: Duration) -> (bool, Vec<u8>, bool) {
        let sent = RefCell::new(Vec::new());
        let calls = Cell::new(0);
        let shut = Cell::new(false);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let whole = runtime.block_on(write_whole(
            b"HTTP/1.1 102 Processing\r\n\r\n",
            stall,
            |bytes| {
                let step = script.get(calls.get()).copied().flatten();
                calls.set(calls.get() + 1);
                match step {
                    Some(room) => {
                        let n = room.min(bytes.len());
                        sent.borrow_mut().extend_from_slice(&bytes[..n]);
                        Ok(n)
                    }
                    None => Err(io::ErrorKind::WouldBlock.into()),
                }
            },
            || async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(())
            },
            || shut.set(true),
        ));
        (whole, sent.into_inner(), shut.get())
    }

    #[test]
    fn the_interim_line_goes_whole_or_not_at_all() {
        let line = b"HTTP/1.1 102 Processing\r\n\r\n".to_vec();
        let second = Duration::from_secs(1);
        // Room for all of it.
        assert_eq!(run(&[Some(100)], second), (true, line.clone(), false));
        // Full send buffer: skipped, nothing written, socket kept.
        assert_eq!(run(&[None], second), (false, Vec::new(), false));
        // A part, a stall, then the rest: completed.
        assert_eq!(
            run(&[Some(5), None, None, Some(100)], second),
            (true, line, false)
        );
        // A part and then nothing: the socket is shut rather than left half-written.
        let (whole, sent, shut) = run(&[Some(5)], Duration::from_millis(30));
        assert!(!whole && shut && sent.len() == 5);
    }
}
