//! Two annotated functions under one wire name: the dispatcher refuses to start and names
//! both source locations.

use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher, RegistryError};

mod first {
    use super::*;
    #[pre_save_page(name = "tagRecords")]
    pub fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse {
            data: options.data,
            ..Default::default()
        })
    }
}

mod second {
    use super::*;
    #[pre_save_page(name = "tagRecords")]
    pub async fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse {
            data: options.data,
            ..Default::default()
        })
    }
}

#[test]
fn duplicate_wire_names_fail_at_startup() {
    let err = Dispatcher::new(Configuration::diy()).unwrap_err();
    let RegistryError::Duplicate {
        name,
        first,
        second,
    } = &err
    else {
        panic!("expected a duplicate, got {err}");
    };
    assert_eq!(name, "hooks.tagRecords");
    // The locations are the two functions' lines in this file.
    let source = include_str!("duplicate.rs");
    let line_of = |needle: &str| 1 + source.lines().position(|l| l.contains(needle)).unwrap();
    let (a, b) = (line_of("pub fn tag("), line_of("pub async fn tag("));
    assert_eq!(
        first,
        &format!("duplicate::first::tag (tests/tests/duplicate.rs:{a})")
    );
    assert_eq!(
        second,
        &format!("duplicate::second::tag (tests/tests/duplicate.rs:{b})")
    );
    assert!(
        err.to_string().contains(&format!("{first} and {second}")),
        "{err}"
    );
}
