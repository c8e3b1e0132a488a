//! The function kinds, expanded from the shared table (`extension_kinds::kinds!`): the groups,
//! [`FunctionKind`], the marker types the attributes name, and which options and response
//! types each kind accepts (the impls the signature checks are made of).

use crate::connectors::*;
use crate::error::Failure;
use crate::hooks::*;
use crate::reply::{Reply, SizeLimit};
use crate::types::{Json, RecordType};
use crate::wrappers::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Which integrator.io stack generation calls a kind: 1.0 sends a `type` (grouped requests),
/// 2.0 none (flat requests). Every function answers both styles; this records the documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stack {
    /// Documented for 1.0 stacks only (connector installers, uninstallers, settings).
    V1,
    /// Documented for 2.0 stacks only (flat functions, postResponseMap).
    V2,
    /// Documented for both.
    Both,
}

/// The options type and response of a kind, and what the macros check a signature against.
pub trait Kind: 'static {
    /// The kind.
    const KIND: FunctionKind;
    /// The options type, as shown in messages.
    type Options;
    /// The response type, as shown in messages.
    type Response;
}

/// The options type of a kind. `Expected` is the kind's options type, shown in the message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the options type of a `#[{K}]` function",
    label = "expected `{Expected}` here",
    note = "a `#[{K}]` function takes its options first, by value: `{Expected}` (a record type of your own may replace `serde_json::Value` as its type parameter)"
)]
pub trait OptionsFor<K, Expected>: DeserializeOwned + Send + 'static {
    /// For kinds whose response has one element per record: the field holding the records
    /// (as named on the wire) and how many there are.
    fn record_count(&self) -> Option<(&'static str, usize)> {
        None
    }

    /// For kinds with [`FunctionKind::misfits_field`]: takes the elements aligned with records that did not
    /// fit (at `misfits`, indexes as sent) out of the other arrays; `None` when the records
    /// cannot be answered one by one.
    #[doc(hidden)]
    fn set_aside(&mut self, _misfits: &[usize]) -> Option<crate::isolate::Aside> {
        None
    }
}

/// The response type of a kind. `Expected` is the kind's response type, shown in the message;
/// `O` is the function's options type (a wrapper export's state goes out in the response and
/// comes back in the options: one type).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the response type of a `#[{K}]` function",
    label = "expected `{Expected}` here",
    note = "a `#[{K}]` function returns `Result<{Expected}, E>` where `E` is an error type: `ExtensionError`, `anyhow::Error`, or any `std::error::Error + Send + Sync`"
)]
pub trait ResponseFor<K, Expected, O>: Send + 'static {
    /// For kinds whose response has one element per record: how many elements it has.
    fn record_count(&self) -> Option<usize> {
        None
    }

    /// Encodes the response: its compact JSON (at most `limit` long), or no value.
    fn encode(&self, limit: &SizeLimit) -> Result<Reply, Failure>;

    /// For kinds with [`FunctionKind::misfits_field`]: puts the errors of records that did not fit in.
    #[doc(hidden)]
    fn put_back(&mut self, _misfits: Vec<crate::isolate::Misfit>, _aside: crate::isolate::Aside) {}
}

/// A function's whole return type, when it is not spelled `Result<_, _>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid return type for a `#[{K}]` function",
    label = "expected `Result<{Expected}, E>` here",
    note = "a `#[{K}]` function returns `Result<{Expected}, E>` where `E` is an error type: `ExtensionError`, `anyhow::Error`, or any `std::error::Error + Send + Sync`"
)]
pub trait ReturnFor<K, Expected, O> {
    /// The success type.
    type Response: ResponseFor<K, Expected, O>;
    /// The error type.
    type Error: crate::error::IntoExtensionError;
    /// The value as a `Result`.
    fn into_result(self) -> Result<Self::Response, Self::Error>;
}

#[diagnostic::do_not_recommend]
impl<K, X, O, R: ResponseFor<K, X, O>, E: crate::error::IntoExtensionError> ReturnFor<K, X, O>
    for Result<R, E>
{
    type Response = R;
    type Error = E;
    fn into_result(self) -> Result<R, E> {
        self
    }
}

/// `Group::Hooks` and the like for the table's group names; `None` for flat functions.
macro_rules! kind_group {
    (Flat) => {
        None
    };
    (Chosen) => {
        None
    };
    ($group:ident) => {
        Some(Group::$group)
    };
}

