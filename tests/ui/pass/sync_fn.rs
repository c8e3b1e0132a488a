use extension_core::prelude::*;

#[pre_save_page]
fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data,
        errors: options.errors,
        ..Default::default()
    })
}

fn main() {}
