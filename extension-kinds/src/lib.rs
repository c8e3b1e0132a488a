//! The one table of integrator.io extension function kinds, shared by `extension-core` (which
//! turns it into its kind types and signature checks) and `extension-macros` (which turns it
//! into the attributes). Not a crate to depend on directly: depend on `extension-core`.
//!
//! [`kinds!`] hands the table to a macro of the caller's (`kinds!(my_macro)` expands to
//! `my_macro! { ... }`), in the "callback" style of `serde::forward_to_deserialize_any!`, so
//! that each crate expands the same rows its own way. Adding a kind is adding a row here, plus
//! its options and response types in `extension-core`.
//!
//! The table's shape:
//!
//! ```text
//! groups: [ Variant: "property" / "type", ... ]
//! typed: [
//!     /// docs of the attribute
//!     attribute => Variant {
//!         wire: "wireName",                // the documented name, `function` in the envelope
//!         group: Hooks,                    // a group variant, or `Flat` (2.0 functions)
//!         stack: Both,                     // V1 (grouped only), V2 (flat), Both
//!         options: <R> Type<R> => Shown,   // its generic parameters, the type, the type shown in messages
//!         response: <R> Type<R> => Shown,  // likewise; `()` answers no value; a trailing
//!                                          // `options: Bound` is a bound on the options type
//!         records: [field as "wireField"], // the option holding the records when the response
//!                                          // has one element per record, or `[]`
//!         misfits: [field as "wireField"], // the option of the user's records when a record
//!                                          // that does not fit its type becomes that record's
//!                                          // error (the kind has a slot for it), or `[]`
//!     },
//! ]
//! free_form: [ attribute => Variant { wire: "...", group: Utilities | Chosen }, ... ]
//! ```
#![no_std]

