//! Registry rules: duplicates are start-up errors naming both functions, flat names are
//! unique across groups, and lookups only find what was registered.

use extension_core::prelude::*;
use extension_core::{Group, Registration, Registry, RegistryError};

mod first {
    use super::*;
    #[json_function(group = "hooks", name = "sameName")]
    pub fn same_name(options: Value) -> Result<Value, ExtensionError> {
        Ok(options)
    }
}

mod second {
    use super::*;
    #[json_function(group = "hooks", name = "sameName")]
    pub fn same_name(options: Value) -> Result<Value, ExtensionError> {
        Ok(options)
    }
}

mod other_group {
    use super::*;
    #[json_function(group = "wrappers", name = "sameName")]
    pub fn same_name(options: Value) -> Result<Value, ExtensionError> {
        Ok(options)
    }
}

#[json_function(name = "flatOnly")]
fn flat_only(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}

/// The registrations of the functions whose Rust paths end in one of `suffixes`.
fn some(suffixes: &[&str]) -> Vec<&'static Registration> {
    Registry::linked()
        .filter(|r| suffixes.iter().any(|s| r.rust_path().ends_with(s)))
        .collect()
}

#[test]
fn two_functions_in_one_group_are_a_startup_error_naming_both() {
    let err = Registry::new(some(&["first::same_name", "second::same_name"])).unwrap_err();
    let RegistryError::Duplicate {
        name,
        first,
        second,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(name, "hooks.sameName");
    assert!(
        first.starts_with("registry::first::same_name (tests/tests/registry.rs:"),
        "{first}"
    );
    assert!(
        second.starts_with("registry::second::same_name (tests/tests/registry.rs:"),
        "{second}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("{first} and {second}")),
        "{message}"
    );
    assert!(message.contains("name = \"...\""), "{message}");
}

#[test]
fn one_name_in_two_groups_is_ambiguous_for_flat_requests() {
    let err = Registry::new(some(&["first::same_name", "other_group::same_name"])).unwrap_err();
    assert!(
        matches!(err, RegistryError::Duplicate { ref name, .. } if name == "sameName"),
        "{err}"
    );
}

#[test]
fn lookups() {
    let registry = Registry::new(some(&["first::same_name", "flat_only"])).unwrap();
    let path = |r: Option<&Registration>| r.map(Registration::rust_path).unwrap_or_default();
    assert_eq!(
        path(registry.grouped(Group::Hooks, "sameName")),
        "registry::first::same_name"
    );
    assert_eq!(
        path(registry.flat("sameName")),
        "registry::first::same_name"
    );
    assert!(registry.grouped(Group::Wrappers, "sameName").is_none());
    assert!(registry.has_group(Group::Hooks) && !registry.has_group(Group::Wrappers));
    assert_eq!(path(registry.flat("flatOnly")), "registry::flat_only");
    assert!(registry.flat("toString").is_none());
    let flat = registry.flat("flatOnly").unwrap();
    assert_eq!(
        (flat.options_type(), flat.return_type(), flat.group()),
        ("Value", "Result<Value, ExtensionError>", None)
    );
}

#[test]
fn nothing_registered_says_how_to_link_the_crate() {
    let err = Registry::new([]).unwrap_err();
    assert_eq!(err, RegistryError::Empty);
    assert!(err.to_string().contains("use my_functions as _;"), "{err}");
}
