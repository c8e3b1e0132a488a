// Every non-hook kind, once as `fn` and once as `async fn`, with its documented types.
#![allow(dead_code)]

use extension_core::prelude::*;

#[wrapper_ping]
fn ping(options: PingOptions) -> Result<PingResponse, ExtensionError> {
    let _secret = options.connection.encrypted.get("password");
    Ok(PingResponse::ok())
}
#[wrapper_ping(name = "pingAsync")]
async fn ping_async(_options: PingOptions) -> Result<PingResponse, ExtensionError> {
    Ok(PingResponse::unauthorized("bad_password", "wrong password"))
}

#[wrapper_export]
fn export(options: ExportOptions) -> Result<ExportResponse, ExtensionError> {
    Ok(ExportResponse { state: options.state, last_page: true, ..Default::default() })
}
#[wrapper_export(name = "exportAsync")]
async fn export_async(options: ExportOptions<u64>) -> Result<ExportResponse<u64>, ExtensionError> {
    Ok(ExportResponse { state: Some(options.state.unwrap_or(0) + 1), ..Default::default() })
}

#[wrapper_import]
fn import(options: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Ok(options.post_map_data.iter().map(|_| ImportResult::ok("id")).collect())
}
#[wrapper_import(name = "importAsync")]
async fn import_async(options: ImportOptions) -> Result<Vec<ImportResult>, ExtensionError> {
    Ok(options.post_map_data.iter().map(|_| ImportResult::ignored()).collect())
}

#[installer]
fn install(_options: InstallerOptions) -> Result<(), ExtensionError> {
    Ok(())
}
#[installer(name = "installAsync")]
async fn install_async(_options: InstallerOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[integration_installer]
fn install_step(_options: InstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse { success: true, steps_to_update: vec![] })
}
#[integration_installer(name = "installStepAsync")]
async fn install_step_async(_options: InstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse::default())
}

#[update]
fn update_connector(_options: UpdateOptions) -> Result<(), ExtensionError> {
    Ok(())
}
#[update(name = "updateAsync")]
async fn update_connector_async(_options: UpdateOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[pre_uninstall]
fn pre_uninstall_fn(_options: PreUninstallOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse::default())
}
#[pre_uninstall(name = "preUninstallAsync")]
async fn pre_uninstall_async(_options: PreUninstallOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse::default())
}

#[integration_uninstaller]
fn uninstall_step(_options: UninstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse::default())
}
#[integration_uninstaller(name = "uninstallStepAsync")]
async fn uninstall_step_async(_options: UninstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse::default())
}

#[uninstaller]
fn uninstall(_options: UninstallerOptions) -> Result<(), ExtensionError> {
    Ok(())
}
#[uninstaller(name = "uninstallAsync")]
async fn uninstall_async(_options: UninstallerOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[persist_settings]
fn persist(options: PersistSettingsOptions) -> Result<PersistSettingsResponse, ExtensionError> {
    Ok(PersistSettingsResponse { success: true, pending: options.pending })
}
#[persist_settings(name = "persistAsync")]
async fn persist_async(options: PersistSettingsOptions) -> Result<PersistSettingsResponse, ExtensionError> {
    Ok(PersistSettingsResponse { success: true, pending: options.pending })
}

#[refresh_metadata]
fn refresh(options: RefreshMetadataOptions) -> Result<Value, ExtensionError> {
    Ok(options.opts)
}
#[refresh_metadata(name = "refreshAsync")]
async fn refresh_async(options: RefreshMetadataOptions) -> Result<Value, ExtensionError> {
    Ok(options.opts)
}

#[change_edition]
fn edition(_options: ChangeEditionOptions) -> Result<(), ExtensionError> {
    Ok(())
}
#[change_edition(name = "editionAsync")]
async fn edition_async(_options: ChangeEditionOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[mapping_metadata(name = "getMappingMetadata")]
fn mapping(_options: MappingMetadataOptions) -> Result<MappingMetadataResponse, ExtensionError> {
    Ok(MappingMetadataResponse::new())
}
#[mapping_metadata(name = "getMappingMetadataAsync")]
async fn mapping_async(_options: MappingMetadataOptions) -> Result<MappingMetadataResponse, ExtensionError> {
    Ok(MappingMetadataResponse::new())
}

#[step]
fn install_step_v2(_options: StepOptions) -> Result<(), ExtensionError> {
    Ok(())
}
#[step(name = "stepAsync")]
async fn install_step_v2_async(_options: StepOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[update_v2]
fn update_app(_options: UpdateV2Options) -> Result<(), ExtensionError> {
    Ok(())
}
#[update_v2(name = "updateV2Async")]
async fn update_app_async(_options: UpdateV2Options) -> Result<(), ExtensionError> {
    Ok(())
}

#[init_child]
fn child(options: InitChildOptions) -> Result<Value, ExtensionError> {
    Ok(json!({"name": "child", "parent": options.parent_integration}))
}
#[init_child(name = "initChildAsync")]
async fn child_async(_options: InitChildOptions) -> Result<Value, ExtensionError> {
    Ok(json!({}))
}

#[form_init]
fn form(options: FormInitOptions) -> Result<Value, ExtensionError> {
    Ok(options.resource)
}
#[form_init(name = "formInitAsync")]
async fn form_async(options: FormInitOptions) -> Result<Value, ExtensionError> {
    Ok(options.resource)
}

#[pre_save]
fn before_save(options: PreSaveOptions) -> Result<Value, ExtensionError> {
    Ok(options.new_resource)
}
#[pre_save(name = "preSaveAsync")]
async fn before_save_async(options: PreSaveOptions) -> Result<Value, ExtensionError> {
    Ok(options.new_resource)
}

#[utility]
fn util(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}
#[utility(name = "utilAsync")]
async fn util_async(options: Vec<u32>) -> Result<Json<Vec<u32>>, ExtensionError> {
    Ok(Json(options))
}

fn main() {
    let registry = extension_core::Registry::global().unwrap();
    assert_eq!(registry.iter().count(), 38);
    let flat_only = registry.iter().filter(|r| r.group().is_none()).count();
    assert_eq!(flat_only, 10, "step, update_v2, init_child, form_init, pre_save are flat");
}
