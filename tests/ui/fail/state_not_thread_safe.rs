use extension_core::prelude::*;
use std::rc::Rc;

#[pre_save_page]
fn f(options: PreSavePageOptions, _cache: State<Rc<String>>) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse { data: options.data, ..Default::default() })
}

fn main() {}