/// Expands to `$callback! { <the table> }`: see the crate documentation for its shape.
#[macro_export]
macro_rules! kinds {
    ($callback:path) => {
        $callback! {
            groups: [
                Hooks: "hooks" / "hook",
                Wrappers: "wrappers" / "wrapper",
                Installer: "installer" / "installer",
                Uninstaller: "uninstaller" / "uninstaller",
                Settings: "settings" / "setting",
                Utilities: "utilities" / "utility",
            ]
            typed: [
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
                pre_save_page => PreSavePage {
                    wire: "preSavePage", group: Hooks, stack: Both,
                    options: <R> PreSavePageOptions<R> => PreSavePageOptions,
                    response: <R> PreSavePageResponse<R> => PreSavePageResponse,
                    records: [],
                    misfits: [data as "data"],
                },
                /// A `preMap` hook: `fn(PreMapOptions) -> Result<PreMapResponse, E>`, one `MapResult`
                /// per record of `options.data` (checked at run time).
                pre_map => PreMap {
                    wire: "preMap", group: Hooks, stack: Both,
                    options: <R> PreMapOptions<R> => PreMapOptions,
                    response: <R> Vec<MapResult<R>> => PreMapResponse,
                    records: [data as "data"],
                    misfits: [data as "data"],
                },
                /// A `postMap` hook: `fn(PostMapOptions) -> Result<PostMapResponse, E>`, one
                /// `MapResult` per record of `options.post_map_data` (checked at run time).
                post_map => PostMap {
                    wire: "postMap", group: Hooks, stack: Both,
                    options: <R> PostMapOptions<R> => PostMapOptions,
                    response: <R> Vec<MapResult<R>> => PostMapResponse,
                    records: [post_map_data as "postMapData"],
                    misfits: [post_map_data as "postMapData"],
                },
                /// A `postSubmit` hook: `fn(PostSubmitOptions) -> Result<PostSubmitResponse, E>`, one
                /// element per element of `options.response_data` (checked at run time).
                post_submit => PostSubmit {
                    wire: "postSubmit", group: Hooks, stack: Both,
                    options: <R> PostSubmitOptions<R> => PostSubmitOptions,
                    response: <> Vec<ResponseData> => PostSubmitResponse,
                    records: [response_data as "responseData"],
                    misfits: [post_map_data as "postMapData"],
                },
                /// A `postResponseMap` hook (2.0):
                /// `fn(PostResponseMapOptions) -> Result<PostResponseMapResponse, E>`, one record per
                /// record of `options.post_response_map_data` (checked at run time).
                post_response_map => PostResponseMap {
                    wire: "postResponseMap", group: Hooks, stack: V2,
                    options: <R> PostResponseMapOptions<R> => PostResponseMapOptions,
                    response: <R> Vec<R> => PostResponseMapResponse,
                    records: [post_response_map_data as "postResponseMapData"],
                    misfits: [],
                },
                /// A `postAggregate` hook: `fn(PostAggregateOptions) -> Result<(), E>` (it answers
                /// nothing).
                post_aggregate => PostAggregate {
                    wire: "postAggregate", group: Hooks, stack: Both,
                    options: <> PostAggregateOptions => PostAggregateOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// A wrapper `ping`: `fn(PingOptions) -> Result<PingResponse, E>`.
                ///
                /// Answer `PingResponse::ok()` or `PingResponse::unauthorized(..)`; an error fails the
                /// whole call instead. Registered in `wrappers` (`type: "wrapper"`) and flat.
                wrapper_ping => Ping {
                    wire: "ping", group: Wrappers, stack: Both,
                    options: <> PingOptions => PingOptions,
                    response: <> PingResponse => PingResponse,
                    records: [],
                    misfits: [],
                },
                /// A wrapper `export`, called once per page:
                /// `fn(ExportOptions<S, R>) -> Result<ExportResponse<S, R>, E>`.
                ///
                /// `S` is your paging state (handed back as `options.state` on the next call),
                /// `serde_json::Value` by default, and `R` the record type, `Record` by default.
                /// Set `last_page` to end the export.
                wrapper_export => Export {
                    wire: "export", group: Wrappers, stack: Both,
                    options: <S, R> ExportOptions<S, R> => ExportOptions,
                    response: <S, R> ExportResponse<S, R> => ExportResponse, options: TakesState<S>,
                    records: [],
                    misfits: [],
                },
                /// A wrapper `import`: `fn(ImportOptions<R>) -> Result<ImportResponse, E>`, one
                /// `ImportResult` per record of `options.post_map_data` (checked at run time).
                wrapper_import => Import {
                    wire: "import", group: Wrappers, stack: Both,
                    options: <R> ImportOptions<R> => ImportOptions,
                    response: <> Vec<ImportResult> => ImportResponse,
                    records: [post_map_data as "postMapData"],
                    misfits: [post_map_data as "postMapData"],
                },
                /// The connector installer (1.0 `installerFunction` on the connector):
                /// `fn(InstallerOptions) -> Result<(), E>`. Registered in `installer`.
                installer => Installer {
                    wire: "installer", group: Installer, stack: V1,
                    options: <> InstallerOptions => InstallerOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// An integration installer step (1.0 `installerFunction` of an install step):
                /// `fn(InstallStepOptions) -> Result<StepsResponse, E>`. Registered in `installer`.
                integration_installer => IntegrationInstaller {
                    wire: "integrationInstaller", group: Installer, stack: V1,
                    options: <> InstallStepOptions => InstallStepOptions,
                    response: <> StepsResponse => StepsResponse,
                    records: [],
                    misfits: [],
                },
                /// The 1.0 connector update (`updateFunction`): `fn(UpdateOptions) -> Result<(), E>`.
                /// Registered in `installer`. For the 2.0 flat `update`, see `#[update_v2]`.
                update => Update {
                    wire: "update", group: Installer, stack: V1,
                    options: <> UpdateOptions => UpdateOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// `preUninstall` (1.0): `fn(PreUninstallOptions) -> Result<StepsResponse, E>`.
                /// Registered in `uninstaller`.
                pre_uninstall => PreUninstall {
                    wire: "preUninstall", group: Uninstaller, stack: V1,
                    options: <> PreUninstallOptions => PreUninstallOptions,
                    response: <> StepsResponse => StepsResponse,
                    records: [],
                    misfits: [],
                },
                /// An integration uninstaller step (1.0 `uninstallerFunction` of an install step):
                /// `fn(UninstallStepOptions) -> Result<StepsResponse, E>`. Registered in `uninstaller`.
                integration_uninstaller => IntegrationUninstaller {
                    wire: "integrationUninstaller", group: Uninstaller, stack: V1,
                    options: <> UninstallStepOptions => UninstallStepOptions,
                    response: <> StepsResponse => StepsResponse,
                    records: [],
                    misfits: [],
                },
                /// The connector uninstaller (1.0 `uninstallerFunction` on the connector):
                /// `fn(UninstallerOptions) -> Result<(), E>`. Registered in `uninstaller`.
                uninstaller => Uninstaller {
                    wire: "uninstaller", group: Uninstaller, stack: V1,
                    options: <> UninstallerOptions => UninstallerOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// `persistSettings`: `fn(PersistSettingsOptions) -> Result<PersistSettingsResponse, E>`.
                /// Registered in `settings` (`type: "setting"`).
                persist_settings => PersistSettings {
                    wire: "persistSettings", group: Settings, stack: V1,
                    options: <> PersistSettingsOptions => PersistSettingsOptions,
                    response: <> PersistSettingsResponse => PersistSettingsResponse,
                    records: [],
                    misfits: [],
                },
                /// `refreshMetadata`: `fn(RefreshMetadataOptions) -> Result<Value, E>` (the field
                /// information). Registered in `settings`.
                refresh_metadata => RefreshMetadata {
                    wire: "refreshMetadata", group: Settings, stack: V1,
                    options: <> RefreshMetadataOptions => RefreshMetadataOptions,
                    response: <> Value => Value,
                    records: [],
                    misfits: [],
                },
                /// `changeEdition`: `fn(ChangeEditionOptions) -> Result<(), E>`. Registered in
                /// `settings`; its options carry both the 1.0 and the 2.0 members.
                change_edition => ChangeEdition {
                    wire: "changeEdition", group: Settings, stack: Both,
                    options: <> ChangeEditionOptions => ChangeEditionOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// `getMappingMetadata`: `fn(MappingMetadataOptions) -> Result<MappingMetadataResponse, E>`
                /// (import external id → mapping locks). Registered in `settings`; give it the wire name
                /// integrator.io calls with `name = "getMappingMetadata"` if your function is named
                /// otherwise.
                mapping_metadata => MappingMetadata {
                    wire: "getMappingMetadata", group: Settings, stack: V1,
                    options: <> MappingMetadataOptions => MappingMetadataOptions,
                    response: <> BTreeMap<String, Vec<MappingLock>> => MappingMetadataResponse,
                    records: [],
                    misfits: [],
                },
                /// A 2.0 install or uninstall `step` (flat): `fn(StepOptions) -> Result<(), E>`.
                step => Step {
                    wire: "step", group: Flat, stack: V2,
                    options: <> StepOptions => StepOptions,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// The 2.0 `update` (flat): `fn(UpdateV2Options) -> Result<(), E>`. Named apart from the
                /// 1.0 connector update (`#[update]`), whose options differ.
                update_v2 => UpdateV2 {
                    wire: "update", group: Flat, stack: V2,
                    options: <> UpdateV2Options => UpdateV2Options,
                    response: <> () => (),
                    records: [],
                    misfits: [],
                },
                /// `initChild` (flat): `fn(InitChildOptions) -> Result<Value, E>`, the child
                /// integration to create.
                init_child => InitChild {
                    wire: "initChild", group: Flat, stack: V2,
                    options: <> InitChildOptions => InitChildOptions,
                    response: <> Value => Value,
                    records: [],
                    misfits: [],
                },
                /// `formInit` (flat): `fn(FormInitOptions) -> Result<Value, E>`, the form to render.
                form_init => FormInit {
                    wire: "formInit", group: Flat, stack: V2,
                    options: <> FormInitOptions => FormInitOptions,
                    response: <> Value => Value,
                    records: [],
                    misfits: [],
                },
                /// `preSave` (flat): `fn(PreSaveOptions) -> Result<Value, E>`, the resource to save.
                pre_save => PreSave {
                    wire: "preSave", group: Flat, stack: V2,
                    options: <> PreSaveOptions => PreSaveOptions,
                    response: <> Value => Value,
                    records: [],
                    misfits: [],
                },
            ]
            free_form: [
                /// A utility: free-form JSON in the `utilities` group (`type: "utility"`):
                /// `fn(O) -> Result<T, E>` with `O` any deserialisable type and `T` one of `Value`,
                /// `()`, `Option<Value>` or `Json<AnySerialize>`.
                utility => Utility { wire: "utility", group: Utilities },
                /// A free-form JSON function, in any group or none: `fn(O) -> Result<T, E>` where `O`
                /// is `serde_json::Value` or any deserialisable type and `T` is `Value`, `()` (no
                /// value), `Option<Value>` (`None` is no value), or `Json<T>` wrapping any
                /// serialisable type.
                ///
                /// `group = "hooks"` (or `wrappers`, `installer`, `uninstaller`, `settings`,
                /// `utilities`, or the `type` spelling: `hook`, `wrapper`, `setting`, `utility`) makes
                /// it reachable by grouped requests; without a group it answers flat requests only.
                ///
                /// ```ignore
                /// #[json_function(group = "utilities", name = "myUtility")]
                /// fn my_utility(options: Value) -> Result<Value, ExtensionError> {
                ///     Ok(options)
                /// }
                /// ```
                json_function => JsonFunction { wire: "function", group: Chosen },
            ]
        }
    };
}
