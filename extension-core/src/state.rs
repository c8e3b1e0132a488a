//! What a function may take besides its options: the call's [`Context`] and shared state
//! registered at start-up ([`State<T>`], from [`States`]), the way axum handlers take
//! extractors. A function that asks for state the host was not given fails at start-up.

use crate::context::Context;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Shared state of type `T`, registered once at start-up with [`States::with`] and handed to
/// every function that takes a `State<T>` argument: a database pool, an HTTP client, settings
/// loaded at boot. `T` is cloned for each call, so make it cheap to clone (most pools and
/// clients are an `Arc` inside; wrap anything else in one).
///
/// ```ignore
/// #[wrapper_import]
/// fn write(options: ImportOptions, State(db): State<Pool>) -> Result<ImportResponse, ExtensionError> { .. }
/// ```
#[derive(Clone, Debug, Default)]
pub struct State<T>(pub T);

/// The state a host serves its functions with: one value per type.
#[derive(Clone, Default)]
pub struct States {
    values: HashMap<TypeId, (Arc<dyn Any + Send + Sync>, &'static str)>,
}

impl States {
    /// No state.
    pub fn new() -> Self {
        States::default()
    }

    /// The same states with `value` as the `State<T>` of every function that asks for one
    /// (replacing a value of the same type).
    #[must_use]
    pub fn with<T: StateValue>(mut self, value: T) -> Self {
        self.insert(value);
        self
    }

    /// Adds `value`, replacing a value of the same type.
    pub fn insert<T: StateValue>(&mut self, value: T) {
        self.values.insert(
            TypeId::of::<T>(),
            (Arc::new(value), std::any::type_name::<T>()),
        );
    }

    /// The value of type `T`, if there is one.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.values
            .get(&TypeId::of::<T>())
            .and_then(|(value, _)| value.downcast_ref())
    }

    pub(crate) fn has(&self, type_id: TypeId) -> bool {
        self.values.contains_key(&type_id)
    }
}

impl fmt::Debug for States {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Types only: values may hold credentials.
        f.debug_set()
            .entries(self.values.values().map(|(_, name)| name))
            .finish()
    }
}

/// What a function's extra arguments are taken from: the call's context and the host's states.
#[doc(hidden)]
pub struct Call<'a> {
    pub(crate) context: &'a Context,
    pub(crate) states: &'a States,
}

/// A state type a function needs: its id, and its name for messages.
#[doc(hidden)]
pub type Requirement = (TypeId, &'static str);

/// An argument a function may take after its options: [`Context`] or [`State<T>`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of an extension function",
    label = "expected `Context` or `State<T>` here",
    note = "an extension function takes its options first, then any of `Context` (the call's request id, trace id, function, host and deadline) and `State<T>` (a value registered at start-up with `States::with`)"
)]
pub trait FromCall: Sized + 'static {
    /// Takes the argument from the call.
    #[doc(hidden)]
    fn from_call(call: &Call<'_>) -> Self;

    /// The state type the host must have been given for this argument, if any.
    #[doc(hidden)]
    fn requirement() -> Option<Requirement> {
        None
    }
}

impl FromCall for Context {
    fn from_call(call: &Call<'_>) -> Self {
        call.context.clone()
    }
}

/// A type that can be shared state: cloned for each call, used from any thread.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be shared state: it must be `Clone + Send + Sync`",
    label = "used as shared state here",
    note = "every call gets a clone of the state, on any thread: derive `Clone`, or wrap it in `std::sync::Arc` (and a `Mutex` for what changes)"
)]
pub trait StateValue: Clone + Send + Sync + 'static {}

#[diagnostic::do_not_recommend]
impl<T: Clone + Send + Sync + 'static> StateValue for T {}

impl<T: StateValue> FromCall for State<T> {
    fn from_call(call: &Call<'_>) -> Self {
        // Every function's requirements are checked when its dispatcher is built.
        let value = call.states.get::<T>().expect("a state checked at start-up");
        State(value.clone())
    }

    fn requirement() -> Option<Requirement> {
        Some((TypeId::of::<T>(), std::any::type_name::<T>()))
    }
}
