use extension_core::prelude::*;

#[pre_save_page]
fn f() -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
