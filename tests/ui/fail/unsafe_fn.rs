use extension_core::prelude::*;

#[pre_save_page]
unsafe fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
