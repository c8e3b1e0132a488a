//! Plain (non-async) functions that block — a synchronous database driver, say — run on the
//! blocking pool, not on the server's two async workers: eight concurrent calls that each
//! block for a while finish together, and `/healthCheck` keeps answering at once meanwhile.

mod common;

use common::client::request;
use extension_core::hosts::http::{spawn, HttpConfig};
use extension_core::prelude::{json_function, ExtensionError};
use extension_core::serde_json::{json, Value};
use extension_core::{Configuration, Dispatcher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Blocks its thread for `ms`, as a synchronous driver's query would.
#[json_function(group = "hooks", name = "blockFor")]
fn block_for(options: Value) -> Result<Value, ExtensionError> {
    let ms = options["ms"].as_u64().unwrap_or(0);
    std::thread::sleep(Duration::from_millis(ms));
    Ok(json!({"blocked": ms}))
}

/// Says how long it has left to answer.
#[json_function(group = "hooks", name = "timeLeft")]
async fn time_left(
    _options: Value,
    context: extension_core::Context,
) -> Result<Value, ExtensionError> {
    let left = context.deadline().map(|deadline| {
        deadline
            .saturating_duration_since(Instant::now())
            .as_millis() as u64
    });
    Ok(json!({"leftMs": left}))
}

const TOKEN: &str = "test-system-token";

fn post(addr: std::net::SocketAddr, body: &Value) -> common::client::Response {
    request(
        addr,
        "POST",
        "/function",
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

#[test]
fn a_call_timeout_is_the_context_deadline_and_answers_a_422_when_passed() {
    let mut config = HttpConfig::new(Configuration::diy(), TOKEN);
    config.port = 0;
    config.call_timeout = Some(Duration::from_millis(300));
    let dispatcher = Dispatcher::new(config.modules.clone()).unwrap();
    let server = spawn(config, dispatcher).unwrap();
    let r = post(
        server.addr,
        &json!({"diy": true, "function": "timeLeft", "options": {}}),
    );
    let left = r.json()["leftMs"].as_u64().unwrap();
    assert!((200..=300).contains(&left), "{left} ms left");
    let started = Instant::now();
    let r = post(
        server.addr,
        &json!({"diy": true, "function": "blockFor", "options": {"ms": 2000}}),
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        (r.status, r.body.as_str()),
        (
            422,
            r#"{"errors":[{"code":"function_timeout","message":"The extension function did not answer within 300 ms (the server's --call-timeout-ms)."}]}"#
        )
    );
    server.shutdown();
}

#[test]
fn eight_blocking_calls_run_together_and_health_checks_stay_fast() {
    const CALLS: usize = 8;
    const BLOCK: Duration = Duration::from_millis(600);
    let mut config = HttpConfig::new(Configuration::diy(), TOKEN);
    config.port = 0;
    let dispatcher = Dispatcher::new(config.modules.clone()).unwrap();
    // Two async workers, as on this 2-core machine: blocked, they would take 4 rounds.
    let server = spawn(config, dispatcher).unwrap();
    let addr = server.addr;

    let done = Arc::new(AtomicBool::new(false));
    let checker = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut slowest = Duration::ZERO;
            let mut checks = 0;
            while !done.load(Ordering::SeqCst) {
                let started = Instant::now();
                let r = request(addr, "GET", "/healthCheck", &[], b"");
                assert_eq!(r.status, 200);
                slowest = slowest.max(started.elapsed());
                checks += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            (slowest, checks)
        })
    };

    let started = Instant::now();
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            std::thread::spawn(move || {
                let body = json!({"diy": true, "type": "hook", "function": "blockFor",
                    "options": {"ms": BLOCK.as_millis() as u64}});
                let r = post(addr, &body);
                assert_eq!((r.status, r.body.as_str()), (200, r#"{"blocked":600}"#));
            })
        })
        .collect();
    for call in calls {
        call.join().unwrap();
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::SeqCst);
    let (slowest, checks) = checker.join().unwrap();
    server.shutdown();

    // Run on two workers, the calls would take four rounds of BLOCK.
    assert!(
        elapsed < BLOCK * 5 / 2,
        "{CALLS} calls blocking {BLOCK:?} each took {elapsed:?}"
    );
    assert!(checks >= 5, "only {checks} health checks ran");
    assert!(
        slowest < Duration::from_millis(200),
        "the slowest health check took {slowest:?}"
    );
}
