use extension_core::prelude::*;

#[pre_save_page]
fn f<R>(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

fn main() {}