/// The record field's wire name, when the row names one.
macro_rules! records_wire {
    () => {
        None
    };
    ($wire:literal) => {
        Some($wire)
    };
}

/// The JSON Schema of a response: `false` (nothing is valid) for no value.
#[cfg(feature = "schema")]
macro_rules! response_schema {
    (()) => {
        schemars::json_schema!(false)
    };
    ($other:ty) => {
        schemars::schema_for!($other)
    };
}

/// A kind whose response names no bound on its options (no `options: ...` in its row) lets its
/// options type stand wherever a tied kind's bound is checked, so that using it for a wrapper
/// export is reported once, as a wrong options type, not also as a wrong state.
macro_rules! untied_options {
    ([] $options:ty, <$($og:ident),*>) => {
        impl<__S, $($og),*> crate::wrappers::TakesState<__S> for $options {}
    };
    ([$($tie:tt)*] $options:ty, <$($og:ident),*>) => {};
}

/// The response's encoding: `()` is no value.
macro_rules! encode_response {
    (()) => {
        fn encode(&self, _: &SizeLimit) -> Result<Reply, Failure> {
            Ok(Reply::NoValue)
        }
    };
    ($other:ty) => {
        fn encode(&self, limit: &SizeLimit) -> Result<Reply, Failure> {
            crate::call::encode(self, limit)
        }
    };
}

