use extension_core::prelude::*;

#[pre_save_page(name = "1abc")]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[json_function(name = "a-b")]
fn g(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
