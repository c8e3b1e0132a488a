//! What the attribute macros expand to reaches the runtime only through here. Not a public
//! API: it may change in any release (the macro crate is pinned to this exact version).
//!
//! An attribute registers data, not code: its function's pointer, type-erased, beside an
//! entry point shared by every function of the same signature ([`sync_fn`] and friends).
//! Their bounds are the signature checks, spanned by the macro at the user's own types.

pub use crate::codes::{code_of, CodeProvider};
/// `JSON.stringify`-compatible serialisation, for the benches.
pub use crate::js::to_json_vec;
pub use crate::kinds::{Group, Kind};
pub use crate::registration::{Entry, Registration};
pub use crate::state::{Call, Requirement};
pub use inventory;

use crate::error::IntoExtensionError;
use crate::kinds::{OptionsFor, ResponseFor, ReturnFor};
use crate::state::FromCall;
use std::future::Future;
use std::pin::Pin;

/// The state types a function's extra arguments need, checked when a dispatcher is built.
pub type Needs = &'static [fn() -> Option<Requirement>];

/// The registration of a function of a kind whose group is fixed by the kind. `origin` is
/// (module path, function name, file, line); `signature` the options and return types as
/// written.
pub const fn typed<K: Kind>(
    name: &'static str,
    origin: (&'static str, &'static str, &'static str, u32),
    signature: (&'static str, &'static str),
    needs: Needs,
    entry: Entry,
) -> Registration {
    Registration::new(
        name,
        K::KIND.group(),
        K::KIND,
        origin,
        signature,
        needs,
        entry,
    )
}

/// The registration of a function that chose its group (`#[json_function(group = "...")]`).
pub const fn grouped<K: Kind>(
    name: &'static str,
    group: Option<Group>,
    origin: (&'static str, &'static str, &'static str, u32),
    signature: (&'static str, &'static str),
    needs: Needs,
    entry: Entry,
) -> Registration {
    Registration::new(name, group, K::KIND, origin, signature, needs, entry)
}

/// The future an `async fn`'s shim boxes, so that every function of one signature shares
/// one entry point.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A function taking extra arguments, through its shim: the options, then what the extra
/// arguments are taken from.
pub type WithCall<O, T> = for<'a, 'b> fn(O, &'a Call<'b>) -> T;

/// Declares the entry-point constructors of one way of calling: the one for a return type
/// spelled `Result<R, E>`, whose bounds on `R` and `E` are spelled out so that a wrong type is
/// reported on the user's own token, and the one for any other spelling (an alias).
macro_rules! entries {
    ($(
        $(#[$doc:meta])*
        $split:ident / $returning:ident: $fn_type:ident<$($o:ident,)? _> => $run:ident;
    )*) => {$(
        $(#[$doc])*
        pub const fn $split<K, O, R, E>(function: $fn_type<$($o,)? Result<R, E>>) -> Entry
        where
            K: Kind,
            O: OptionsFor<K, K::Options>,
            R: ResponseFor<K, K::Response, O>,
            E: IntoExtensionError,
        {
            $returning::<K, O, Result<R, E>>(function)
        }

        $(#[$doc])*
        pub const fn $returning<K, O, T>(function: $fn_type<$($o,)? T>) -> Entry
        where
            K: Kind,
            O: OptionsFor<K, K::Options>,
            T: ReturnFor<K, K::Response, O> + 'static,
        {
            // SAFETY: the entry point reads the pointer back as this very type.
            unsafe {
                Entry::new(
                    std::mem::transmute::<$fn_type<$($o,)? T>, fn()>(function),
                    crate::call::$run::<K, O, T, $fn_type<$($o,)? T>>,
                )
            }
        }
    )*};
}

/// `fn(O) -> T`.
type Plain<O, T> = fn(O) -> T;
/// `fn(O) -> BoxFuture<T>`.
type PlainAsync<O, T> = fn(O) -> BoxFuture<T>;
/// `fn(O, &Call) -> BoxFuture<T>`.
type WithCallAsync<O, T> = WithCall<O, BoxFuture<T>>;

entries! {
    /// A plain `fn(options)`.
    sync_fn / sync_fn_returning: Plain<O, _> => run_sync;
    /// A plain `fn(options, extra arguments...)`, through its shim.
    sync_fn_with / sync_fn_with_returning: WithCall<O, _> => run_sync;
    /// An `async fn(options)`, through its shim.
    async_fn / async_fn_returning: PlainAsync<O, _> => run_async;
    /// An `async fn(options, extra arguments...)`, through its shim.
    async_fn_with / async_fn_with_returning: WithCallAsync<O, _> => run_async;
}

/// Boxes an `async fn`'s future; the `Send` bound is the check that it can move between
/// threads, spanned at the user's function.
pub fn boxed<F: Future + Send + 'static>(future: F) -> BoxFuture<F::Output> {
    Box::pin(future)
}

/// Takes an extra argument from the call; the bound is the check of its type, spanned at the
/// user's argument.
pub fn from_call<T: FromCall>(call: &Call<'_>) -> T {
    T::from_call(call)
}

/// Reads the state an extra argument of type `T` needs, without requiring that `T` can be
/// one (`from_call` reports that, once): `(&&Probe::<T>::NEW).requirement()` picks the
/// [`FromCall`] answer when there is one (autoref specialisation), `None` otherwise.
pub struct Probe<T>(std::marker::PhantomData<T>);

impl<T> Probe<T> {
    /// The probe of `T`.
    pub const NEW: Self = Probe(std::marker::PhantomData);
}

/// The answer for an argument type that is a [`FromCall`].
pub trait ProbeFromCall {
    /// The state it needs.
    fn requirement(&self) -> Option<Requirement>;
}

impl<T: FromCall> ProbeFromCall for &Probe<T> {
    fn requirement(&self) -> Option<Requirement> {
        T::requirement()
    }
}

/// The answer for any other type (already reported by `from_call`).
pub trait ProbeOther {
    /// Nothing.
    fn requirement(&self) -> Option<Requirement>;
}

impl<T> ProbeOther for Probe<T> {
    fn requirement(&self) -> Option<Requirement> {
        None
    }
}
