use extension_core::prelude::*;

#[pre_save_page]
fn f(options: String) -> Result<PreSavePageResponse, ExtensionError> {
    let _ = options;
    Ok(PreSavePageResponse::default())
}

fn main() {}
