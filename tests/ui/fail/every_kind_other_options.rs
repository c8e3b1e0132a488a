// Each kind with another kind's options type: every message names the right one.
use extension_core::prelude::*;

#[wrapper_ping]
fn a(_o: ImportOptions) -> Result<PingResponse, ExtensionError> { todo!() }
#[wrapper_export]
fn b(_o: PingOptions) -> Result<ExportResponse, ExtensionError> { todo!() }
#[wrapper_import]
fn c(_o: ExportOptions) -> Result<ImportResponse, ExtensionError> { todo!() }
#[installer]
fn d(_o: InstallStepOptions) -> Result<(), ExtensionError> { todo!() }
#[integration_installer]
fn e(_o: InstallerOptions) -> Result<StepsResponse, ExtensionError> { todo!() }
#[update]
fn f(_o: UpdateV2Options) -> Result<(), ExtensionError> { todo!() }
#[pre_uninstall]
fn g(_o: UninstallStepOptions) -> Result<StepsResponse, ExtensionError> { todo!() }
#[integration_uninstaller]
fn h(_o: PreUninstallOptions) -> Result<StepsResponse, ExtensionError> { todo!() }
#[uninstaller]
fn i(_o: InstallerOptions) -> Result<(), ExtensionError> { todo!() }
#[persist_settings]
fn j(_o: RefreshMetadataOptions) -> Result<PersistSettingsResponse, ExtensionError> { todo!() }
#[refresh_metadata]
fn k(_o: PersistSettingsOptions) -> Result<Value, ExtensionError> { todo!() }
#[change_edition]
fn l(_o: MappingMetadataOptions) -> Result<(), ExtensionError> { todo!() }
#[mapping_metadata]
fn m(_o: ChangeEditionOptions) -> Result<MappingMetadataResponse, ExtensionError> { todo!() }
#[step]
fn n(_o: InstallStepOptions) -> Result<(), ExtensionError> { todo!() }
#[update_v2]
fn o(_o: UpdateOptions) -> Result<(), ExtensionError> { todo!() }
#[init_child]
fn p(_o: FormInitOptions) -> Result<Value, ExtensionError> { todo!() }
#[form_init]
fn q(_o: PreSaveOptions) -> Result<Value, ExtensionError> { todo!() }
#[pre_save]
fn r(_o: InitChildOptions) -> Result<Value, ExtensionError> { todo!() }
#[utility]
fn s(_o: std::rc::Rc<u8>) -> Result<Value, ExtensionError> { todo!() }

fn main() {}
