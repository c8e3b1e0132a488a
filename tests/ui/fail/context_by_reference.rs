use extension_core::prelude::*;

#[pre_save_page]
fn f(options: PreSavePageOptions, context: &Context) -> Result<PreSavePageResponse, ExtensionError> {
    let _ = context.request_id();
    Ok(PreSavePageResponse { data: options.data, ..Default::default() })
}

fn main() {}
