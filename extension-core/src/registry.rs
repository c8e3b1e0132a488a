//! The link-time registry: every annotated function adds one [`Registration`] through
//! `inventory`; a [`Registry`] indexes them and rejects ambiguous sets at start-up.

use crate::kinds::{FunctionKind, Group};
use crate::registration::Registration;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

inventory::collect!(Registration);

/// Why the registered functions cannot be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// Nothing is registered: the crate defining the functions is not linked.
    Empty,
    /// Two functions answer the same request.
    Duplicate {
        /// `hooks.name` or, for two groups, the bare name.
        name: String,
        /// The first function's location.
        first: String,
        /// The second function's location.
        second: String,
    },
    /// A function takes a `State<T>` the host was not given.
    MissingState {
        /// The function's location.
        function: String,
        /// The state's type.
        state: String,
    },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Empty => f.write_str(
                "no extension functions are registered in this binary. The crate that defines \
                 them is probably not linked: a dependency that is only listed in Cargo.toml and \
                 never named in code is left out by the linker. Name it once in the binary, for \
                 example `use my_functions as _;` in main.rs, and check that each function \
                 carries an attribute such as `#[pre_save_page]`.",
            ),
            RegistryError::Duplicate {
                name,
                first,
                second,
            } => write!(
                f,
                "two extension functions are registered as `{name}`: {first} and {second}. \
                 Rename one with `name = \"...\"` in its attribute."
            ),
            RegistryError::MissingState { function, state } => write!(
                f,
                "the extension function {function} takes a `State<{state}>`, but no `{state}` \
                 was given to the host. Register one at start-up: \
                 `run_with(States::new().with(value))`, or `Dispatcher::builder(..).state(value)`."
            ),
        }
    }
}

impl std::error::Error for RegistryError {}

/// The registered functions, indexed by (group, name) and by name alone.
#[derive(Debug)]
pub struct Registry {
    grouped: BTreeMap<(Group, &'static str), &'static Registration>,
    flat: BTreeMap<&'static str, &'static Registration>,
}

impl Registry {
    /// The functions linked into this binary, checked once and shared.
    pub fn global() -> Result<Arc<Registry>, RegistryError> {
        static GLOBAL: OnceLock<Result<Arc<Registry>, RegistryError>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| Registry::new(Registry::linked()).map(Arc::new))
            .clone()
    }

    /// Every function linked into this binary, unchecked: to build a registry of some of
    /// them (`Registry::new(Registry::linked().filter(...))`).
    pub fn linked() -> impl Iterator<Item = &'static Registration> {
        inventory::iter::<Registration>.into_iter()
    }

    /// Indexes `registrations`. Fails when there are none, or when two would answer the same
    /// grouped request or the same flat request (a flat request names only the function).
    pub fn new(
        registrations: impl IntoIterator<Item = &'static Registration>,
    ) -> Result<Self, RegistryError> {
        let mut all: Vec<&'static Registration> = registrations.into_iter().collect();
        if all.is_empty() {
            return Err(RegistryError::Empty);
        }
        // Link order is not stable: sort so that messages name the functions consistently.
        all.sort_by_key(|r| (r.file(), r.line(), r.name()));
        let mut grouped = BTreeMap::new();
        let mut flat: BTreeMap<&'static str, &'static Registration> = BTreeMap::new();
        for r in all {
            if let Some(group) = r.group() {
                if let Some(first) = grouped.insert((group, r.name()), r) {
                    return Err(duplicate(
                        format!("{}.{}", group.property(), r.name()),
                        first,
                        r,
                    ));
                }
            }
            if let Some(first) = flat.insert(r.name(), r) {
                return Err(duplicate(r.name().to_owned(), first, r));
            }
        }
        Ok(Registry { grouped, flat })
    }

    /// The function a grouped request (`type` present) names.
    pub fn grouped(&self, group: Group, name: &str) -> Option<&'static Registration> {
        self.grouped.get(&(group, name)).copied()
    }

    /// The function a flat request (no `type`) names.
    pub fn flat(&self, name: &str) -> Option<&'static Registration> {
        self.flat.get(name).copied()
    }

    /// Whether any function lives in `group`.
    pub fn has_group(&self, group: Group) -> bool {
        self.grouped
            .range((group, "")..)
            .next()
            .is_some_and(|((g, _), _)| *g == group)
    }

    /// Every function, by name.
    pub fn iter(&self) -> impl Iterator<Item = &'static Registration> + '_ {
        self.flat.values().copied()
    }

    /// The functions of one kind, by name.
    pub fn of_kind(&self, kind: FunctionKind) -> impl Iterator<Item = &'static Registration> + '_ {
        self.iter().filter(move |r| r.kind() == kind)
    }
}

fn duplicate(name: String, first: &Registration, second: &Registration) -> RegistryError {
    RegistryError::Duplicate {
        name,
        first: first.location(),
        second: second.location(),
    }
}
