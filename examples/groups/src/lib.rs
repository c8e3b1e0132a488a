//! What the example programs share: calling functions in process, as integrator.io would.

use extension_core::hosts::local::Local;
use extension_core::serde_json::{self, Value};
use extension_core::{Dispatcher, Failure, Reply};

/// An in-process host for `dispatcher`.
pub fn host(dispatcher: Dispatcher) -> Local {
    Local::new(dispatcher).expect("a runtime")
}

/// Sends one envelope; `Ok(None)` is "no value".
pub fn call(host: &Local, envelope: &Value) -> Result<Option<Value>, Failure> {
    match host.call(envelope.to_string())? {
        Reply::NoValue => Ok(None),
        Reply::Json(bytes) => Ok(Some(
            serde_json::from_slice(&bytes).expect("the dispatcher writes JSON"),
        )),
    }
}
