use extension_core::prelude::*;

#[pre_save_page(group = "hooks")]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[json_function(nmae = "x")]
fn g(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
