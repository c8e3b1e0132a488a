//! Calling a registered function: decode its options, take its extra arguments, run it
//! (where blocking is allowed, for a plain `fn`), check and encode what it returned. These are
//! the entry points every function of one signature shares (see `__private`).

use crate::__private::BoxFuture;
use crate::envelope::JsonText;
use crate::error::{Failure, IntoExtensionError};
use crate::isolate::{Aside, Misfit};
use crate::kinds::{Kind, OptionsFor, ResponseFor, ReturnFor};
use crate::registration::{Invocation, Pending, Started};
use crate::reply::{Outcome, Reply, SizeLimit};
use crate::state::Call;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// The type a function pointer was erased from, and how to call it.
pub(crate) trait Callee<O, T>: Copy + Send + 'static {
    /// # Safety
    /// `function` must have been erased from exactly this type.
    unsafe fn recover(function: fn()) -> Self;

    fn call(self, options: O, call: &Call<'_>) -> T;
}

impl<O: 'static, T: 'static> Callee<O, T> for fn(O) -> T {
    unsafe fn recover(function: fn()) -> Self {
        // SAFETY: the caller's contract.
        unsafe { std::mem::transmute::<fn(), Self>(function) }
    }

    fn call(self, options: O, _: &Call<'_>) -> T {
        self(options)
    }
}

impl<O: 'static, T: 'static> Callee<O, T> for for<'a, 'b> fn(O, &'a Call<'b>) -> T {
    unsafe fn recover(function: fn()) -> Self {
        // SAFETY: the caller's contract.
        unsafe { std::mem::transmute::<fn(), Self>(function) }
    }

    fn call(self, options: O, call: &Call<'_>) -> T {
        self(options, call)
    }
}

/// A plain `fn`: decoded and run on the blocking pool.
///
/// # Safety
/// `function` must have been erased from `F`.
pub(crate) unsafe fn run_sync<K, O, T, F>(function: fn(), invocation: Invocation) -> Started
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response, O> + 'static,
    F: Callee<O, T>,
{
    // SAFETY: the caller's contract.
    let function = unsafe { F::recover(function) };
    Started::Blocking(Box::new(move || {
        let (options, expect) = decode::<K, O>(&invocation)?;
        let call = invocation.call();
        respond::<K, O, T>(function.call(options, &call), expect)
    }))
}

/// An `async fn`, through its shim: decoded here, then polled on the caller's task.
///
/// # Safety
/// `shim` must have been erased from `F`.
pub(crate) unsafe fn run_async<K, O, T, F>(shim: fn(), invocation: Invocation) -> Started
where
    K: Kind,
    O: OptionsFor<K, K::Options>,
    T: ReturnFor<K, K::Response, O> + 'static,
    F: Callee<O, BoxFuture<T>>,
{
    // SAFETY: the caller's contract.
    let shim = unsafe { F::recover(shim) };
    match decode::<K, O>(&invocation) {
        Ok((options, expect)) => {
            let future = shim.call(options, &invocation.call());
            Started::Async(pending(
                async move { respond::<K, O, T>(future.await, expect) },
            ))
        }
        Err(failure) => Started::Ready(Err(failure)),
    }
}

fn pending<F: Future<Output = Outcome> + Send + 'static>(call: F) -> Pending {
    Box::pin(call)
}

