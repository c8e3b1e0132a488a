// `#[json_function]` in a group (property or `type` spelling) or none, returning a value,
// no value, an optional value, or any serialisable type through `Json`.
use extension_core::prelude::*;
use extension_core::{FunctionKind, Group, Registry};

#[json_function(group = "hooks", name = "doSomething")]
fn do_something(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}

#[json_function(group = "utility")]
fn returns_nothing(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

#[json_function(name = "maybe", group = "settings")]
async fn maybe(options: Value) -> Result<Option<Value>, ExtensionError> {
    Ok(options.get("x").cloned())
}

#[json_function]
fn numbers(options: Vec<u8>) -> Result<Json<Vec<u8>>, ExtensionError> {
    Ok(Json(options.into_iter().chain([1, 2]).collect()))
}

#[json_function(group = "installer")]
fn installer_step(options: String) -> Result<Json<(String, u32)>, ExtensionError> {
    Ok(Json((options, 1)))
}

fn main() {
    let registry = Registry::global().unwrap();
    assert!(registry.grouped(Group::Hooks, "doSomething").is_some());
    assert!(registry
        .grouped(Group::Utilities, "returns_nothing")
        .is_some());
    assert!(registry.grouped(Group::Settings, "maybe").is_some());
    assert!(registry
        .grouped(Group::Installer, "installer_step")
        .is_some());
    // Without a group: flat requests only.
    assert!(registry.flat("numbers").is_some());
    assert!(Group::ALL
        .iter()
        .all(|g| registry.grouped(*g, "numbers").is_none()));
    assert_eq!(registry.flat("numbers").unwrap().kind(), FunctionKind::JsonFunction);
}
