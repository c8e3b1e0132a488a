// The annotated functions stay ordinary Rust functions: callable, async ones awaitable.
use extension_core::prelude::*;

#[pre_save_page]
fn sync_hook(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data,
        ..Default::default()
    })
}

#[pre_map]
async fn async_hook(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

#[json_function(group = "utilities")]
fn fails(_options: Value) -> Result<(), ExtensionError> {
    Err(ExtensionError::new("nope", "always fails"))
}

fn main() {
    let options: PreSavePageOptions =
        extension_core::serde_json::from_value(json!({ "data": [{ "id": 1 }] })).unwrap();
    let response = sync_hook(options).unwrap();
    assert_eq!(response.data, vec![json!({ "id": 1 })]);

    let options: PreMapOptions =
        extension_core::serde_json::from_value(json!({ "data": [1, 2] })).unwrap();
    let dispatcher = extension_core::Dispatcher::new(extension_core::Configuration::diy()).unwrap();
    let host = extension_core::hosts::local::Local::new(dispatcher).unwrap();
    let response = host.block_on(async_hook(options)).unwrap();
    assert_eq!(response.len(), 2);

    let error = fails(Value::Null).unwrap_err();
    assert_eq!(error.code(), "nope");

    // A function pointer of the plain signature.
    let pointer: fn(PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> = sync_hook;
    let _ = pointer;
}
