//! What the attribute macros expand to reaches the runtime only through here. Not a public
//! API: it may change in any release (the macro crate is pinned to this exact version).
//!
//! An attribute registers data, not code: its function's pointer, type-erased, beside an
//! entry point shared by every function of the same signature ([`sync_fn`] and friends).
//! Their bounds are the signature checks, spanned by the macro at the user's own types.

/// `JSON.stringify`-compatible serialisation, for the benches.
pub use crate::js::to_json_vec;
pub use crate::kinds::{Group, Kind};
pub use crate::registration::{Entry, Registration};
pub use inventory;

use crate::envelope::JsonText;
use crate::error::{Failure, IntoExtensionError};
use crate::kinds::{OptionsFor, ResponseFor, ReturnFor};
use crate::registration::{Invocation, Pending, Started};
use crate::reply::{Outcome, Reply};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

/// The registration of a function of a kind whose group is fixed by the kind. `origin` is
/// (module path, function name, file, line); `signature` the options and return types as
/// written.
pub const fn typed<K: Kind>(
    name: &'static str,
    origin: (&'static str, &'static str, &'static str, u32),
    signature: (&'static str, &'static str),
    entry: Entry,
) -> Registration {
    Registration::new(name, K::KIND.group(), K::KIND, origin, signature, entry)
}

/// The registration of a function that chose its group (`#[json_function(group = "...")]`).
pub const fn grouped<K: Kind>(
    name: &'static str,
    group: Option<Group>,
    origin: (&'static str, &'static str, &'static str, u32),
    signature: (&'static str, &'static str),
    entry: Entry,
) -> Registration {
    Registration::new(name, group, K::KIND, origin, signature, entry)
}

/// The future an `async fn`'s shim boxes, so that every function of one signature shares
/// one entry point.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A plain `fn(O) -> Result<R, E>`. The bounds on `R` and `E` are spelled out so that a
/// wrong type is reported on the user's own token; the entry point is the alias one's.
pub const fn sync_fn<K, O, R, E>(function: fn(O) -> Result<R, E>) -> Entry
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    R: ResponseFor<K, K::Response>,
    E: IntoExtensionError,
{
    sync_fn_returning::<K, O, Result<R, E>>(function)
}

/// A plain `fn(O) -> T` whose return type is not spelled `Result<_, _>` (an alias).
pub const fn sync_fn_returning<K, O, T>(function: fn(O) -> T) -> Entry
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response> + 'static,
{
    // SAFETY: `run_sync` reads the pointer back as `fn(O) -> T`.
    unsafe {
        Entry::new(
            std::mem::transmute::<fn(O) -> T, fn()>(function),
            run_sync::<K, O, T>,
        )
    }
}

/// An `async fn`, through its shim `fn(O) -> BoxFuture<Result<R, E>>`.
pub const fn async_fn<K, O, R, E>(shim: fn(O) -> BoxFuture<Result<R, E>>) -> Entry
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    R: ResponseFor<K, K::Response>,
    E: IntoExtensionError,
{
    async_fn_returning::<K, O, Result<R, E>>(shim)
}

/// An `async fn` whose return type is not spelled `Result<_, _>`.
pub const fn async_fn_returning<K, O, T>(shim: fn(O) -> BoxFuture<T>) -> Entry
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response> + 'static,
{
    // SAFETY: `run_async` reads the pointer back as `fn(O) -> BoxFuture<T>`.
    unsafe {
        Entry::new(
            std::mem::transmute::<fn(O) -> BoxFuture<T>, fn()>(shim),
            run_async::<K, O, T>,
        )
    }
}

/// Boxes an `async fn`'s future; the `Send` bound is the check that it can move between
/// threads, spanned at the user's function.
pub fn boxed<F: Future + Send + 'static>(future: F) -> BoxFuture<F::Output> {
    Box::pin(future)
}

pub(crate) unsafe fn run_sync<K, O, T>(function: fn(), invocation: Invocation) -> Started
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response> + 'static,
{
    // SAFETY: erased from this very type by `sync_fn_returning`.
    let function = unsafe { std::mem::transmute::<fn(), fn(O) -> T>(function) };
    Started::Blocking(Box::new(move || {
        let (options, expect) = decode::<K, O>(&invocation.options, invocation.name)?;
        respond::<K, T>(function(options), expect)
    }))
}

pub(crate) unsafe fn run_async<K, O, T>(shim: fn(), invocation: Invocation) -> Started
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response> + 'static,
{
    // SAFETY: erased from this very type by `async_fn_returning`.
    let shim = unsafe { std::mem::transmute::<fn(), fn(O) -> BoxFuture<T>>(shim) };
    match decode::<K, O>(&invocation.options, invocation.name) {
        Ok((options, expect)) => {
            let call = shim(options);
            Started::Async(pending(async move { respond::<K, T>(call.await, expect) }))
        }
        Err(failure) => Started::Ready(Err(failure)),
    }
}

fn pending<F: Future<Output = Outcome> + Send + 'static>(call: F) -> Pending {
    Box::pin(call)
}

