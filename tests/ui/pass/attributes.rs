// Visibility, doc comments and other attributes, before and after ours, are kept.
use extension_core::prelude::*;

pub mod hooks {
    use extension_core::prelude::*;

    /// A documented public hook.
    #[pre_save_page]
    pub fn documented(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
        Ok(PreSavePageResponse {
            data: options.data,
            ..Default::default()
        })
    }

    #[post_submit]
    pub(crate) async fn crate_visible(
        options: PostSubmitOptions,
    ) -> Result<PostSubmitResponse, ExtensionError> {
        Ok(options.response_data)
    }
}

#[allow(unused)]
/// Doc comment after another attribute.
#[pre_save_page(name = "second")]
#[allow(clippy::needless_pass_by_value)]
#[inline]
#[must_use = "the response is the point"]
fn with_attributes(
    #[allow(unused_mut)] mut options: PreSavePageOptions,
) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data,
        ..Default::default()
    })
}

#[deny(dead_code)]
#[post_aggregate]
fn never_called_in_rust(_options: PostAggregateOptions) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {
    let _ = hooks::documented;
}
