use extension_core::prelude::*;
use std::rc::Rc;

// An error that cannot leave its thread.
#[derive(Debug)]
struct LocalError(Rc<String>);

impl std::fmt::Display for LocalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LocalError {}

#[pre_save_page]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, LocalError> {
    Err(LocalError(Rc::new("no".into())))
}

fn main() {}
