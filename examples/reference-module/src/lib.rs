//! The module Celigo's Node packages are tested against (the protocol (extension-core/docs/protocol.md) Appendix A), written
//! with the framework's free-form JSON functions, so that the same black-box behaviour can
//! be replayed against every host. Each function is registered in its group and is also
//! reachable by flat requests.

use extension_core::prelude::*;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Sets `options.function` (when the options are an object), as the Node module does.
fn set_function(mut options: Value, name: &str) -> Value {
    if let Some(object) = options.as_object_mut() {
        object.insert("function".to_owned(), Value::String(name.to_owned()));
    }
    options
}

/// `options.error` is truthy, as JavaScript's `if (options.error)` reads it.
fn error_requested(options: &Value) -> bool {
    match options.get("error") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

#[json_function(group = "hooks", name = "doSomething")]
fn do_something(options: Value) -> Result<Value, ExtensionError> {
    Ok(Value::Array(vec![set_function(options, "doSomething")]))
}

#[json_function(group = "hooks", name = "doSomethingError")]
fn do_something_error(_options: Value) -> Result<Value, ExtensionError> {
    Err(ExtensionError::new("my_error", "doSomethingError"))
}

#[json_function(group = "hooks", name = "echoResponse")]
fn echo_response(options: Value) -> Result<Option<Value>, ExtensionError> {
    Ok(options.get("resp").cloned())
}

#[json_function(group = "hooks", name = "respondWithNonSearializableObject")]
fn respond_with_non_serializable_object(
    _options: Value,
) -> Result<Json<HashMap<Vec<u8>, u8>>, ExtensionError> {
    // JSON object keys must be strings: serialising this map fails.
    Ok(Json(HashMap::from([(vec![1, 2], 3)])))
}

#[json_function(group = "hooks", name = "stringifyDateObject")]
fn stringify_date_object(mut options: Value) -> Result<Value, ExtensionError> {
    if let Some(object) = options.as_object_mut() {
        for key in ["lastExportDateTime", "currentExportDateTime"] {
            if let Some(value) = object.get_mut(key) {
                if let Ok(Some(time)) = ExportTime::from_json(value) {
                    *value = Value::String(time.to_iso_string());
                }
            }
        }
    }
    Ok(Value::Array(vec![options]))
}

#[json_function(group = "hooks", name = "failWithCodeAndName")]
fn fail_with_code_and_name(_options: Value) -> Result<Value, ExtensionError> {
    Err(ExtensionError::new("c1", "m1"))
}

#[json_function(group = "hooks", name = "throwSynchronously")]
fn throw_synchronously(_options: Value) -> Result<Value, ExtensionError> {
    panic!("boom")
}

#[json_function(group = "hooks", name = "sleepThenRespond")]
async fn sleep_then_respond(options: Value) -> Result<Value, ExtensionError> {
    let ms = options.get("ms").and_then(Value::as_u64).unwrap_or(0);
    sleep(Duration::from_millis(ms)).await;
    Ok(json!({"done": true}))
}

/// Not in Node's module: blocks its thread for `options.ms` milliseconds, as a synchronous
/// database driver would, for `scripts/bench-blocking.py`.
#[json_function(group = "hooks", name = "blockFor")]
fn block_for(options: Value) -> Result<Value, ExtensionError> {
    let ms = options.get("ms").and_then(Value::as_u64).unwrap_or(0);
    std::thread::sleep(Duration::from_millis(ms));
    Ok(json!({"done": true}))
}

#[json_function(group = "wrappers", name = "pingError")]
fn ping_error(_options: Value) -> Result<Value, ExtensionError> {
    Err(ExtensionError::new("pingCode", "pingMessage"))
}

#[json_function(group = "wrappers", name = "importOptions")]
fn import_options(options: Value) -> Result<Value, ExtensionError> {
    Ok(json!([{"statusCode": 200, "id": options}]))
}

#[json_function(group = "installer", name = "connectorInstallerFunction")]
fn connector_installer_function(options: Value) -> Result<Value, ExtensionError> {
    Ok(set_function(options, "connectorInstallerFunction"))
}

#[json_function(group = "installer", name = "runInstallerErrorStep")]
fn run_installer_error_step(_options: Value) -> Result<Value, ExtensionError> {
    Err(ExtensionError::new("Error", "runInstallerErrorStep"))
}

#[json_function(group = "installer", name = "runInstallerSuccessStep")]
fn run_installer_success_step(options: Value) -> Result<Value, ExtensionError> {
    Ok(set_function(options, "runInstallerSuccessStep"))
}

#[json_function(group = "uninstaller", name = "connectorUninstallerFunction")]
fn connector_uninstaller_function(options: Value) -> Result<Value, ExtensionError> {
    Ok(set_function(options, "connectorUninstallerFunction"))
}

#[json_function(group = "uninstaller", name = "runUninstallerErrorStep")]
fn run_uninstaller_error_step(_options: Value) -> Result<Value, ExtensionError> {
    Err(ExtensionError::new("Error", "runUninstallerErrorStep"))
}

#[json_function(group = "uninstaller", name = "runUninstallerSuccessStep")]
fn run_uninstaller_success_step(options: Value) -> Result<Value, ExtensionError> {
    Ok(set_function(options, "runUninstallerSuccessStep"))
}

#[json_function(group = "settings", name = "persistSettings")]
fn persist_settings(options: Value) -> Result<Value, ExtensionError> {
    if error_requested(&options) {
        return Err(ExtensionError::new("Error", "persistSettings"));
    }
    Ok(set_function(options, "persistSettings"))
}

#[json_function(group = "settings", name = "refreshMetadata")]
fn refresh_metadata(options: Value) -> Result<Value, ExtensionError> {
    Ok(set_function(options, "refreshMetadata"))
}

#[json_function(group = "utilities", name = "myUtility")]
fn my_utility(options: Value) -> Result<Value, ExtensionError> {
    if error_requested(&options) {
        return Err(ExtensionError::new("Error", "myUtility error"));
    }
    Ok(set_function(options, "myUtility"))
}

/// A timer that works under any executor: a helper thread wakes the task when it is due.
/// Public for the workspace's HTTP tests, which need slow calls of their own.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        duration,
        state: None,
    }
}

/// Whether the timer fired, and whom to wake when it does.
type TimerState = Arc<Mutex<(bool, Option<Waker>)>>;

/// The future of [`sleep`].
pub struct Sleep {
    duration: Duration,
    state: Option<TimerState>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        if duration.is_zero() {
            // No thread for a timer that is already due.
            return Poll::Ready(());
        }
        let state = self.state.get_or_insert_with(|| {
            let state: TimerState = Arc::new(Mutex::new((false, None)));
            let timer = Arc::clone(&state);
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                let mut guard = timer.lock().unwrap_or_else(|e| e.into_inner());
                guard.0 = true;
                if let Some(waker) = guard.1.take() {
                    waker.wake();
                }
            });
            state
        });
        let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
        if guard.0 {
            Poll::Ready(())
        } else {
            guard.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}
