//! What the attribute macros expand to reaches the runtime only through here. Not a public
//! API: it may change in any release (the macro crate is pinned to this exact version).

pub use crate::kind::{Group, Kind};
pub use crate::registry::{Pending, Registration, Reply};
pub use inventory;
pub use serde_json::value::RawValue;

use crate::error::Failure;
use crate::kind::{IntoExtensionError, OptionsFor, ResponseFor, ReturnFor};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::any::TypeId;
use std::future::Future;

/// How many elements the response must have, taken from the options before the call.
pub struct Expect(Option<(&'static str, usize)>);

/// Decodes the options text into the function's options type `O`; the type check of the
/// options argument (`O: OptionsFor<K, _>`) is this call's bound.
pub fn decode<K: Kind, O: OptionsFor<K, K::Options>>(
    raw: &RawValue,
    function: &'static str,
) -> Result<(O, Expect), Failure> {
    match serde_json::from_str::<O>(raw.get()) {
        Ok(options) => {
            let expect = Expect(options.record_count());
            Ok((options, expect))
        }
        Err(_) => Err(options_failure::<K, O>(raw.get(), function)),
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
    let kind = if K::NAME == "function" {
        String::new()
    } else {
        format!(" ({})", K::NAME)
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

/// Checks the invariant and encodes a function's result; the bounds are the type checks of
/// the response and error types.
pub fn respond<K: Kind, R: ResponseFor<K, K::Response>, E: IntoExtensionError>(
    result: Result<R, E>,
    expect: Expect,
) -> Result<Reply, Failure> {
    let response = result.map_err(|e| Failure::from(e.into_extension_error()))?;
    if let (Some((field, expected)), Some(actual)) = (expect.0, response.record_count()) {
        if expected != actual {
            return Err(Failure::single(
                "invalid_extension_response",
                format!(
                    "The {} response must have one element per record of `{field}`: \
                     {expected} record(s) came in, {actual} element(s) came back.",
                    K::NAME
                ),
            ));
        }
    }
    response.encode()
}

/// [`respond`] for a return type not spelled `Result<_, _>` (a type alias, say).
pub fn respond_return<K: Kind, T: ReturnFor<K, K::Response>>(
    value: T,
    expect: Expect,
) -> Result<Reply, Failure> {
    respond::<K, T::Response, T::Error>(value.into_result(), expect)
}

/// Encodes a result: `()` is "no value", anything else its compact JSON.
pub fn encode<T: Serialize + 'static>(value: &T) -> Result<Reply, Failure> {
    if TypeId::of::<T>() == TypeId::of::<()>() {
        return Ok(Reply::NoValue);
    }
    crate::js::to_json_vec(value).map(Reply::Json).map_err(|_| {
        Failure::single(
            "invalid_extension_response",
            "Extension response is not serializable.",
        )
    })
}

/// A finished call.
pub fn ready(result: Result<Reply, Failure>) -> Pending {
    Box::pin(std::future::ready(result))
}

/// A call under way; requires the future to be `Send`, as every host runs it on a
/// multi-threaded runtime.
pub fn pending<F: Future<Output = Result<Reply, Failure>> + Send + 'static>(call: F) -> Pending {
    Box::pin(call)
}

/// The check that an `async fn`'s future can move between threads, at the user's function.
pub fn send<F: Future + Send + 'static>(future: F) -> F {
    future
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
