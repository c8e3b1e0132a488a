//! Hosts: thin adapters that serve the [`Dispatcher`](crate::Dispatcher) over a transport.
//!
//! # The seam
//!
//! Every host does the same three things, and only these:
//!
//! 1. turn what its transport received into an [`Envelope`](crate::Envelope) — the envelope's
//!    JSON text read with [`Envelope::read`](crate::Envelope::read), the function options
//!    inside it (HTTP) or added with [`Envelope::with_options`](crate::Envelope::with_options)
//!    (Lambda's event) — and a [`Context`](crate::Context): the host, its id for the call,
//!    integrator.io's trace id and the deadline, when it knows them;
//! 2. await [`Dispatcher::dispatch`](crate::Dispatcher::dispatch);
//! 3. write the [`Outcome`](crate::Outcome) in its transport's shape: a
//!    [`Reply`](crate::Reply) (the result's compact JSON, or no value) or a
//!    [`Failure`](crate::Failure) (a status and the error items).
//!
//! The protocol lives behind `dispatch`: the envelope checks, the function lookup, decoding
//! the options, running the function (a plain `fn` on tokio's blocking pool, an `async fn` on
//! the caller's task), panics, the result checks and the size rule. What stays in a host is
//! its transport: authentication, bodies and their encodings, timeouts and the heartbeat
//! (HTTP), the Runtime API and the error encoding of section 7.4 (Lambda).
//!
//! - [`http`]: the server stack (protocol section 6), behind the `http` feature;
//! - [`lambda`]: the Lambda stack (section 7), behind the `lambda` feature;
//! - [`local`]: in process, for tests and the command line's `invoke`: the seam and nothing
//!   else, behind the `rt` feature (which every host enables).
//!
//! Every host binary shares one command line ([`cli`]): the configuration is read from flags
//! and `INTEGRATOR_EXTENSION_*` variables once, the same way for every host, and besides
//! `serve` (the default) it has `list`, `invoke` and `schema`, which look at the binary's
//! functions here, with no server.

#[cfg(any(feature = "http", feature = "lambda"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "http", feature = "lambda"))))]
pub mod cli;

#[cfg(any(feature = "http", feature = "lambda"))]
mod commands;

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;

#[cfg(feature = "lambda")]
#[cfg_attr(docsrs, doc(cfg(feature = "lambda")))]
pub mod lambda;

#[cfg(feature = "rt")]
#[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
pub mod local;
