//! The kinds as the macros see them: one row each. Everything else about a kind (its group,
//! options and response types) lives in extension-core's table and reaches the user's code
//! through the marker type, so this table only carries what messages need.

/// One attribute macro.
pub struct KindSpec {
    /// The attribute's name, also the name of the kind's marker type at
    /// extension-core's root.
    pub attr: &'static str,
    /// The expected return type, for the message when a function returns nothing.
    pub returns: &'static str,
    /// Whether the function chooses its group (`group = "..."`).
    pub takes_group: bool,
}

pub const PRE_SAVE_PAGE: KindSpec = typed("pre_save_page", "Result<PreSavePageResponse, E>");
pub const PRE_MAP: KindSpec = typed("pre_map", "Result<PreMapResponse, E>");
pub const POST_MAP: KindSpec = typed("post_map", "Result<PostMapResponse, E>");
pub const POST_SUBMIT: KindSpec = typed("post_submit", "Result<PostSubmitResponse, E>");
pub const POST_RESPONSE_MAP: KindSpec =
    typed("post_response_map", "Result<PostResponseMapResponse, E>");
pub const POST_AGGREGATE: KindSpec = typed("post_aggregate", "Result<(), E>");
pub const WRAPPER_PING: KindSpec = typed("wrapper_ping", "Result<PingResponse, E>");
pub const WRAPPER_EXPORT: KindSpec = typed("wrapper_export", "Result<ExportResponse, E>");
pub const WRAPPER_IMPORT: KindSpec = typed("wrapper_import", "Result<ImportResponse, E>");
pub const INSTALLER: KindSpec = typed("installer", "Result<(), E>");
pub const INTEGRATION_INSTALLER: KindSpec =
    typed("integration_installer", "Result<StepsResponse, E>");
pub const UPDATE: KindSpec = typed("update", "Result<(), E>");
pub const PRE_UNINSTALL: KindSpec = typed("pre_uninstall", "Result<StepsResponse, E>");
pub const INTEGRATION_UNINSTALLER: KindSpec =
    typed("integration_uninstaller", "Result<StepsResponse, E>");
pub const UNINSTALLER: KindSpec = typed("uninstaller", "Result<(), E>");
pub const PERSIST_SETTINGS: KindSpec =
    typed("persist_settings", "Result<PersistSettingsResponse, E>");
pub const REFRESH_METADATA: KindSpec = typed("refresh_metadata", "Result<Value, E>");
pub const CHANGE_EDITION: KindSpec = typed("change_edition", "Result<(), E>");
pub const MAPPING_METADATA: KindSpec =
    typed("mapping_metadata", "Result<MappingMetadataResponse, E>");
pub const STEP: KindSpec = typed("step", "Result<(), E>");
pub const UPDATE_V2: KindSpec = typed("update_v2", "Result<(), E>");
pub const INIT_CHILD: KindSpec = typed("init_child", "Result<Value, E>");
pub const FORM_INIT: KindSpec = typed("form_init", "Result<Value, E>");
pub const PRE_SAVE: KindSpec = typed("pre_save", "Result<Value, E>");
pub const UTILITY: KindSpec = typed(
    "utility",
    "Result<T, E> (`Value`, `()` for no value, `Option<Value>`, or `Json<T>`)",
);
pub const JSON_FUNCTION: KindSpec = KindSpec {
    attr: "json_function",
    returns: "Result<T, E> (`Value`, `()` for no value, `Option<Value>`, or `Json<T>` of any serialisable `T`)",
    takes_group: true,
};

const fn typed(attr: &'static str, returns: &'static str) -> KindSpec {
    KindSpec {
        attr,
        returns,
        takes_group: false,
    }
}

/// Group names a `group = "..."` argument accepts: the module property, or the `type` a
/// grouped request sends for it.
pub const GROUPS: &[(&str, &str, &str)] = &[
    ("hooks", "hook", "Hooks"),
    ("wrappers", "wrapper", "Wrappers"),
    ("installer", "installer", "Installer"),
    ("uninstaller", "uninstaller", "Uninstaller"),
    ("settings", "setting", "Settings"),
    ("utilities", "utility", "Utilities"),
];
