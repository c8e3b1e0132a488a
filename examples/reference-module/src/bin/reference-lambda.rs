//! The reference module (the protocol (extension-core/docs/protocol.md) Appendix A) as a Lambda function: the `bootstrap` of a
//! custom runtime (`provided.al2023`). Configure it with `INTEGRATOR_EXTENSION_DIY=true` or
//! `INTEGRATOR_EXTENSION_CONNECTORS=id1,id2`.

use reference_module as _;

fn main() -> std::process::ExitCode {
    extension_core::hosts::lambda::run_from_env()
}
