//! The HTTP host ([protocol section 6](crate::protocol)): wire-compatible with Node's
//! `express-integrator-extension`, on hyper and tokio.
//!
//! [`run_from_env()`] is a whole `main`: the command line and environment ([`HttpArgs`]),
//! logging, the dispatcher over this binary's functions, SIGTERM/SIGINT handling and exit
//! codes. The pieces are public for embedding: [`Server`] serves a [`HttpConfig`], and
//! [`ExtensionService::builder`] gives the routes as a `tower::Service` for an app of your
//! own.
//!
//! Where this host differs from Node on purpose (all answered in the `{"errors":[...]}` shape,
//! never as HTML): malformed JSON is a 400 `invalid_json`, an oversized body a 413
//! `payload_too_large`, a non-JSON body a 415 `unsupported_media_type`, a body encoded other than
//! identity, gzip or deflate a 415 `unsupported_content_encoding`, an unknown route a 404
//! `not_found`; draining (`/openConnections?terminate=true`) and `/stopServer` need the
//! system token unless `open_operations` is set; a panicking function is a 422
//! `function_panicked` and the server keeps serving.

mod body;
pub mod config;
mod conn;
mod response;
mod service;

pub use config::{HttpArgs, HttpConfig};
pub use response::ResponseBody;
pub use service::{ExtensionService, RequestBody, ServiceBuilder};

use crate::hosts::cli;
use crate::{Dispatcher, States};
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

/// State shared by the routes and the accept loop.
#[derive(Default)]
pub(crate) struct ServerState {
    /// Set by `?terminate=true` or a shutdown: readiness fails from then on.
    pub(crate) terminating: AtomicBool,
    /// Open TCP connections.
    pub(crate) connections: AtomicUsize,
    /// Notified when the last connection closes.
    pub(crate) idle: Notify,
    /// Stop requested; `true` when by `/stopServer` (the process then exits with 1).
    stop: std::sync::Mutex<Option<bool>>,
    stop_notify: Notify,
}

impl ServerState {
    pub(crate) fn request_stop(&self, by_stop_server: bool) {
        let mut stop = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        stop.get_or_insert(by_stop_server);
        self.stop_notify.notify_waiters();
        self.stop_notify.notify_one();
    }

    fn stop_requested(&self) -> Option<bool> {
        *self.stop.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Open connections besides the one asking (section 6.4).
    pub(crate) fn other_connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst).saturating_sub(1)
    }
}

/// Why [`Server::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// A shutdown (signal or [`ServerHandle::shutdown`]) drained the server.
    Shutdown,
    /// `GET /stopServer`: Node exits with status 1 so that a supervisor restarts it.
    StopServer,
}

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    config: HttpConfig,
    service: ExtensionService,
    state: Arc<ServerState>,
}

/// Stops a running [`Server`] from elsewhere (tests, embedding).
#[derive(Clone)]
pub struct ServerHandle {
    state: Arc<ServerState>,
}

impl ServerHandle {
    /// Starts a graceful shutdown: stop accepting, fail readiness, drain calls in flight.
    pub fn shutdown(&self) {
        self.state.terminating.store(true, Ordering::SeqCst);
        self.state.request_stop(false);
    }
}

/// Binds as `TcpListener::bind` does, with our backlog instead of its fixed 128: a burst of
/// connections beyond the queue gets SYN cookies and resets, that is lost calls.
fn listen(addr: SocketAddr, backlog: u32) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std and mio do: rebinding right after a restart must not wait for TIME_WAIT.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

impl Server {
    /// Binds the configured address and port.
    pub async fn bind(config: HttpConfig, dispatcher: Dispatcher) -> io::Result<Server> {
        let listener = listen(SocketAddr::new(config.bind, config.port), config.backlog)?;
        let state = Arc::new(ServerState::default());
        let service = ExtensionService::new(dispatcher, &config, Arc::clone(&state));
        Ok(Server {
            listener,
            config,
            service,
            state,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> ServerHandle {
        ServerHandle {
            state: Arc::clone(&self.state),
        }
    }

    /// Serves until stopped, then drains: idle connections close at once, calls in flight
    /// get up to `shutdown_grace` to finish.
    pub async fn run(self) -> Stopped {
        let Server {
            listener,
            config,
            service,
            state,
        } = self;
        let (closing, _) = watch::channel(false);
        let timeouts = conn::Timeouts::new(&config);
        loop {
            let stop = state.stop_notify.notified();
            tokio::pin!(stop);
            stop.as_mut().enable();
            if state.stop_requested().is_some() {
                break;
            }
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        state.connections.fetch_add(1, Ordering::SeqCst);
                        let connection = conn::Connection {
                            service: service.clone(),
                            state: Arc::clone(&state),
                            timeouts,
                            closing: closing.subscribe(),
                        };
                        tokio::spawn(connection.serve(stream));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                },
                () = &mut stop => {}
            }
        }
        drop(listener);
        state.terminating.store(true, Ordering::SeqCst);
        let _ = closing.send(true);
        let by_stop_server = state.stop_requested() == Some(true);
        let deadline = tokio::time::Instant::now() + config.shutdown_grace;
        loop {
            let idle = state.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            // Connections, not calls: a call's answer is written after its future ends, and
            // a connection shut gracefully closes once its answer is out (an idle one at once).
            let busy = state.connections.load(Ordering::SeqCst);
            if busy == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                tracing::warn!(still_busy = busy, "shutdown deadline passed");
                break;
            }
        }
        if by_stop_server {
            Stopped::StopServer
        } else {
            Stopped::Shutdown
        }
    }
}

