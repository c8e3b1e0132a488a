//! Registry rules: duplicates are start-up errors naming both functions, flat names are
//! unique across groups, and lookups only find what was registered.

use extension_core::__private::{ready, RawValue};
use extension_core::{Group, Pending, Registration, Registry, RegistryError, Reply};

fn answer(_: &RawValue) -> Pending {
    ready(Ok(Reply::NoValue))
}

macro_rules! registration {
    ($static:ident, $name:literal, $group:expr, $line:literal) => {
        static $static: Registration = Registration {
            name: $name,
            group: $group,
            kind: "function",
            rust_path: concat!("my_crate::", stringify!($static)),
            file: "src/lib.rs",
            line: $line,
            invoke: answer,
        };
    };
}

registration!(FIRST, "sameName", Some(Group::Hooks), 10);
registration!(SECOND, "sameName", Some(Group::Hooks), 20);
registration!(OTHER_GROUP, "sameName", Some(Group::Wrappers), 30);
registration!(FLAT_ONLY, "flatOnly", None, 40);

#[test]
fn two_functions_in_one_group_are_a_startup_error_naming_both() {
    let err = Registry::new([&FIRST, &SECOND]).unwrap_err();
    assert_eq!(
        err,
        RegistryError::Duplicate {
            name: "hooks.sameName".into(),
            first: "my_crate::FIRST (src/lib.rs:10)".into(),
            second: "my_crate::SECOND (src/lib.rs:20)".into(),
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("my_crate::FIRST (src/lib.rs:10) and my_crate::SECOND (src/lib.rs:20)"),
        "{message}"
    );
    assert!(
        message.contains("name = \\\"...\\\"") || message.contains("name = \"...\""),
        "{message}"
    );
}

#[test]
fn one_name_in_two_groups_is_ambiguous_for_flat_requests() {
    let err = Registry::new([&FIRST, &OTHER_GROUP]).unwrap_err();
    assert!(
        matches!(err, RegistryError::Duplicate { ref name, .. } if name == "sameName"),
        "{err}"
    );
}

#[test]
fn lookups() {
    let registry: &'static Registry =
        Box::leak(Box::new(Registry::new([&FIRST, &FLAT_ONLY]).unwrap()));
    assert_eq!(
        registry.grouped(Group::Hooks, "sameName").map(|r| r.line),
        Some(10)
    );
    assert_eq!(registry.flat("sameName").map(|r| r.line), Some(10));
    assert!(registry.grouped(Group::Wrappers, "sameName").is_none());
    assert!(registry.has_group(Group::Hooks) && !registry.has_group(Group::Wrappers));
    assert_eq!(registry.flat("flatOnly").map(|r| r.line), Some(40));
    assert!(registry.flat("toString").is_none());
}

#[test]
fn nothing_registered_says_how_to_link_the_crate() {
    let err = Registry::new([]).unwrap_err();
    assert_eq!(err, RegistryError::Empty);
    assert!(err.to_string().contains("use my_functions as _;"), "{err}");
}