macro_rules! define_kinds {
    (
        groups: [$($group:ident: $property:literal / $type_:literal,)*]
        typed: [$(
            $(#[doc = $doc:literal])*
            $attr:ident => $variant:ident {
                wire: $wire:literal, group: $kind_group:ident, stack: $stack:ident,
                options: <$($og:ident),*> $options:ty => $shown_options:ty,
                response: <$($rg:ident),*> $response:ty => $shown_response:tt $(, options: $tie:path)?,
                records: [$($field:ident as $field_wire:literal)?],
                misfits: [$($misfit:ident as $misfit_wire:literal)?],
            },
        )*]
        free_form: [$(
            $(#[doc = $free_doc:literal])*
            $free_attr:ident => $free_variant:ident { wire: $free_wire:literal, group: $free_group:ident },
        )*]
    ) => {
        /// A group of a module (protocol section 3.3): where a grouped request (`type`
        /// present) looks a function up.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Group {
            $(#[doc = concat!("`", $property, "` (`type: \"", $type_, "\"`).")] $group,)*
        }

        impl Group {
            /// Every group, in the order of the protocol's table.
            pub const ALL: &'static [Group] = &[$(Group::$group),*];

            /// The module property this group is (`hooks`, `wrappers`, ...).
            pub const fn property(self) -> &'static str {
                match self { $(Group::$group => $property,)* }
            }

            /// The `type` a grouped request sends for it (`hook`, `wrapper`, ...).
            pub const fn type_name(self) -> &'static str {
                match self { $(Group::$group => $type_,)* }
            }
        }

        /// A kind of extension function: one per attribute.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum FunctionKind {
            $($(#[doc = $doc])* $variant,)*
            $($(#[doc = $free_doc])* $free_variant,)*
        }

        impl FunctionKind {
            /// Every kind, in the table's order.
            pub const ALL: &'static [FunctionKind] =
                &[$(FunctionKind::$variant,)* $(FunctionKind::$free_variant,)*];

            /// The documented name (`preSavePage`); `function` for `#[json_function]`.
            pub const fn wire_name(self) -> &'static str {
                match self {
                    $(FunctionKind::$variant => $wire,)*
                    $(FunctionKind::$free_variant => $free_wire,)*
                }
            }

            /// The attribute that registers functions of this kind (`pre_save_page`).
            pub const fn attribute(self) -> &'static str {
                match self {
                    $(FunctionKind::$variant => stringify!($attr),)*
                    $(FunctionKind::$free_variant => stringify!($free_attr),)*
                }
            }

            /// The group its functions live in; `None` for flat 2.0 functions, and for
            /// `#[json_function]`, whose functions choose.
            pub const fn group(self) -> Option<Group> {
                match self {
                    $(FunctionKind::$variant => kind_group!($kind_group),)*
                    $(FunctionKind::$free_variant => kind_group!($free_group),)*
                }
            }

            /// Which stack generation documents it.
            pub const fn stack(self) -> Stack {
                match self {
                    $(FunctionKind::$variant => Stack::$stack,)*
                    $(FunctionKind::$free_variant => Stack::Both,)*
                }
            }

            /// The options type (`PreSavePageOptions`); `None` for free-form kinds, which
            /// take any deserialisable type.
            pub const fn options_type(self) -> Option<&'static str> {
                match self {
                    $(FunctionKind::$variant => Some(stringify!($shown_options)),)*
                    $(FunctionKind::$free_variant => None,)*
                }
            }

            /// The response type (`PreSavePageResponse`, `()` for no value); `None` for
            /// free-form kinds.
            pub const fn response_type(self) -> Option<&'static str> {
                match self {
                    $(FunctionKind::$variant => Some(stringify!($shown_response)),)*
                    $(FunctionKind::$free_variant => None,)*
                }
            }

            /// The options and response types as the table writes them, with their type
            /// parameters (`PreMapOptions<R>`, `Vec<MapResult<R>>`); `None` for free-form kinds.
            pub const fn signature(self) -> Option<(&'static str, &'static str)> {
                match self {
                    $(FunctionKind::$variant => Some((stringify!($options), stringify!($response))),)*
                    $(FunctionKind::$free_variant => None,)*
                }
            }

            /// For kinds that answer one element per record: the option holding the
            /// records, as named on the wire (`data`, `postMapData`, ...).
            pub const fn record_field(self) -> Option<&'static str> {
                match self {
                    $(FunctionKind::$variant => records_wire!($($field_wire)?),)*
                    $(FunctionKind::$free_variant => None,)*
                }
            }

            /// The JSON Schema of its options (any JSON for free-form kinds).
            #[cfg(feature = "schema")]
            pub(crate) fn options_schema(self) -> schemars::Schema {
                match self {
                    $(FunctionKind::$variant => schemars::schema_for!($shown_options),)*
                    $(FunctionKind::$free_variant => schemars::json_schema!(true),)*
                }
            }

            /// The JSON Schema of its response: `false` for kinds that answer no value, any
            /// JSON for free-form kinds.
            #[cfg(feature = "schema")]
            pub(crate) fn response_schema(self) -> schemars::Schema {
                match self {
                    $(FunctionKind::$variant => response_schema!($shown_response),)*
                    $(FunctionKind::$free_variant => schemars::json_schema!(true),)*
                }
            }

            /// Whether `options` decodes into its options type; the error names the field.
            #[cfg(feature = "schema")]
            pub(crate) fn check_options(self, options: &str) -> Result<(), String> {
                fn check<T: DeserializeOwned>(text: &str) -> Result<(), String> {
                    let mut de = serde_json::Deserializer::from_str(text);
                    serde_path_to_error::deserialize::<_, T>(&mut de)
                        .map(drop)
                        .map_err(|e| format!("`{}`: {}", e.path(), e.inner()))
                }
                match self {
                    $(FunctionKind::$variant => check::<$shown_options>(options),)*
                    $(FunctionKind::$free_variant => check::<Value>(options),)*
                }
            }

            /// For kinds whose response has a slot for a record's own error: the option of
            /// the function's records, as named on the wire (`data`, `postMapData`).
            pub const fn misfits_field(self) -> Option<&'static str> {
                match self {
                    $(FunctionKind::$variant => records_wire!($($misfit_wire)?),)*
                    $(FunctionKind::$free_variant => None,)*
                }
            }

            /// Whether its functions take and answer free-form JSON.
            pub const fn is_free_form(self) -> bool {
                matches!(self, $(FunctionKind::$free_variant)|*)
            }
        }

        /// Marker types of the function kinds, one per attribute macro, named after it. They
        /// are re-exported at the crate root, so compiler messages name the kind
        /// `#[extension_core::pre_save_page]`: the attribute's own path.
        pub mod markers {
            $(
                $(#[doc = $doc])*
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $attr {}
            )*
            $(
                $(#[doc = $free_doc])*
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $free_attr {}
            )*
        }

        $(
            impl Kind for markers::$attr {
                const KIND: FunctionKind = FunctionKind::$variant;
                type Options = $shown_options;
                type Response = $shown_response;
            }

            untied_options!([$($tie)?] $options, <$($og),*>);

            // No `do_not_recommend`: a record type that lacks serde's traits is reported as such.
            impl<$($og: RecordType),*> OptionsFor<markers::$attr, $shown_options> for $options {
                $(fn record_count(&self) -> Option<(&'static str, usize)> {
                    Some(($field_wire, self.$field.len()))
                })?

                $(fn set_aside(&mut self, misfits: &[usize]) -> Option<crate::isolate::Aside> {
                    let sent = self.$misfit.len() + misfits.len();
                    crate::isolate::SetAside::set_aside(self, misfits, sent)
                })?
            }

            impl<$($rg: RecordType,)* O $(: $tie)?> ResponseFor<markers::$attr, $shown_response, O> for $response {
                $(fn record_count(&self) -> Option<usize> {
                    let _ = stringify!($field);
                    Some(self.len())
                })?

                encode_response!($shown_response);

                $(fn put_back(&mut self, misfits: Vec<crate::isolate::Misfit>, aside: crate::isolate::Aside) {
                    let _ = stringify!($misfit);
                    crate::isolate::PutBack::put_back(self, misfits, aside)
                })?
            }
        )*

        /// The entry points of functions written with the kinds' own types and
        /// `ExtensionError`, instantiated here once: with shared generics (debug builds), a
        /// crate of such functions links to these instead of compiling the serde code of the
        /// options and response types again.
        #[used]
        static DEFAULT_ENTRIES: &[unsafe fn(fn(), crate::registration::Invocation) -> crate::registration::Started] = &[
            $(
                crate::call::run_sync::<markers::$attr, $shown_options, Result<$shown_response, crate::ExtensionError>, fn($shown_options) -> Result<$shown_response, crate::ExtensionError>>,
                crate::call::run_async::<markers::$attr, $shown_options, Result<$shown_response, crate::ExtensionError>, fn($shown_options) -> crate::__private::BoxFuture<Result<$shown_response, crate::ExtensionError>>>,
            )*
            $(
                crate::call::run_sync::<markers::$free_attr, Value, Result<Value, crate::ExtensionError>, fn(Value) -> Result<Value, crate::ExtensionError>>,
                crate::call::run_async::<markers::$free_attr, Value, Result<Value, crate::ExtensionError>, fn(Value) -> crate::__private::BoxFuture<Result<Value, crate::ExtensionError>>>,
            )*
        ];

        $(
            impl Kind for markers::$free_attr {
                const KIND: FunctionKind = FunctionKind::$free_variant;
                type Options = Value;
                type Response = Value;
            }

            // No `do_not_recommend`: serde's own message says what a type that cannot be read
            // from JSON lacks.
            impl<T: DeserializeOwned + Send + 'static> OptionsFor<markers::$free_attr, Value> for T {}

            #[diagnostic::do_not_recommend]
            impl<O> ResponseFor<markers::$free_attr, Value, O> for Value {
                encode_response!(Value);
            }

            #[diagnostic::do_not_recommend]
            impl<O> ResponseFor<markers::$free_attr, Value, O> for () {
                encode_response!(());
            }

            #[diagnostic::do_not_recommend]
            impl<O> ResponseFor<markers::$free_attr, Value, O> for Option<Value> {
                fn encode(&self, limit: &SizeLimit) -> Result<Reply, Failure> {
                    match self {
                        Some(value) => crate::call::encode(value, limit),
                        None => Ok(Reply::NoValue),
                    }
                }
            }

            impl<T: Serialize + Send + 'static, O> ResponseFor<markers::$free_attr, Value, O> for Json<T> {
                fn encode(&self, limit: &SizeLimit) -> Result<Reply, Failure> {
                    crate::call::encode(&self.0, limit)
                }
            }
        )*
    };
}

extension_kinds::kinds!(define_kinds);

impl Group {
    /// The group a module property names, if it is one of ours.
    pub fn from_property(property: &str) -> Option<Group> {
        Group::ALL
            .iter()
            .copied()
            .find(|g| g.property() == property)
    }

    /// The group a request's `type` selects (section 3.3): `hook` → `hooks`, `wrapper` →
    /// `wrappers`, `setting` → `settings`, `utility` → `utilities`, anything else verbatim.
    pub fn from_type(type_: &str) -> Option<Group> {
        Group::ALL
            .iter()
            .copied()
            .find(|g| g.type_name() == type_ || g.property() == type_)
    }
}

impl std::fmt::Display for FunctionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.wire_name())
    }
}
