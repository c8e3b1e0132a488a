//! What the example programs share: calling the dispatcher as integrator.io would.

use extension_core::serde_json::{self, Value};
use extension_core::{block_on, Dispatcher, Failure, Reply};

/// Sends one envelope; `Ok(None)` is "no value".
pub fn call(dispatcher: &Dispatcher, envelope: &Value) -> Result<Option<Value>, Failure> {
    match block_on(dispatcher.call_json(&envelope.to_string()))? {
        Reply::NoValue => Ok(None),
        Reply::Json(bytes) => Ok(Some(
            serde_json::from_slice(&bytes).expect("the dispatcher writes JSON"),
        )),
    }
}
