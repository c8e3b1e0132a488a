//! Functions that take the call's `Context` and shared `State<T>` besides their options: the
//! arguments reach them, plain and async, and a host without the state a function asks for
//! refuses to start, naming both.

use extension_core::hosts::local::Local;
use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher, FunctionKind, Host, RegistryError, States};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Settings loaded at boot.
#[derive(Clone)]
struct Greeting(String);

/// A pool-like state: shared by every call.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

#[json_function(group = "utilities", name = "greet")]
fn greet(
    options: Value,
    context: Context,
    State(greeting): State<Greeting>,
    State(counter): State<Counter>,
) -> Result<Value, ExtensionError> {
    let calls = counter.0.fetch_add(1, Ordering::SeqCst) + 1;
    Ok(json!({
        "greeting": format!("{} {}", greeting.0, options["name"].as_str().unwrap_or("?")),
        "calls": calls,
        "function": context.function(),
        "kind": context.kind().map(FunctionKind::wire_name),
        "local": context.host() == Host::Local,
        "requestId": context.request_id(),
    }))
}

/// State first, context last: the extra arguments come in any order.
#[pre_save_page(name = "countPage")]
async fn count_page(
    options: PreSavePageOptions,
    State(counter): State<Counter>,
    context: Context,
) -> Result<PreSavePageResponse, ExtensionError> {
    counter.0.fetch_add(options.data.len(), Ordering::SeqCst);
    let data = vec![json!({"function": context.function(), "trace": context.trace_id()}).into()];
    Ok(PreSavePageResponse {
        data,
        ..Default::default()
    })
}

fn host(states: States) -> Local {
    let dispatcher = Dispatcher::builder(Configuration::diy())
        .states(states)
        .build()
        .unwrap();
    Local::new(dispatcher).unwrap()
}

fn answer(host: &Local, body: Value) -> Value {
    let reply = host.call(body.to_string()).unwrap();
    serde_json_from(reply.json().unwrap())
}

fn serde_json_from(bytes: &[u8]) -> Value {
    extension_core::serde_json::from_slice(bytes).unwrap()
}

#[test]
fn context_and_state_reach_plain_and_async_functions() {
    let counter = Counter::default();
    let host = host(
        States::new()
            .with(Greeting("hello".into()))
            .with(counter.clone()),
    );
    let body =
        json!({"diy": true, "type": "utility", "function": "greet", "options": {"name": "ada"}});
    let first = answer(&host, body.clone());
    assert_eq!(first["greeting"], "hello ada");
    assert_eq!(first["function"], "greet");
    assert_eq!(first["kind"], "function");
    assert_eq!(first["local"], true);
    let second = answer(&host, body);
    assert_eq!(second["calls"], 2, "the state is shared between calls");
    assert_ne!(first["requestId"], second["requestId"]);

    let page = answer(
        &host,
        json!({"diy": true, "function": "countPage", "options": {"data": [1, 2, 3]}}),
    );
    assert_eq!(
        page["data"],
        json!([{"function": "countPage", "trace": null}])
    );
    assert_eq!(counter.0.load(Ordering::SeqCst), 2 + 3);
}

#[test]
fn a_state_the_host_was_not_given_is_a_startup_error_naming_function_and_type() {
    let err = Dispatcher::builder(Configuration::diy())
        .state(Counter::default())
        .build()
        .unwrap_err();
    let RegistryError::MissingState { function, state } = &err else {
        panic!("{err:?}");
    };
    assert!(
        function.starts_with("context::greet (tests/tests/context.rs:"),
        "{function}"
    );
    assert_eq!(state, "context::Greeting");
    let message = err.to_string();
    assert!(
        message.contains("takes a `State<context::Greeting>`"),
        "{message}"
    );
    assert!(message.contains("States::new().with(value)"), "{message}");
    // Nothing given at all: the first function needing something is named.
    assert!(matches!(
        Dispatcher::new(Configuration::diy()),
        Err(RegistryError::MissingState { .. })
    ));
}

#[test]
fn list_shows_what_each_function_needs() {
    let host = host(
        States::new()
            .with(Greeting("hi".into()))
            .with(Counter::default()),
    );
    let greet = host.dispatcher().registry().flat("greet").unwrap();
    let needs: Vec<_> = greet.state_types().collect();
    assert_eq!(needs, ["context::Greeting", "context::Counter"]);
}
