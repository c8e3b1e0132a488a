//! The reference module (the protocol (extension-core/docs/protocol.md) Appendix A) over HTTP, for replaying the Node packages'
//! black-box tests: `cargo run -p reference-module --bin reference-server -- --diy`.

use reference_module as _;

fn main() -> std::process::ExitCode {
    extension_core::hosts::http::run_from_env()
}
