//! Attribute macros of `extension-core`. Depend on `extension-core`, which re-exports them;
//! the expansion reaches the runtime only through `extension_core::__private`.
//!
//! Each attribute takes an ordinary function with one argument, its options by value, that
//! returns `Result<Response, E>` (`E` is `ExtensionError` or any `std::error::Error`), `fn`
//! or `async fn`. It checks the signature at compile time, keeps the function as it is, and
//! registers it at link time under its wire name: the function's name, or
//! `name = "wireName"`.

mod args;
mod expand;
mod kinds;
mod signature;

use proc_macro::TokenStream;

/// A `preSavePage` hook: `fn(PreSavePageOptions) -> Result<PreSavePageResponse, E>`.
///
/// Runs on each page an export produced, before it is saved. Registered in `hooks`
/// (`type: "hook"`) and flat.
///
/// ```ignore
/// #[pre_save_page]
/// async fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
///     Ok(PreSavePageResponse { data: options.data, errors: options.errors, ..Default::default() })
/// }
/// ```
#[proc_macro_attribute]
pub fn pre_save_page(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_SAVE_PAGE, args.into(), item.into()).into()
}

/// A `preMap` hook: `fn(PreMapOptions) -> Result<PreMapResponse, E>`, one `MapResult` per
/// record of `options.data` (checked at run time).
#[proc_macro_attribute]
pub fn pre_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_MAP, args.into(), item.into()).into()
}

/// A `postMap` hook: `fn(PostMapOptions) -> Result<PostMapResponse, E>`, one `MapResult` per
/// record of `options.post_map_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_MAP, args.into(), item.into()).into()
}

/// A `postSubmit` hook: `fn(PostSubmitOptions) -> Result<PostSubmitResponse, E>`, one element
/// per element of `options.response_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_submit(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_SUBMIT, args.into(), item.into()).into()
}

/// A `postResponseMap` hook: `fn(PostResponseMapOptions) -> Result<PostResponseMapResponse, E>`,
/// one record per record of `options.post_response_map_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_response_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_RESPONSE_MAP, args.into(), item.into()).into()
}

/// A `postAggregate` hook: `fn(PostAggregateOptions) -> Result<(), E>` (it answers nothing).
#[proc_macro_attribute]
pub fn post_aggregate(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_AGGREGATE, args.into(), item.into()).into()
}

/// A free-form JSON function, in any group or none: `fn(O) -> Result<T, E>` where `O` is
/// `serde_json::Value` or any deserialisable type and `T` is `Value`, `()` (no value),
/// `Option<Value>` (`None` is no value), or `Json<T>` wrapping any serialisable type.
///
/// `group = "hooks"` (or `wrappers`, `installer`, `uninstaller`, `settings`, `utilities`,
/// or the `type` spelling: `hook`, `wrapper`, `setting`, `utility`) makes it reachable by
/// grouped requests; without a group it answers flat requests only.
///
/// ```ignore
/// #[json_function(group = "utilities", name = "myUtility")]
/// fn my_utility(options: Value) -> Result<Value, ExtensionError> {
///     Ok(options)
/// }
/// ```
#[proc_macro_attribute]
pub fn json_function(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::JSON_FUNCTION, args.into(), item.into()).into()
}

/// A wrapper `ping`: `fn(PingOptions) -> Result<PingResponse, E>`.
///
/// Answer `PingResponse::ok()` or `PingResponse::unauthorized(..)`; an error fails the whole
/// call instead. Registered in `wrappers` (`type: "wrapper"`) and flat.
#[proc_macro_attribute]
pub fn wrapper_ping(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::WRAPPER_PING, args.into(), item.into()).into()
}

/// A wrapper `export`, called once per page:
/// `fn(ExportOptions<S, R>) -> Result<ExportResponse<S, R>, E>`.
///
/// `S` is your paging state (handed back as `options.state` on the next call) and `R` the
/// record type, both `serde_json::Value` by default. Set `last_page` to end the export.
#[proc_macro_attribute]
pub fn wrapper_export(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::WRAPPER_EXPORT, args.into(), item.into()).into()
}

/// A wrapper `import`: `fn(ImportOptions<R>) -> Result<ImportResponse, E>`, one
/// `ImportResult` per record of `options.post_map_data` (checked at run time).
#[proc_macro_attribute]
pub fn wrapper_import(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::WRAPPER_IMPORT, args.into(), item.into()).into()
}

