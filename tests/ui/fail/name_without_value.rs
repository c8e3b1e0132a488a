use extension_core::prelude::*;

#[pre_save_page(name)]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[pre_save_page(name =)]
fn g(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
