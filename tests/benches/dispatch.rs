//! Dispatch overhead for a 200-record preSavePage page: the whole dispatcher path (envelope
//! parse and checks, registry lookup, typed decode, call, encode, size check) against what
//! a hand-written handler does with the same function (decode the options, call, encode).
//! Both start from the same request text and end with the response bytes.
//!
//! `cargo bench -p extension-tests --bench dispatch` (release build). Rounds alternate the
//! two paths so that machine drift hits both; the figure is the ratio of the medians.

use extension_core::hosts::local::Local;
use extension_core::prelude::*;
// The benchmark kit's hook (uppercase `name`, add `processed: true`) is the example's.
use extension_core::{Configuration, Dispatcher, Reply};
use std::hint::black_box;
use std::time::{Duration, Instant};
use typed_hooks::process_page as process;

/// 200 records of ten mixed fields, like the kit's `typical` payload.
fn page(records: usize) -> Value {
    let data: Vec<Value> = (0..records)
        .map(|i| {
            json!({
                "id": i,
                "name": format!("customer number {i}"),
                "email": format!("customer{i}@example.com"),
                "active": i % 3 != 0,
                "balance": (i as f64) * 12.34,
                "tags": ["alpha", "beta", format!("t{}", i % 7)],
                "address": {"street": format!("{i} Main St"), "city": "Springfield", "zip": format!("{:05}", i * 7)},
                "created": "2026-11-28T10:00:00.000Z",
                "score": i * 31 % 97,
                "note": null,
            })
        })
        .collect();
    json!({"data": data, "errors": [], "_exportId": "e1", "pageIndex": 0})
}

fn direct(host: &Local, options: &str) -> Vec<u8> {
    let options: PreSavePageOptions = extension_core::serde_json::from_str(options).unwrap();
    let response = host.block_on(process(options)).unwrap();
    // What a Node-compatible handler writes: numbers as JSON.stringify prints them.
    extension_core::__private::to_json_vec(&response).unwrap()
}

fn dispatched(host: &Local, envelope: &str) -> Vec<u8> {
    match host.call(envelope.to_owned()) {
        Ok(Reply::Json(bytes)) => bytes.to_vec(),
        other => panic!("unexpected {other:?}"),
    }
}

/// Median time per call of `f` over `rounds` rounds of `per_round` calls.
fn time_per_call(per_round: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..per_round {
        f();
    }
    start.elapsed() / per_round
}

fn main() {
    let options = page(200);
    let options_text = options.to_string();
    let envelope =
        json!({"diy": true, "type": "hook", "function": "preSavePage", "options": options})
            .to_string();
    let dispatcher = Dispatcher::new(Configuration::diy()).expect("registry");
    let dispatcher = Local::new(dispatcher).expect("a runtime");
    assert_eq!(
        direct(&dispatcher, &options_text),
        dispatched(&dispatcher, &envelope),
        "both paths answer the same bytes"
    );

    let (rounds, per_round) = (21, 200);
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        if Instant::now() > deadline {
            break;
        }
        a.push(time_per_call(per_round, || {
            black_box(direct(&dispatcher, black_box(&options_text)));
        }));
        b.push(time_per_call(per_round, || {
            black_box(dispatched(&dispatcher, black_box(&envelope)));
        }));
    }
    a.sort();
    b.sort();
    let (direct_median, dispatch_median) = (a[a.len() / 2], b[b.len() / 2]);
    println!(
        "200-record preSavePage page, median of {} interleaved rounds of {per_round} calls:",
        a.len()
    );
    println!("  direct call (decode, call, encode): {direct_median:>10.1?} per call");
    println!("  through the dispatcher:             {dispatch_median:>10.1?} per call");
    println!(
        "  ratio dispatcher / direct:          {:>10.3}",
        dispatch_median.as_secs_f64() / direct_median.as_secs_f64()
    );
}
