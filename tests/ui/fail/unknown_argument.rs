use extension_core::prelude::*;

#[pre_save_page(group = "hooks")]
fn f(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse::default())
}

#[json_function(nmae = "x")]
fn g(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}

// Only kinds whose response has a slot for a record's own error choose what a misfit does.
#[post_response_map(misfits = "fail_page")]
fn h(options: PostResponseMapOptions) -> Result<PostResponseMapResponse, ExtensionError> {
    Ok(options.post_response_map_data)
}

#[pre_map(misfits = "skip")]
fn i(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}
