// An error type of the user's own, implementing `std::error::Error` by hand, as `E`.
use extension_core::prelude::*;
use std::fmt;

#[derive(Debug)]
struct MyError {
    reason: String,
}

impl fmt::Display for MyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "it failed: {}", self.reason)
    }
}

impl std::error::Error for MyError {}

#[pre_save_page]
fn sync_hook(options: PreSavePageOptions) -> Result<PreSavePageResponse, MyError> {
    if options.data.is_empty() {
        return Err(MyError {
            reason: "no data".to_owned(),
        });
    }
    Ok(PreSavePageResponse::default())
}

#[post_submit]
async fn async_hook(options: PostSubmitOptions) -> Result<PostSubmitResponse, MyError> {
    Ok(options.response_data)
}

// A standard library error type works too.
#[json_function]
fn parse_number(options: String) -> Result<Value, std::num::ParseIntError> {
    Ok(json!(options.parse::<i64>()?))
}

fn main() {}
