// Any pattern may bind the options: `mut`, `_`, a struct pattern.
use extension_core::prelude::*;

#[pre_save_page]
fn mutable(mut options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    options.data.push(json!({ "added": true }).into());
    Ok(PreSavePageResponse {
        data: options.data,
        ..Default::default()
    })
}

#[pre_save_page]
async fn ignored(_: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[post_submit]
fn destructured(
    PostSubmitOptions { response_data, .. }: PostSubmitOptions,
) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(response_data)
}

// Options given by their full path.
#[post_aggregate]
fn full_path(
    _options: extension_core::hooks::PostAggregateOptions,
) -> ::std::result::Result<(), extension_core::ExtensionError> {
    Ok(())
}

fn main() {}
