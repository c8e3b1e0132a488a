use extension_core::prelude::*;

#[pre_save_page]
fn f(_options: &PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
