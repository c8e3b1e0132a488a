//! Calls a hook of the `typed-hooks` crate through the dispatcher with the envelope
//! integrator.io would send, and prints the answer.
//!
//! `cargo run -p typed-hooks-runner` sends a small preSavePage page; pass an envelope file
//! (`cargo run -p typed-hooks-runner -- envelope.json`) to send your own.

// The hooks live in another crate: naming it links it, and with it its registrations.
use typed_hooks as _;

use extension_core::hosts::local::Local;
use extension_core::{Configuration, Dispatcher, Reply};
use std::process::ExitCode;

const SAMPLE: &str = r#"{
  "diy": true,
  "type": "hook",
  "function": "preSavePage",
  "options": {
    "data": [{"id": 1, "name": "ada"}, {"id": 2, "name": "grace"}],
    "errors": [],
    "_exportId": "5f1e0c0d3a2b1c0012345678",
    "pageIndex": 0,
    "lastExportDateTime": "2026-11-28T10:00:00Z"
  }
}"#;

fn main() -> ExitCode {
    let envelope = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => SAMPLE.to_owned(),
    };
    let dispatcher = match Dispatcher::new(Configuration::diy()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("registered functions:");
    for f in dispatcher.registry().iter() {
        let group = f.group().map_or("(flat only)", |g| g.property());
        eprintln!(
            "  {:<24} {:<16} {group:<12} {}",
            f.name(),
            f.kind(),
            f.location()
        );
    }
    let host = match Local::new(dispatcher) {
        Ok(host) => host,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match host.call(envelope) {
        Ok(Reply::Json(body)) => {
            println!("200 {}", String::from_utf8_lossy(&body));
            ExitCode::SUCCESS
        }
        Ok(Reply::NoValue) => {
            println!("200 (no value)");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let errors = extension_core::serde_json::json!({ "errors": failure.errors });
            println!("{} {errors}", failure.status_code);
            ExitCode::FAILURE
        }
    }
}
