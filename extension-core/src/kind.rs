//! Function kinds: the one table that says, for every kind, its documented name, its group
//! and its options and response types, plus the traits the macros check signatures with.

use crate::connectors::*;
use crate::error::{ExtensionError, Failure};
use crate::hooks::*;
use crate::registry::Reply;
use crate::types::Json;
use crate::types::Record;
use crate::wrappers::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A group of a module (PROTOCOL.md section 3.3): where a grouped request (`type` present)
/// looks a function up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// `hooks` (`type: "hook"`).
    Hooks,
    /// `wrappers` (`type: "wrapper"`).
    Wrappers,
    /// `installer` (`type: "installer"`).
    Installer,
    /// `uninstaller` (`type: "uninstaller"`).
    Uninstaller,
    /// `settings` (`type: "setting"`).
    Settings,
    /// `utilities` (`type: "utility"`).
    Utilities,
}

impl Group {
    /// Every group, in the order of the protocol's table.
    pub const ALL: [Group; 6] = [
        Group::Hooks,
        Group::Wrappers,
        Group::Installer,
        Group::Uninstaller,
        Group::Settings,
        Group::Utilities,
    ];

    /// The module property this group is (`hooks`, `wrappers`, ...).
    pub fn property(self) -> &'static str {
        match self {
            Group::Hooks => "hooks",
            Group::Wrappers => "wrappers",
            Group::Installer => "installer",
            Group::Uninstaller => "uninstaller",
            Group::Settings => "settings",
            Group::Utilities => "utilities",
        }
    }

    /// The group a module property names, if it is one of ours.
    pub fn from_property(property: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.property() == property)
    }

    /// The group a request's `type` selects: `hook` → `hooks`, `wrapper` → `wrappers`,
    /// `setting` → `settings`, `utility` → `utilities`, anything else used verbatim.
    pub fn from_type(type_: &str) -> Option<Group> {
        let property = match type_ {
            "hook" => "hooks",
            "wrapper" => "wrappers",
            "setting" => "settings",
            "utility" => "utilities",
            other => other,
        };
        Group::from_property(property)
    }
}

/// A kind of extension function. Implemented by the marker types, which are named after
/// their attribute and re-exported at the crate root, so that compiler messages read
/// `#[extension_core::pre_save_page]`.
pub trait Kind: 'static {
    /// The name the documentation uses (`preSavePage`).
    const NAME: &'static str;
    /// The group the kind belongs to; `None` when the function chooses (or has none).
    const GROUP: Option<Group>;
    /// The options type, as shown in messages.
    type Options;
    /// The response type, as shown in messages.
    type Response;
}

/// The options type of a kind. `Expected` is the kind's options type, shown in the message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the options type of a `#[{K}]` function",
    label = "expected `{Expected}` here",
    note = "a `#[{K}]` function takes one argument, its options, by value: `{Expected}` (a record type of your own may replace `serde_json::Value` as its type parameter)"
)]
pub trait OptionsFor<K, Expected>: DeserializeOwned + Send + 'static {
    /// For kinds whose response has one element per record: the field holding the records
    /// (as named on the wire) and how many there are.
    fn record_count(&self) -> Option<(&'static str, usize)> {
        None
    }
}

/// The response type of a kind. `Expected` is the kind's response type, shown in the message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the response type of a `#[{K}]` function",
    label = "expected `{Expected}` here",
    note = "a `#[{K}]` function returns `Result<{Expected}, E>` where `E` is `ExtensionError` or any `std::error::Error`"
)]
pub trait ResponseFor<K, Expected>: Send + 'static {
    /// For kinds whose response has one element per record: how many elements it has.
    fn record_count(&self) -> Option<usize> {
        None
    }

    /// Encodes the response: its compact JSON, or no value.
    fn encode(&self) -> Result<Reply, Failure>;
}

/// A function's whole return type, when it is not spelled `Result<_, _>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid return type for a `#[{K}]` function",
    label = "expected `Result<{Expected}, E>` here",
    note = "a `#[{K}]` function returns `Result<{Expected}, E>` where `E` is `ExtensionError` or any `std::error::Error`"
)]
pub trait ReturnFor<K, Expected> {
    /// The success type.
    type Response: ResponseFor<K, Expected>;
    /// The error type.
    type Error: IntoExtensionError;
    /// The value as a `Result`.
    fn into_result(self) -> Result<Self::Response, Self::Error>;
}

#[diagnostic::do_not_recommend]
impl<K, X, R: ResponseFor<K, X>, E: IntoExtensionError> ReturnFor<K, X> for Result<R, E> {
    type Response = R;
    type Error = E;
    fn into_result(self) -> Result<R, E> {
        self
    }
}

/// An error type a function may return: [`ExtensionError`] or any `std::error::Error`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error type of an extension function",
    label = "expected `ExtensionError` or a type implementing `std::error::Error` here",
    note = "return `ExtensionError` (it carries `code` and `message`), or implement `std::error::Error` for `{Self}` (for example with `thiserror`)"
)]
pub trait IntoExtensionError: 'static {
    /// Converts into the error integrator.io receives.
    fn into_extension_error(self) -> ExtensionError;
}

