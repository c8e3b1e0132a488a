//! An extension server for the typed hooks of `examples/typed-hooks`: the whole `main` is
//! the framework's. `--help` lists the flags; for a local run:
//!
//! ```sh
//! cargo run -p typed-server -- --diy --system-token local-dev-token
//! curl -s localhost:7000/function -H 'Authorization: Bearer local-dev-token' \
//!   -H 'Content-Type: application/json' \
//!   -d '{"diy":true,"type":"hook","function":"preSavePage","options":{"data":[{"name":"ada"}],"errors":[]}}'
//! ```

// Naming the crate links it, and with it its registrations.
use typed_hooks as _;

fn main() -> std::process::ExitCode {
    extension_core::hosts::http::run_from_env()
}
