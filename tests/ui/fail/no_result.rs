use extension_core::prelude::*;

#[pre_save_page]
fn f(_options: PreSavePageOptions) -> PreSavePageResponse {
    PreSavePageResponse::default()
}

fn main() {}
