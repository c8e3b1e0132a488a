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
pub const JSON_FUNCTION: KindSpec = KindSpec {
    attr: "json_function",
    returns: "Result<T, E> (any serialisable `T`, or `()` for no value)",
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
