use extension_core::prelude::*;

#[pre_save_page]
fn f(_options: PreSavePageOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(Vec::new())
}

fn main() {}
