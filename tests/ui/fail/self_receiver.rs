use extension_core::prelude::*;

struct Hooks;

impl Hooks {
    #[pre_save_page]
    fn f(&self, _options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse::default())
    }
}

fn main() {}
