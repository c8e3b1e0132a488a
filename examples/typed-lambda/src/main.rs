//! The typed hooks of `examples/typed-hooks` as a Lambda function (custom runtime: this
//! binary is the `bootstrap`). See the README's "Serving on AWS Lambda" for build and deploy.

use typed_hooks as _;

fn main() -> std::process::ExitCode {
    extension_core::hosts::lambda::run_from_env()
}
