//! The dispatcher: protocol sections 3 to 5, shared by every host. It is the seam hosts are
//! written against: an [`Envelope`] and a [`Context`] in, an [`Outcome`] out.

use crate::budget::{Budget, DEFAULT_EXPANSION_LIMIT};
use crate::config::Configuration;
use crate::context::Context;
use crate::envelope::{Envelope, JsonText, Member};
use crate::error::{ErrorItem, Failure};
use crate::kinds::Group;
use crate::registration::{Invocation, Registration, Started};
use crate::registry::{Registry, RegistryError};
use crate::reply::{Outcome, Reply, SizeLimit};
use crate::state::States;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

/// Response limit when the envelope sets none (5 MiB, counted in UTF-16 units).
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 5_242_880;

/// Finds and calls registered functions for a host's [`Configuration`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Configuration,
    registry: Arc<Registry>,
    states: Arc<States>,
    expansion_limit: u32,
}

impl Dispatcher {
    /// A dispatcher over the functions linked into this binary, with no state. Fails when
    /// none are registered, two answer the same request, or one takes a `State<T>`.
    pub fn new(config: Configuration) -> Result<Self, RegistryError> {
        Dispatcher::builder(config).build()
    }

    /// A dispatcher with state, or over a registry of your own.
    pub fn builder(config: Configuration) -> DispatcherBuilder {
        DispatcherBuilder {
            config,
            registry: None,
            states: States::new(),
            expansion_limit: DEFAULT_EXPANSION_LIMIT,
        }
    }

    /// The configuration served.
    pub fn configuration(&self) -> &Configuration {
        &self.inner.config
    }

    /// The registered functions.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The states functions are given.
    pub fn states(&self) -> &States {
        &self.inner.states
    }

    /// Validates the envelope, finds the function, runs it and checks its result (sections
    /// 3.1 to 3.8 and 5). A plain `fn` runs where blocking is allowed (tokio's blocking pool,
    /// when called on a tokio runtime), an `async fn` on the caller's task. A panic in the
    /// function is a 422 `function_panicked`.
    pub async fn dispatch(&self, envelope: &Envelope, context: Context) -> Outcome {
        self.dispatch_in_parts(envelope, context, None).await
    }

    /// [`Dispatcher::dispatch`], a long answer written in parts, all but the last kept in
    /// `parts` (for a host that sends them as they are).
    pub(crate) async fn dispatch_in_parts(
        &self,
        envelope: &Envelope,
        context: Context,
        parts: Option<crate::reply::Parts>,
    ) -> Outcome {
        let (registration, options) = self.resolve(envelope)?;
        let sent = options.as_str().len();
        let invocation = Invocation {
            options,
            name: registration.name(),
            context: context.for_function(registration.name(), registration.kind()),
            states: Arc::clone(&self.inner.states),
            limit: SizeLimit::of(envelope.max_response_size())
                .with_room_for(sent)
                .in_parts(parts),
            budget: Budget::for_options(sent, self.inner.expansion_limit),
            isolate: registration.isolates_records(),
        };
        let limit = invocation.limit.clone();
        let reply = run(registration, invocation).await?;
        // A JSON result was measured as it was encoded; no value is empty.
        if reply == Reply::NoValue && limit.exceeded_by(0) {
            return Err(limit.failure());
        }
        Ok(reply)
    }

    /// The function an envelope names, after the checks of sections 3.1, 3.3 and 3.4.
    pub(crate) fn resolve(
        &self,
        envelope: &Envelope,
    ) -> Result<(&'static Registration, JsonText), Failure> {
        let config = &self.inner.config;
        let registry = &self.inner.registry;
        let mut errors = Vec::new();
        if envelope.diy().is_some_and(|m| m.truthy()) {
            if !config.is_diy() {
                errors.push(ErrorItem::new(
                    "missing_required_field",
                    "DIY is not configured in the extension configuration.",
                ));
            }
        } else if let Some(id) = envelope.connector_id().filter(Member::truthy) {
            if !config.serves_connector(&id.to_js_string()) {
                errors.push(ErrorItem::new(
                    "invalid_field",
                    "The _connectorId set in the extension options does't match any of the _connectorId's present in extension configuration.",
                ));
            }
        } else {
            errors.push(ErrorItem::new(
                "missing_required_field",
                "Need to set either the diy or _connectorId field in extension options.",
            ));
        }
        let function = match envelope.function().filter(Member::truthy) {
            Some(f) => match f.as_str() {
                Some(name) => Some(name),
                None => {
                    errors.push(ErrorItem::new(
                        "invalid_field",
                        "The function field in the extension options must be of type string.",
                    ));
                    None
                }
            },
            None => {
                errors.push(ErrorItem::new(
                    "missing_required_field",
                    "Missing required field function in the extension options.",
                ));
                None
            }
        };
        let options = envelope.options().filter(|text| Member::of(text).truthy());
        if options.is_none() {
            errors.push(ErrorItem::new(
                "missing_required_field",
                "Function options haven't been provided.",
            ));
        }
        let (Some(function), Some(options), true) = (function, options, errors.is_empty()) else {
            return Err(Failure::unprocessable(errors));
        };

        let registration = match envelope.type_().filter(Member::truthy) {
            Some(type_) => {
                let type_ = type_.to_js_string();
                let group = Group::from_type(&type_).filter(|g| registry.has_group(*g));
                let Some(group) = group else {
                    return Err(Failure::single(
                        "object_not_found",
                        format!("The object {type_} doesn't exist in the module."),
                    ));
                };
                registry.grouped(group, &function)
            }
            None => registry.flat(&function),
        };
        registration.map(|r| (r, options.clone())).ok_or_else(|| {
            Failure::single(
                "invalid_function",
                "The function passed in the extension options doesn't map to a function.",
            )
        })
    }
}

