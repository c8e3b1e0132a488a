use extension_core::prelude::*;

#[derive(Debug)]
struct PlainError;

#[pre_save_page]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, PlainError> {
    Err(PlainError)
}

fn main() {}
