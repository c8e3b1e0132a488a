//! Hosts: thin adapters that serve the [`Dispatcher`](crate::Dispatcher) over a transport.

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "lambda")]
pub mod lambda;
