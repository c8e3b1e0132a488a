//! Hosts: thin adapters that serve the [`Dispatcher`](crate::Dispatcher) over a transport.

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "lambda")]
pub mod lambda;

/// A yes/no environment variable as every host reads it: `1`, `true` or `yes` is yes.
#[cfg(any(feature = "http", feature = "lambda"))]
pub(crate) fn env_flag(value: &str) -> bool {
    matches!(value, "1" | "true" | "yes")
}