/// What the response must be: how many elements (taken from the options before the call),
/// how long, and the errors of records that did not fit, to put back in.
struct Expect {
    records: Option<(&'static str, usize)>,
    limit: SizeLimit,
    misfits: Option<(Vec<Misfit>, Aside)>,
}

/// Decodes the options text into the function's options type `O`.
fn decode<K: Kind, O: OptionsFor<K, K::Options>>(
    invocation: &Invocation,
) -> Result<(O, Expect), Failure> {
    let (text, function) = (&invocation.options, invocation.name);
    // Set from the registration: the kind has a slot for a record's error, and the function
    // did not choose `misfits = "fail_page"`.
    let isolate = invocation.isolate;
    let decoded = match isolate {
        true => text.decode_isolating::<O>(invocation.budget.bytes),
        false => text
            .decode::<O>(invocation.budget.bytes)
            .map(|o| (o, Vec::new())),
    };
    match decoded {
        Ok((mut options, misfits)) => {
            let misfits = match misfits.is_empty() {
                true => None,
                false => Some(set_aside::<K, O>(&mut options, misfits, invocation)?),
            };
            let expect = Expect {
                records: options.record_count(),
                limit: invocation.limit.clone(),
                misfits,
            };
            Ok((options, expect))
        }
        // Decoding again to find the path would build the same trees: say what was refused.
        Err(e) if e.is_exhausted() => Err(invocation.budget.failure(function, text.as_str().len())),
        Err(_) => Err(options_failure::<K, O>(
            text,
            function,
            invocation.budget.bytes,
            isolate,
        )),
    }
}

/// Records that did not fit: their errors worded, and what goes with them taken out of the
/// options; when the kind cannot answer them one by one, the call fails as it would without
/// isolation.
fn set_aside<K: Kind, O: OptionsFor<K, K::Options>>(
    options: &mut O,
    mut misfits: Vec<Misfit>,
    invocation: &Invocation,
) -> Result<(Vec<Misfit>, Aside), Failure> {
    let field = K::KIND.misfits_field().unwrap_or("data");
    let path_of = |misfit: &Misfit| {
        let inner = match misfit.path.as_str() {
            "." => String::new(),
            path if path.starts_with('[') => path.to_owned(),
            path => format!(".{path}"),
        };
        format!("field `{field}[{}]{inner}`", misfit.index)
    };
    let indexes: Vec<usize> = misfits.iter().map(|m| m.index).collect();
    let Some(aside) = options.set_aside(&indexes) else {
        let first = &misfits[0];
        let detail = format!(
            "{} (the arrays that go with `{field}` do not have one element per record, so it \
             cannot be answered alone)",
            strip_location(&first.detail)
        );
        return Err(Failure::single(
            "invalid_field",
            not_fitting::<K>("options", invocation.name, &path_of(first), &detail),
        ));
    };
    for misfit in &mut misfits {
        let detail = strip_location(&misfit.detail).to_owned();
        misfit.message = not_fitting::<K>("record", invocation.name, &path_of(misfit), &detail);
    }
    Ok((misfits, aside))
}

/// `Invalid options for tag (preMap): field `data[3].id`: invalid type: ...`: what did not
/// fit (`what`: options or record), where and why.
fn not_fitting<K: Kind>(what: &str, function: &str, place: &str, detail: &str) -> String {
    let kind = if K::KIND == crate::FunctionKind::JsonFunction {
        String::new()
    } else {
        format!(" ({})", K::KIND.wire_name())
    };
    format!("Invalid {what} for {function}{kind}: {place}: {detail}.")
}

/// Decodes again, this time tracking the path, to say which field did not fit. Only runs on
/// the error path, so well-formed calls pay nothing for it.
fn options_failure<K: Kind, O: DeserializeOwned>(
    text: &JsonText,
    function: &str,
    budget: u64,
    isolate: bool,
) -> Failure {
    let (path, detail) = text.misfit::<O>(budget, isolate);
    let place = if path == "." {
        "the options".to_owned()
    } else {
        format!("field `{path}`")
    };
    Failure::single(
        "invalid_field",
        not_fitting::<K>("options", function, &place, strip_location(&detail)),
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
fn respond<K: Kind, O, T: ReturnFor<K, K::Response, O>>(returned: T, expect: Expect) -> Outcome {
    let response = returned
        .into_result()
        .map_err(|e| Failure::from(e.into_extension_error()))?;
    let mut response = response;
    if let (Some((field, expected)), Some(actual)) = (expect.records, response.record_count()) {
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
    if let Some((misfits, aside)) = expect.misfits {
        response.put_back(misfits, aside);
    }
    response.encode(&expect.limit)
}

/// Encodes a result as `JSON.stringify` writes it, within the size limit (section 5).
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T, limit: &SizeLimit) -> Outcome {
    use crate::json::ser;
    let encoded = match limit.parts() {
        None => ser::with_capacity(value, Some(limit.units()), limit.hint).map(Bytes::from),
        Some(kept) => {
            ser::in_parts(value, Some(limit.units()), limit.hint, ser::PART).map(|mut parts| {
                let last = parts.pop().unwrap_or_default();
                kept.set(parts);
                last
            })
        }
    };
    match encoded {
        Ok(bytes) => Ok(Reply::Json(bytes)),
        Err(crate::json::ser::Error::TooLarge) => Err(limit.failure()),
        Err(crate::json::ser::Error::NotSerializable(_)) => Err(Failure::single(
            "invalid_extension_response",
            "Extension response is not serializable.",
        )),
    }
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
