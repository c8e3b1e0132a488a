//! CPU per call of the bench kit's pages through the dispatcher, in process: request bytes
//! to response bytes, no HTTP. The quick way to see what a change to the JSON engine or the
//! call path does, before the kit's interleaved run (`scripts/bench-peers.sh`) says what it
//! does to the server.
//!
//! `cargo bench -p extension-tests --bench pages [-- PAYLOAD...]` (release build): reads the
//! kit's payloads from `../shared/bench/payloads` (`KIT` overrides the kit's place; its
//! `payload.py` makes them). Prints the median of 15 rounds per payload, each bounded in
//! calls and time.

use extension_core::hosts::local::Local;
use extension_core::{Configuration, Dispatcher, Reply};
use std::hint::black_box;
use std::time::{Duration, Instant};
// The kit's hook, registered by the example crate.
use typed_hooks as _;

fn main() {
    let kit = std::env::var("KIT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bench").to_owned());
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let names = if names.is_empty() {
        vec!["small".into(), "typical".into(), "large".into()]
    } else {
        names
    };
    let host =
        Local::new(Dispatcher::new(Configuration::diy()).expect("registry")).expect("runtime");
    for name in names {
        let path = format!("{kit}/payloads/{name}.json");
        let Ok(body) = std::fs::read(&path) else {
            eprintln!("{path}: not found (run the kit's payload.py)");
            continue;
        };
        let body = bytes::Bytes::from(body);
        let call = || match host.call(body.clone()) {
            Ok(Reply::Json(bytes)) => bytes.len(),
            other => panic!("{name}: unexpected {other:?}"),
        };
        let answer = call();
        // Rounds of about 200 ms each.
        let once = Instant::now();
        black_box(call());
        let per_round = (Duration::from_millis(200).as_nanos() / once.elapsed().as_nanos().max(1))
            .clamp(1, 100_000) as u32;
        let mut rounds: Vec<Duration> = (0..15)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..per_round {
                    black_box(call());
                }
                start.elapsed() / per_round
            })
            .collect();
        rounds.sort();
        println!(
            "{name:>8}: {:>9.1?} per call (median of 15 rounds of {per_round}; {} bytes in, {answer} out)",
            rounds[7],
            body.len()
        );
    }
}
