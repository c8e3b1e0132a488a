use extension_core::prelude::*;

#[pre_save_page]
fn f(context: Context, options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    let _ = context;
    Ok(PreSavePageResponse { data: options.data, ..Default::default() })
}

fn main() {}
