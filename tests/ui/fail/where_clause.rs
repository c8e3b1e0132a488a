use extension_core::prelude::*;

#[pre_save_page]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError>
where
    String: Clone,
{
    Ok(PreSavePageResponse::default())
}

fn main() {}