/// How many elements the response must have, taken from the options before the call.
struct Expect(Option<(&'static str, usize)>);

/// Decodes the options text into the function's options type `O`.
fn decode<K: Kind, O: OptionsFor<K, K::Options>>(
    text: &JsonText,
    function: &'static str,
) -> Result<(O, Expect), Failure> {
    match serde_json::from_str::<O>(text.as_str()) {
        Ok(options) => {
            let expect = Expect(options.record_count());
            Ok((options, expect))
        }
        Err(_) => Err(options_failure::<K, O>(text.as_str(), function)),
    }
}

/// Decodes again, this time tracking the path, to say which field did not fit. Only runs on
/// the error path, so well-formed calls pay nothing for it.
fn options_failure<K: Kind, O: DeserializeOwned>(text: &str, function: &str) -> Failure {
    let mut de = serde_json::Deserializer::from_str(text);
    let (path, detail) = match serde_path_to_error::deserialize::<_, O>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        Ok(_) => (".".to_owned(), "the options do not fit".to_owned()),
    };
    let detail = strip_location(&detail);
    let kind = if K::KIND == crate::FunctionKind::JsonFunction {
        String::new()
    } else {
        format!(" ({})", K::KIND.wire_name())
    };
    let place = if path == "." {
        "the options".to_owned()
    } else {
        format!("field `{path}`")
    };
    Failure::single(
        "invalid_field",
        format!("Invalid options for {function}{kind}: {place}: {detail}."),
    )
}

/// serde_json's messages end in ` at line L column C`, which means nothing to the caller.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

/// Checks the record-count invariant and encodes a function's result.
fn respond<K: Kind, T: ReturnFor<K, K::Response>>(returned: T, expect: Expect) -> Outcome {
    let response = returned
        .into_result()
        .map_err(|e| Failure::from(e.into_extension_error()))?;
    if let (Some((field, expected)), Some(actual)) = (expect.0, response.record_count()) {
        if expected != actual {
            return Err(Failure::single(
                "invalid_extension_response",
                format!(
                    "The {} response must have one element per record of `{field}`: \
                     {expected} record(s) came in, {actual} element(s) came back.",
                    K::KIND.wire_name()
                ),
            ));
        }
    }
    response.encode()
}

/// Encodes a result as its compact JSON.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Outcome {
    crate::js::to_json_vec(value)
        .map(|bytes| Reply::Json(bytes.into()))
        .map_err(|_| {
            Failure::single(
                "invalid_extension_response",
                "Extension response is not serializable.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::strip_location;

    #[test]
    fn strips_serde_json_locations() {
        assert_eq!(
            strip_location("invalid type: string \"x\", expected u64 at line 1 column 20"),
            "invalid type: string \"x\", expected u64"
        );
        assert_eq!(strip_location("missing field `a`"), "missing field `a`");
    }
}
