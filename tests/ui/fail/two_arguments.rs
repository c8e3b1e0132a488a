use extension_core::prelude::*;

#[pre_save_page]
fn f(_options: PreSavePageOptions, _extra: Value) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