/// The connector installer (1.0 `installerFunction` on the connector):
/// `fn(InstallerOptions) -> Result<(), E>`. Registered in `installer`.
#[proc_macro_attribute]
pub fn installer(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::INSTALLER, args.into(), item.into()).into()
}

/// An integration installer step (1.0 `installerFunction` of an install step):
/// `fn(InstallStepOptions) -> Result<StepsResponse, E>`. Registered in `installer`.
#[proc_macro_attribute]
pub fn integration_installer(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::INTEGRATION_INSTALLER, args.into(), item.into()).into()
}

/// The 1.0 connector update (`updateFunction`): `fn(UpdateOptions) -> Result<(), E>`.
/// Registered in `installer`. For the 2.0 flat `update`, see `#[update_v2]`.
#[proc_macro_attribute]
pub fn update(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::UPDATE, args.into(), item.into()).into()
}

/// `preUninstall` (1.0): `fn(PreUninstallOptions) -> Result<StepsResponse, E>`.
/// Registered in `uninstaller`.
#[proc_macro_attribute]
pub fn pre_uninstall(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_UNINSTALL, args.into(), item.into()).into()
}

/// An integration uninstaller step (1.0 `uninstallerFunction` of an install step):
/// `fn(UninstallStepOptions) -> Result<StepsResponse, E>`. Registered in `uninstaller`.
#[proc_macro_attribute]
pub fn integration_uninstaller(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::INTEGRATION_UNINSTALLER, args.into(), item.into()).into()
}

/// The connector uninstaller (1.0 `uninstallerFunction` on the connector):
/// `fn(UninstallerOptions) -> Result<(), E>`. Registered in `uninstaller`.
#[proc_macro_attribute]
pub fn uninstaller(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::UNINSTALLER, args.into(), item.into()).into()
}

/// `persistSettings`: `fn(PersistSettingsOptions) -> Result<PersistSettingsResponse, E>`.
/// Registered in `settings` (`type: "setting"`).
#[proc_macro_attribute]
pub fn persist_settings(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PERSIST_SETTINGS, args.into(), item.into()).into()
}

/// `refreshMetadata`: `fn(RefreshMetadataOptions) -> Result<Value, E>` (the field
/// information). Registered in `settings`.
#[proc_macro_attribute]
pub fn refresh_metadata(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::REFRESH_METADATA, args.into(), item.into()).into()
}

/// `changeEdition`: `fn(ChangeEditionOptions) -> Result<(), E>`. Registered in `settings`.
#[proc_macro_attribute]
pub fn change_edition(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::CHANGE_EDITION, args.into(), item.into()).into()
}

/// `getMappingMetadata`: `fn(MappingMetadataOptions) -> Result<MappingMetadataResponse, E>`
/// (import external id → mapping locks). Registered in `settings`; give it the wire name
/// integrator.io calls with `name = "getMappingMetadata"` if your function is named otherwise.
#[proc_macro_attribute]
pub fn mapping_metadata(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::MAPPING_METADATA, args.into(), item.into()).into()
}

/// A 2.0 install or uninstall `step` (flat): `fn(StepOptions) -> Result<(), E>`.
#[proc_macro_attribute]
pub fn step(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::STEP, args.into(), item.into()).into()
}

/// The 2.0 `update` (flat): `fn(UpdateV2Options) -> Result<(), E>`. Named apart from the
/// 1.0 connector update (`#[update]`), whose options differ.
#[proc_macro_attribute]
pub fn update_v2(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::UPDATE_V2, args.into(), item.into()).into()
}

/// `initChild` (flat): `fn(InitChildOptions) -> Result<Value, E>`, the child integration
/// to create.
#[proc_macro_attribute]
pub fn init_child(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::INIT_CHILD, args.into(), item.into()).into()
}

/// `formInit` (flat): `fn(FormInitOptions) -> Result<Value, E>`, the form to render.
#[proc_macro_attribute]
pub fn form_init(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::FORM_INIT, args.into(), item.into()).into()
}

/// `preSave` (flat): `fn(PreSaveOptions) -> Result<Value, E>`, the resource to save.
#[proc_macro_attribute]
pub fn pre_save(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_SAVE, args.into(), item.into()).into()
}

/// A utility: free-form JSON in the `utilities` group (`type: "utility"`):
/// `fn(O) -> Result<T, E>` with `O` any deserialisable type and `T` one of `Value`, `()`,
/// `Option<Value>` or `Json<AnySerialize>`.
#[proc_macro_attribute]
pub fn utility(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::UTILITY, args.into(), item.into()).into()
}
