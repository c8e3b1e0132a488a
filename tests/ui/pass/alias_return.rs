// The return type spelled through aliases, not as `Result<_, _>`.
use extension_core::prelude::*;

type PageResult = Result<PreSavePageResponse, ExtensionError>;
type HookResult<T> = Result<T, ExtensionError>;
type AnyResult<T> = Result<T, std::io::Error>;

#[pre_save_page]
fn whole_alias(options: PreSavePageOptions) -> PageResult {
    Ok(PreSavePageResponse {
        data: options.data,
        ..Default::default()
    })
}

#[pre_save_page]
async fn generic_alias(_options: PreSavePageOptions) -> HookResult<PreSavePageResponse> {
    Ok(PreSavePageResponse::default())
}

#[post_aggregate]
fn std_error_alias(_options: PostAggregateOptions) -> AnyResult<()> {
    Ok(())
}

#[json_function]
fn std_result(options: Value) -> std::result::Result<Value, ExtensionError> {
    Ok(options)
}

fn main() {}