/// Builds a [`Dispatcher`]: its registry (the functions linked into this binary by default),
/// the states its functions are given, and how much memory a call may take.
#[derive(Debug)]
pub struct DispatcherBuilder {
    config: Configuration,
    registry: Option<Arc<Registry>>,
    states: States,
    expansion_limit: u32,
}

impl DispatcherBuilder {
    /// Serve these functions instead of every linked one (tests, embedding).
    #[must_use]
    pub fn registry(mut self, registry: impl Into<Arc<Registry>>) -> Self {
        self.registry = Some(registry.into());
        self
    }

    /// Give functions these states (`State<T>` arguments).
    #[must_use]
    pub fn states(mut self, states: States) -> Self {
        self.states = states;
        self
    }

    /// How many times their own size a call's options may take in memory once decoded
    /// (free-form values, your own types, records; at least 16 MiB whatever the size):
    /// past it the call is a 422 `options_too_large` instead of an allocation that could
    /// take the process down. 3 by default: a page of [`Record`](crate::Record)s takes about
    /// 300 bytes a record (0.6 times the bench kit's records), of typed records about as
    /// much as their text; `Value` records are charged 11 to 12 times theirs, so pages of
    /// them beyond about 1.4 MB need a higher factor.
    #[must_use]
    pub fn expansion_limit(mut self, factor: u32) -> Self {
        self.expansion_limit = factor.max(1);
        self
    }

    /// Give functions this value as their `State<T>`.
    #[must_use]
    pub fn state<T: crate::state::StateValue>(mut self, value: T) -> Self {
        self.states.insert(value);
        self
    }

    /// The dispatcher. Fails when no function is registered, two answer the same request, or
    /// one takes a `State<T>` it was not given: at start-up, not at its first call.
    pub fn build(self) -> Result<Dispatcher, RegistryError> {
        let registry = match self.registry {
            Some(registry) => registry,
            None => Registry::global()?,
        };
        for registration in registry.iter() {
            let missing = registration
                .requirements()
                .find(|(type_id, _)| !self.states.has(*type_id));
            if let Some((_, state)) = missing {
                return Err(RegistryError::MissingState {
                    function: registration.location(),
                    state: state.to_owned(),
                });
            }
        }
        Ok(Dispatcher {
            inner: Arc::new(Inner {
                config: self.config,
                registry,
                states: Arc::new(self.states),
                expansion_limit: self.expansion_limit,
            }),
        })
    }
}

/// Runs a function, turning a panic (while decoding or running) into a 422.
async fn run(registration: &'static Registration, invocation: Invocation) -> Outcome {
    let started = catch_unwind(AssertUnwindSafe(|| registration.start(invocation)))
        .unwrap_or_else(|payload| Started::Ready(Err(panic_failure(payload))));
    match started {
        Started::Ready(outcome) => outcome,
        Started::Async(pending) => CatchUnwind(pending).await,
        Started::Blocking(job) => blocking(job).await,
    }
}

/// Runs a plain `fn` off the async workers: on tokio's blocking pool when there is a runtime,
/// in place otherwise (a test calling the dispatcher from a thread of its own).
async fn blocking(job: Box<dyn FnOnce() -> Outcome + Send>) -> Outcome {
    let job = move || catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|p| Err(panic_failure(p)));
    #[cfg(feature = "rt")]
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        return match runtime.spawn_blocking(job).await {
            Ok(outcome) => outcome,
            Err(e) => Err(Failure::single(
                "function_panicked",
                format!("The extension function did not complete: {e}"),
            )),
        };
    }
    job()
}

/// Polls a call, answering a panic as a failure instead of unwinding into the host.
struct CatchUnwind(Pin<Box<dyn Future<Output = Outcome> + Send>>);

impl Future for CatchUnwind {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Outcome> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(panic_failure(payload))),
        }
    }
}

fn panic_failure(payload: Box<dyn std::any::Any + Send>) -> Failure {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    Failure::single(
        "function_panicked",
        format!("The extension function panicked: {detail}"),
    )
}
