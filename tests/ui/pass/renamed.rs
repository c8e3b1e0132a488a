// `name = "..."` sets the wire name; the Rust name stays the function's.
use extension_core::prelude::*;
use extension_core::{FunctionKind, Group, Registry};

#[pre_save_page(name = "preSavePageFunction")]
fn rust_name(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[pre_map(name = "$odd_Name_1")]
fn another(_options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(Vec::new())
}

// A raw identifier registers under its plain name.
#[json_function]
fn r#type(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}

fn main() {
    let registry = Registry::global().unwrap();
    let registration = registry
        .grouped(Group::Hooks, "preSavePageFunction")
        .unwrap();
    assert_eq!(registration.kind(), FunctionKind::PreSavePage);
    assert!(
        registration.rust_path().ends_with("::rust_name"),
        "{}",
        registration.rust_path()
    );
    assert!(registry.flat("rust_name").is_none());
    assert!(registry.flat("$odd_Name_1").is_some());
    assert!(registry.flat("type").is_some());
}
