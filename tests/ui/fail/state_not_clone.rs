use extension_core::prelude::*;

// State is handed to every call by value: it must be cheap to clone.
struct Pool;

#[pre_save_page]
fn f(options: PreSavePageOptions, _pool: State<Pool>) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse { data: options.data, ..Default::default() })
}

fn main() {
    let _ = Pool;
}
