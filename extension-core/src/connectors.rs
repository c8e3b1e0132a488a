//! Options and responses of the integration-app (connector) functions: installer and
//! uninstaller ([protocol](crate::protocol) 8.3, 8.4), settings (8.5), and the flat 2.0 functions (8.3, 8.6).
//!
//! The 1.0 functions take `{bearerToken, _integrationId, opts}`; each kind still has its own
//! options type, so that one kind's function cannot be registered as another's.

use crate::types::{BearerToken, Extra};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Declares options types: `bearerToken`, the `common` members given once for all of them,
/// each type's own members (optional, omitted when empty), and `extra`.
macro_rules! connector_options {
    (common $common:tt $($(#[$doc:meta])* $name:ident $own:tt)*) => {
        $(connector_options!(@type $common $(#[$doc])* $name $own);)*
    };
    (
        @type { $($common:tt)* }
        $(#[$doc:meta])*
        $name:ident { $($(#[$field_doc:meta])* $field:ident: $ty:ty as $wire:literal,)* }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub struct $name {
            /// Single-use token for integrator.io's API.
            #[serde(rename = "bearerToken", default, skip_serializing_if = "Option::is_none")]
            pub bearer_token: Option<BearerToken>,
            $($common)*
            $(
                $(#[$field_doc])*
                #[serde(rename = $wire, default, skip_serializing_if = "crate::connectors::is_empty")]
                pub $field: $ty,
            )*
            /// Members the documentation does not list.
            #[serde(flatten)]
            pub extra: Extra,
        }
    };
}

/// `skip_serializing_if` for the optional members of the generated types.
pub(crate) fn is_empty<T: Serialize>(value: &T) -> bool {
    match serde_json::to_value(value) {
        Ok(Value::Null) => true,
        Ok(Value::Object(map)) => map.is_empty(),
        _ => false,
    }
}

// 1.0 functions: `{bearerToken, _integrationId, opts}` plus their own members.
connector_options! {
    common {
        /// The integration being worked on.
        #[serde(rename = "_integrationId", default, skip_serializing_if = "Option::is_none")]
        pub integration_id: Option<String>,
        /// License details and function-specific options.
        #[serde(default, skip_serializing_if = "Value::is_null")]
        pub opts: Value,
    }
    /// Options of the connector installer (`#[installer]`): the user started installing the
    /// connector; the integration exists with the license attached.
    InstallerOptions {
        /// The connector being installed.
        connector_id: Option<String> as "_connectorId",
    }
    /// Options of an integration installer step (`#[integration_installer]`).
    InstallStepOptions {}
    /// Options of a connector update (`#[update]`, 1.0): a new connector version is rolled
    /// out to an installed integration.
    UpdateOptions {}
    /// Options of `preUninstall` (`#[pre_uninstall]`): before uninstalling starts.
    PreUninstallOptions {}
    /// Options of an integration uninstaller step (`#[integration_uninstaller]`).
    UninstallStepOptions {}
    /// Options of the connector uninstaller (`#[uninstaller]`): final clean-up.
    UninstallerOptions {}
    /// Options of `persistSettings` (`#[persist_settings]`): the user saved settings.
    PersistSettingsOptions {
        /// Field → new value, for every changed setting.
        pending: Map<String, Value> as "pending",
    }
    /// Options of `refreshMetadata` (`#[refresh_metadata]`): `opts` holds the license info,
    /// the field being refreshed and its new metadata.
    RefreshMetadataOptions {}
    /// Options of `changeEdition` (`#[change_edition]`). 1.0 sends `_integrationId` and
    /// `opts`; 2.0 sends the four fields below instead.
    ChangeEditionOptions {
        /// 2.0: the edition the license had.
        from_edition: Option<String> as "fromEdition",
        /// 2.0: the edition it has now.
        to_edition: Option<String> as "toEdition",
        /// 2.0: the integration.
        integration: Value as "integration",
        /// 2.0: the license.
        license: Value as "license",
    }
    /// Options of `getMappingMetadata` (`#[mapping_metadata]`).
    MappingMetadataOptions {
        /// The installed integration's version.
        version: Option<String> as "version",
    }
}

/// Response of installer and uninstaller steps: `{success, stepsToUpdate}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepsResponse {
    /// Whether the step succeeded.
    pub success: bool,
    /// Install steps of the integration to update (shown to the user).
    #[serde(default)]
    pub steps_to_update: Vec<Value>,
}

/// Response of `persistSettings`: `{success, pending}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersistSettingsResponse {
    /// Whether the settings were saved.
    pub success: bool,
    /// Field → value, as saved.
    #[serde(default)]
    pub pending: Map<String, Value>,
}

/// How the mappings of one import are locked (a value of the getMappingMetadata response).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MappingLock {
    /// A sublist whose mapping is mandatory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_list: Option<String>,
    /// Generate fields that must stay mapped (cannot be deleted).
    #[serde(default)]
    pub required_generate_fields: Vec<String>,
    /// Generate fields whose mapping cannot be edited (both lists: frozen).
    #[serde(default)]
    pub non_editable_generate_fields: Vec<String>,
}

/// Response of `getMappingMetadata`: import external id → its locks (ambiguity 16: an object
/// keyed by import, as the example and semantics say, not a bare array).
pub type MappingMetadataResponse = BTreeMap<String, Vec<MappingLock>>;

// 2.0 functions: `bearerToken` plus their own members.
connector_options! {
    common {}
    /// Options of a 2.0 install or uninstall `step` (`#[step]`). Answers nothing.
    StepOptions {
        /// Form steps only: what the user submitted.
        form_submission: Value as "formSubmission",
        /// Connection steps only: the connection.
        connection_id: Option<String> as "_connectionId",
        /// What is being installed or uninstalled.
        resource: Value as "resource",
        /// Its parent.
        parent_resource: Value as "parentResource",
        /// Integration apps only: the license.
        license: Value as "license",
        /// Integration apps only: the parent's license.
        parent_license: Value as "parentLicense",
    }
    /// Options of a 2.0 `update` (`#[update_v2]`). Answers nothing. The 1.0 connector update
    /// (`#[update]`) takes `_integrationId` and `opts` instead.
    UpdateV2Options {
        /// The integration being updated.
        resource: Value as "resource",
        /// Its license.
        license: Value as "license",
    }
    /// Options of `initChild` (`#[init_child]`): create a child integration.
    InitChildOptions {
        /// The parent integration.
        parent_integration: Value as "parentIntegration",
        /// The parent's license.
        parent_license: Value as "parentLicense",
    }
    /// Options of `formInit` (`#[form_init]`): build the form shown for a resource.
    FormInitOptions {
        /// The resource shown in the UI.
        resource: Value as "resource",
        /// Its parent.
        parent_resource: Value as "parentResource",
        /// Its grandparent.
        grandparent_resource: Value as "grandparentResource",
        /// The license.
        license: Value as "license",
        /// The parent's license.
        parent_license: Value as "parentLicense",
    }
    /// Options of `preSave` (`#[pre_save]`): a resource is about to be saved.
    PreSaveOptions {
        /// The resource as it will be saved.
        new_resource: Value as "newResource",
        /// The resource as it was.
        old_resource: Value as "oldResource",
    }
}
