// `?` converts any `std::error::Error` into `ExtensionError`; `ResultExt::code` picks a code.
use extension_core::prelude::*;

#[pre_save_page]
fn parse(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    let _limit = "12".parse::<u8>()?;
    let _other: u8 = "34".parse::<u8>().code("bad_limit")?;
    if options.data.len() > 100 {
        return Err(ExtensionError::new("too_many", "too many records"));
    }
    Ok(PreSavePageResponse::default())
}

#[json_function]
async fn parse_async(options: Value) -> Result<Value, ExtensionError> {
    let text = options.as_str().unwrap_or("0");
    Ok(json!(text.parse::<i32>()?))
}

fn main() {}
