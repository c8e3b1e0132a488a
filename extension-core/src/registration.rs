//! One registered function: what the attribute records about it, and how the dispatcher
//! starts it.

use crate::context::Context;
use crate::envelope::JsonText;
use crate::kinds::{FunctionKind, Group};
use crate::reply::Outcome;
use crate::state::{Call, Requirement, States};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A call under way: resolves to the encoded result or the failure.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Where a function is defined: module path, function name, file, line.
pub(crate) type Origin = (&'static str, &'static str, &'static str, u32);

/// One registered function. Built by the attribute macros; read it through the accessors.
pub struct Registration {
    name: &'static str,
    group: Option<Group>,
    kind: FunctionKind,
    origin: Origin,
    signature: (&'static str, &'static str),
    needs: &'static [fn() -> Option<Requirement>],
    entry: Entry,
    /// `misfits = "fail_page"`: a record that does not fit fails the whole call.
    whole_page: bool,
}

impl Registration {
    pub(crate) const fn new(
        name: &'static str,
        group: Option<Group>,
        kind: FunctionKind,
        origin: Origin,
        signature: (&'static str, &'static str),
        needs: &'static [fn() -> Option<Requirement>],
        entry: Entry,
    ) -> Self {
        Registration {
            name,
            group,
            kind,
            origin,
            signature,
            needs,
            entry,
            whole_page: false,
        }
    }

    /// The function chose `misfits = "fail_page"`.
    #[doc(hidden)]
    pub const fn failing_whole_page(mut self) -> Self {
        self.whole_page = true;
        self
    }

    /// Whether a record that does not fit the function's record type becomes that record's
    /// error (the kind has a slot for it, and the function did not choose
    /// `misfits = "fail_page"`) rather than failing the call.
    pub fn isolates_records(&self) -> bool {
        self.kind.misfits_field().is_some() && !self.whole_page
    }

    /// The state types its extra arguments need (`State<T>`), by name.
    pub fn state_types(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.requirements().map(|(_, name)| name)
    }

    pub(crate) fn requirements(&self) -> impl Iterator<Item = Requirement> + '_ {
        self.needs.iter().filter_map(|need| need())
    }

    /// The wire name (`function` in the envelope).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The group for `type` requests; `None` means reachable by flat requests only.
    pub fn group(&self) -> Option<Group> {
        self.group
    }

    /// The kind.
    pub fn kind(&self) -> FunctionKind {
        self.kind
    }

    /// Path of the Rust function (`my_crate::hooks::tag`).
    pub fn rust_path(&self) -> String {
        format!("{}::{}", self.origin.0, self.origin.1)
    }

    /// Source file of the function.
    pub fn file(&self) -> &'static str {
        self.origin.2
    }

    /// Source line of the function.
    pub fn line(&self) -> u32 {
        self.origin.3
    }

    /// The options type as written in the function's signature.
    pub fn options_type(&self) -> &'static str {
        self.signature.0
    }

    /// The return type as written in the function's signature.
    pub fn return_type(&self) -> &'static str {
        self.signature.1
    }

    /// `path (file:line)`, for messages.
    pub fn location(&self) -> String {
        format!("{} ({}:{})", self.rust_path(), self.file(), self.line())
    }

    /// Starts a call of the function.
    pub(crate) fn start(&self, invocation: Invocation) -> Started {
        // SAFETY: an `Entry` is only built by `Entry::new`, whose callers (the typed
        // constructors in `__private`) pair `invoke` with a `function` of the very type
        // `invoke` reads it back as.
        unsafe { (self.entry.invoke)(self.entry.function, invocation) }
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("name", &self.name)
            .field("group", &self.group)
            .field("kind", &self.kind)
            .field("rust_path", &self.rust_path())
            .finish_non_exhaustive()
    }
}

/// How a registered function is started: its pointer, type-erased, and the entry point that
/// knows its type. Erasing it lets every function of one signature share one entry point, so
/// that an attribute generates data, not code.
#[doc(hidden)]
pub struct Entry {
    function: fn(),
    invoke: unsafe fn(fn(), Invocation) -> Started,
}

impl Entry {
    /// # Safety
    /// `invoke` must read `function` back as exactly the type it was erased from.
    pub(crate) const unsafe fn new(
        function: fn(),
        invoke: unsafe fn(fn(), Invocation) -> Started,
    ) -> Self {
        Entry { function, invoke }
    }
}

/// What a function is started with.
pub(crate) struct Invocation {
    /// The function options as sent.
    pub(crate) options: JsonText,
    /// The wire name, for messages.
    pub(crate) name: &'static str,
    /// The call's context, for a `Context` argument.
    pub(crate) context: Context,
    /// The host's states, for `State<T>` arguments.
    pub(crate) states: Arc<States>,
    /// How long the result may be.
    pub(crate) limit: crate::reply::SizeLimit,
    /// How much memory the decoded options may take.
    pub(crate) budget: crate::budget::Budget,
    /// Whether a record that does not fit becomes its own error (see `crate::isolate`).
    pub(crate) isolate: bool,
}

impl Invocation {
    /// What extra arguments are taken from.
    pub(crate) fn call(&self) -> Call<'_> {
        Call {
            context: &self.context,
            states: &self.states,
        }
    }
}

/// A started call.
pub(crate) enum Started {
    /// Already answered (the options did not fit, say).
    Ready(Outcome),
    /// An `async fn`: polled on the host's tasks.
    Async(Pending),
    /// A plain `fn`: run where blocking is allowed.
    Blocking(Box<dyn FnOnce() -> Outcome + Send>),
}
