//! A binary that links no functions: the dispatcher says the defining crate is probably not
//! linked, and how to fix it. (This crate's dev-dependencies define functions, but a crate
//! that is never named is not linked: exactly the mistake the message is about.)

use extension_core::{Configuration, Dispatcher, RegistryError};

#[test]
fn empty_registry_explains_linking() {
    let err = Dispatcher::new(Configuration::diy()).unwrap_err();
    assert_eq!(err, RegistryError::Empty);
    let message = err.to_string();
    assert!(message.contains("probably not linked"), "{message}");
    assert!(message.contains("use my_functions as _;"), "{message}");
}
