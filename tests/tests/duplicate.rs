//! Two annotated functions under one wire name: the dispatcher refuses to start and names
//! both source locations.

use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher, RegistryError};

mod first {
    use super::*;
    #[pre_save_page(name = "tagRecords")]
    pub fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse { data: options.data, ..Default::default() })
    }
}

mod second {
    use super::*;
    #[pre_save_page(name = "tagRecords")]
    pub async fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse { data: options.data, ..Default::default() })
    }
}

#[test]
fn duplicate_wire_names_fail_at_startup() {
    let err = Dispatcher::new(Configuration::diy()).unwrap_err();
    let RegistryError::Duplicate { name, first, second } = &err else {
        panic!("expected a duplicate, got {err}");
    };
    assert_eq!(name, "hooks.tagRecords");
    assert_eq!(first, "duplicate::first::tag (tests/tests/duplicate.rs:10)");
    assert_eq!(second, "duplicate::second::tag (tests/tests/duplicate.rs:18)");
}
