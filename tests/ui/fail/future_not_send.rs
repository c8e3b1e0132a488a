use extension_core::prelude::*;
use std::rc::Rc;

#[pre_save_page]
async fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    let shared = Rc::new(1);
    std::future::ready(()).await;
    let _ = shared;
    Ok(PreSavePageResponse::default())
}

fn main() {}