impl IntoExtensionError for ExtensionError {
    fn into_extension_error(self) -> ExtensionError {
        self
    }
}

impl<E: std::error::Error + 'static> IntoExtensionError for E {
    fn into_extension_error(self) -> ExtensionError {
        ExtensionError::from_error(&self)
    }
}

/// Declares the kinds: one row each, giving the marker (the attribute's name), the
/// documented name, the group, and the options and response types (`counting` names the
/// records a response must answer one element each for).
macro_rules! kinds {
    (
        markers only: [$($(#[$only_doc:meta])* $only:ident;)*]
        $(
        $(#[$doc:meta])*
        $marker:ident: $name:literal in $group:expr,
            options <$($og:ident),*> $options:ty => $shown_options:ty $(, counting $field:ident as $wire:literal)?;
            response <$($rg:ident),*> $response:ty => $shown_response:ty $(, $counted:ident)?;
    )*) => {
        /// Marker types of the function kinds, one per attribute macro, named after it. They
        /// are re-exported at the crate root, so compiler messages name the kind
        /// `#[extension_core::pre_save_page]`: the attribute's own path.
        pub mod markers {
            $(
                $(#[$doc])*
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $marker {}
            )*
            $(
                $(#[$only_doc])*
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $only {}
            )*
        }

        $(
            impl Kind for markers::$marker {
                const NAME: &'static str = $name;
                const GROUP: Option<Group> = $group;
                type Options = $shown_options;
                type Response = $shown_response;
            }

            #[diagnostic::do_not_recommend]
            impl<$($og: Record),*> OptionsFor<markers::$marker, $shown_options> for $options {
                $(fn record_count(&self) -> Option<(&'static str, usize)> {
                    Some(($wire, self.$field.len()))
                })?
            }

            #[diagnostic::do_not_recommend]
            impl<$($rg: Record),*> ResponseFor<markers::$marker, $shown_response> for $response {
                $(fn record_count(&self) -> Option<usize> {
                    let $counted = self;
                    Some($counted.len())
                })?

                fn encode(&self) -> Result<Reply, Failure> {
                    crate::__private::encode(self)
                }
            }
        )*
    };
}

kinds! {
    markers only: [
        /// `#[json_function]`: free-form JSON (its impls below are blanket impls).
        json_function;
        /// `#[utility]`: free-form JSON in the utilities group.
        utility;
    ]
    /// `#[pre_save_page]`: a page an export produced, before it is saved.
    pre_save_page: "preSavePage" in Some(Group::Hooks),
        options <R> PreSavePageOptions<R> => PreSavePageOptions;
        response <R> PreSavePageResponse<R> => PreSavePageResponse;
    /// `#[pre_map]`: records before mapping, one result per record.
    pre_map: "preMap" in Some(Group::Hooks),
        options <R> PreMapOptions<R> => PreMapOptions, counting data as "data";
        response <R> Vec<MapResult<R>> => PreMapResponse, counted;
    /// `#[post_map]`: records after mapping, one result per record.
    post_map: "postMap" in Some(Group::Hooks),
        options <R> PostMapOptions<R> => PostMapOptions, counting post_map_data as "postMapData";
        response <R> Vec<MapResult<R>> => PostMapResponse, counted;
    /// `#[post_submit]`: what the import application answered, one element per record.
    post_submit: "postSubmit" in Some(Group::Hooks),
        options <R> PostSubmitOptions<R> => PostSubmitOptions, counting response_data as "responseData";
        response <> Vec<ResponseData> => PostSubmitResponse, counted;
    /// `#[post_response_map]`: records after response mapping, one element per record.
    post_response_map: "postResponseMap" in Some(Group::Hooks),
        options <R> PostResponseMapOptions<R> => PostResponseMapOptions, counting post_response_map_data as "postResponseMapData";
        response <R> Vec<R> => PostResponseMapResponse, counted;
    /// `#[post_aggregate]`: after an aggregated file was delivered; answers nothing.
    post_aggregate: "postAggregate" in Some(Group::Hooks),
        options <> PostAggregateOptions => PostAggregateOptions;
        response <> () => ();

    /// `#[wrapper_ping]`: does a wrapper connection work?
    wrapper_ping: "ping" in Some(Group::Wrappers),
        options <> PingOptions => PingOptions;
        response <> PingResponse => PingResponse;
    /// `#[wrapper_export]`: one page of a custom export.
    wrapper_export: "export" in Some(Group::Wrappers),
        options <S, R> ExportOptions<S, R> => ExportOptions;
        response <S, R> ExportResponse<S, R> => ExportResponse;
    /// `#[wrapper_import]`: one page of a custom import, one result per record.
    wrapper_import: "import" in Some(Group::Wrappers),
        options <R> ImportOptions<R> => ImportOptions, counting post_map_data as "postMapData";
        response <> Vec<ImportResult> => ImportResponse, counted;

    /// `#[installer]`: the connector installer; answers nothing.
    installer: "installer" in Some(Group::Installer),
        options <> InstallerOptions => InstallerOptions;
        response <> () => ();
    /// `#[integration_installer]`: one install step.
    integration_installer: "integrationInstaller" in Some(Group::Installer),
        options <> InstallStepOptions => InstallStepOptions;
        response <> StepsResponse => StepsResponse;
    /// `#[update]`: the 1.0 connector update; answers nothing.
    update: "update" in Some(Group::Installer),
        options <> UpdateOptions => UpdateOptions;
        response <> () => ();

    /// `#[pre_uninstall]`: before uninstalling starts.
    pre_uninstall: "preUninstall" in Some(Group::Uninstaller),
        options <> PreUninstallOptions => PreUninstallOptions;
        response <> StepsResponse => StepsResponse;
    /// `#[integration_uninstaller]`: one uninstall step.
    integration_uninstaller: "integrationUninstaller" in Some(Group::Uninstaller),
        options <> UninstallStepOptions => UninstallStepOptions;
        response <> StepsResponse => StepsResponse;
    /// `#[uninstaller]`: the connector uninstaller's final clean-up; answers nothing.
    uninstaller: "uninstaller" in Some(Group::Uninstaller),
        options <> UninstallerOptions => UninstallerOptions;
        response <> () => ();

    /// `#[persist_settings]`: the user saved settings.
    persist_settings: "persistSettings" in Some(Group::Settings),
        options <> PersistSettingsOptions => PersistSettingsOptions;
        response <> PersistSettingsResponse => PersistSettingsResponse;
    /// `#[refresh_metadata]`: refresh the metadata behind a setting; answers the field.
    refresh_metadata: "refreshMetadata" in Some(Group::Settings),
        options <> RefreshMetadataOptions => RefreshMetadataOptions;
        response <> Value => Value;
    /// `#[change_edition]`: the license edition changed; answers nothing.
    change_edition: "changeEdition" in Some(Group::Settings),
        options <> ChangeEditionOptions => ChangeEditionOptions;
        response <> () => ();
    /// `#[mapping_metadata]`: getMappingMetadata, the mapping locks per import.
    mapping_metadata: "getMappingMetadata" in Some(Group::Settings),
        options <> MappingMetadataOptions => MappingMetadataOptions;
        response <> BTreeMap<String, Vec<MappingLock>> => MappingMetadataResponse;

    /// `#[step]`: a 2.0 install or uninstall step (flat); answers nothing.
    step: "step" in None,
        options <> StepOptions => StepOptions;
        response <> () => ();
    /// `#[update_v2]`: the 2.0 update (flat); answers nothing.
    update_v2: "update" in None,
        options <> UpdateV2Options => UpdateV2Options;
        response <> () => ();
    /// `#[init_child]`: create a child integration (flat); answers the integration.
    init_child: "initChild" in None,
        options <> InitChildOptions => InitChildOptions;
        response <> Value => Value;
    /// `#[form_init]`: build a resource's form (flat); answers the form definition.
    form_init: "formInit" in None,
        options <> FormInitOptions => FormInitOptions;
        response <> Value => Value;
    /// `#[pre_save]`: before a resource is saved (flat); answers the resource to save.
    pre_save: "preSave" in None,
        options <> PreSaveOptions => PreSaveOptions;
        response <> Value => Value;
}

/// The free-form kinds: `Value` or any deserialisable type in; `Value`, `()` (no value),
/// `Option<Value>` (`None` is no value) or `Json<T>` of any serialisable `T` out.
macro_rules! free_form {
    ($($marker:ident: $name:literal in $group:expr;)*) => {$(
        impl Kind for markers::$marker {
            const NAME: &'static str = $name;
            const GROUP: Option<Group> = $group;
            type Options = Value;
            type Response = Value;
        }

        #[diagnostic::do_not_recommend]
        impl<T: DeserializeOwned + Send + 'static> OptionsFor<markers::$marker, Value> for T {}

        #[diagnostic::do_not_recommend]
        impl ResponseFor<markers::$marker, Value> for Value {
            fn encode(&self) -> Result<Reply, Failure> {
                crate::__private::encode(self)
            }
        }

        #[diagnostic::do_not_recommend]
        impl ResponseFor<markers::$marker, Value> for () {
            fn encode(&self) -> Result<Reply, Failure> {
                Ok(Reply::NoValue)
            }
        }

        #[diagnostic::do_not_recommend]
        impl ResponseFor<markers::$marker, Value> for Option<Value> {
            fn encode(&self) -> Result<Reply, Failure> {
                match self {
                    Some(value) => crate::__private::encode(value),
                    None => Ok(Reply::NoValue),
                }
            }
        }

        #[diagnostic::do_not_recommend]
        impl<T: Serialize + Send + 'static> ResponseFor<markers::$marker, Value> for Json<T> {
            fn encode(&self) -> Result<Reply, Failure> {
                crate::__private::encode(&self.0)
            }
        }
    )*};
}

free_form! {
    // The group is chosen per function (`group = "..."`), or none.
    json_function: "function" in None;
    utility: "utility" in Some(Group::Utilities);
}
