use extension_core::prelude::*;

// A type of another crate that is no error.
#[pre_save_page]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, std::time::Duration> {
    Err(std::time::Duration::from_secs(1))
}

fn main() {}