/// A server running on a runtime of its own, on a background thread (tests, embedding in a
/// program that has no tokio runtime).
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Stops it.
    pub handle: ServerHandle,
    thread: std::thread::JoinHandle<Stopped>,
}

impl Running {
    /// Waits until the server has stopped.
    pub fn join(self) -> Stopped {
        self.thread.join().unwrap_or(Stopped::Shutdown)
    }

    /// Shuts down gracefully and waits.
    pub fn shutdown(self) -> Stopped {
        self.handle.shutdown();
        self.join()
    }
}

/// Binds and serves on a background thread with its own multi-threaded runtime.
pub fn spawn(config: HttpConfig, dispatcher: Dispatcher) -> io::Result<Running> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let server = runtime.block_on(Server::bind(config, dispatcher))?;
    let addr = server.local_addr()?;
    let handle = server.handle();
    let thread = std::thread::Builder::new()
        .name("extension-http".into())
        .spawn(move || {
            let stopped = runtime.block_on(server.run());
            // Plain functions still running past the drain cannot be cancelled: leave them.
            runtime.shutdown_background();
            stopped
        })?;
    Ok(Running {
        addr,
        handle,
        thread,
    })
}

/// A whole `main` for a server of this binary's functions: reads the command line and the
/// environment ([`HttpArgs`]), logs to stderr (`RUST_LOG` filters), serves until SIGTERM/SIGINT
/// or `/stopServer`. Exit codes: 0 after a shutdown, 1 after `/stopServer` (as Node), 2 for a
/// configuration error.
pub fn run_from_env() -> ExitCode {
    run_with(States::new())
}

/// [`run_from_env`] for functions that take state: `states` are their `State<T>` arguments
/// (a database pool, an HTTP client, settings loaded at boot), when serving and when
/// `invoke`d. A function that takes a state not among them stops the start with a message
/// naming both.
pub fn run_with(states: States) -> ExitCode {
    cli::main::<HttpArgs>(serve, states)
}

fn serve(args: HttpArgs, configured: bool, states: States) -> ExitCode {
    let (config, generated_token) = match configured.then(|| args.config()) {
        Some(Ok(parsed)) => parsed,
        Some(Err(e)) => return cli::config_error(&e),
        None => return cli::config_error(&cli::not_configured()),
    };
    args.common.init_logging();
    let dispatcher = match Dispatcher::builder(config.modules.clone())
        .states(states)
        .expansion_limit(args.common.expansion_limit)
        .build()
    {
        Ok(d) => d,
        Err(e) => return cli::startup_error(&e),
    };
    let runtime = match args.common.runtime(true) {
        Ok(r) => r,
        Err(e) => return cli::startup_error(&e),
    };
    let code = runtime.block_on(async move {
        let server = match Server::bind(config.clone(), dispatcher.clone()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot listen on {}:{}: {e}", config.bind, config.port);
                return ExitCode::FAILURE;
            }
        };
        let address = server
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        cli::log_loaded(&dispatcher);
        if generated_token {
            tracing::warn!("no system token given: generated one for this run (loopback only)");
            eprintln!("system token for this run: {}", config.system_token);
        }
        tracing::info!(%address, "listening");
        let handle = server.handle();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: draining calls in flight");
            handle.shutdown();
        });
        match server.run().await {
            Stopped::Shutdown => ExitCode::SUCCESS,
            Stopped::StopServer => ExitCode::from(1),
        }
    });
    // Plain functions still running past the grace period cannot be cancelled: leave them.
    runtime.shutdown_background();
    code
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
