//! Helpers shared by the dispatch tests.
#![allow(dead_code)]

pub mod client;

use extension_core::hosts::local::Local;
use extension_core::serde_json::{self, Value};
use extension_core::{Configuration, Dispatcher, Reply};

/// What a call answered: `Ok(None)` for no value, the parsed JSON otherwise, or the status
/// and `(code, message)` pairs of a failure.
pub type Answer = Result<Option<Value>, (u16, Vec<(String, String)>)>;

pub fn diy() -> Local {
    host(Dispatcher::new(Configuration::diy()).expect("registry"))
}

pub fn connectors(ids: &[&str]) -> Local {
    host(
        Dispatcher::new(Configuration::connectors(ids.iter().copied()).unwrap()).expect("registry"),
    )
}

pub fn host(dispatcher: Dispatcher) -> Local {
    Local::new(dispatcher).expect("a runtime")
}

pub fn call(host: &Local, body: &Value) -> Answer {
    call_text(host, &body.to_string())
}

pub fn call_text(host: &Local, body: &str) -> Answer {
    match host.call(body.to_owned()) {
        Ok(Reply::NoValue) => Ok(None),
        Ok(Reply::Json(bytes)) => Ok(Some(serde_json::from_slice(&bytes).expect("valid JSON"))),
        Err(failure) => Err((
            failure.status_code,
            failure
                .errors
                .into_iter()
                .map(|e| (e.code, e.message))
                .collect(),
        )),
    }
}

/// The raw bytes of a successful call.
pub fn call_raw(host: &Local, body: &str) -> Option<String> {
    match host.call(body.to_owned()) {
        Ok(Reply::Json(bytes)) => Some(String::from_utf8(bytes.to_vec()).unwrap()),
        Ok(Reply::NoValue) => None,
        Err(f) => panic!("call failed: {f}"),
    }
}

/// A single-error 422.
pub fn fails_with(code: &str, message: &str) -> Answer {
    Err((422, vec![(code.to_owned(), message.to_owned())]))
}

pub fn errors(list: &[(&str, &str)]) -> Answer {
    Err((
        422,
        list.iter()
            .map(|(c, m)| ((*c).to_owned(), (*m).to_owned()))
            .collect(),
    ))
}

pub const A1: (&str, &str) = (
    "missing_required_field",
    "DIY is not configured in the extension configuration.",
);
pub const A2: (&str, &str) = ("invalid_field", "The _connectorId set in the extension options does't match any of the _connectorId's present in extension configuration.");
pub const A3: (&str, &str) = (
    "missing_required_field",
    "Need to set either the diy or _connectorId field in extension options.",
);
pub const B1: (&str, &str) = (
    "missing_required_field",
    "Missing required field function in the extension options.",
);
pub const B2: (&str, &str) = (
    "invalid_field",
    "The function field in the extension options must be of type string.",
);
pub const C1: (&str, &str) = (
    "missing_required_field",
    "Function options haven't been provided.",
);
pub const INVALID_FUNCTION: (&str, &str) = (
    "invalid_function",
    "The function passed in the extension options doesn't map to a function.",
);
