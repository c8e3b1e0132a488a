// Every error type a Rust user has: anyhow's, boxed, strings, their own with a chosen code.
use extension_core::prelude::*;

#[json_function]
fn with_anyhow(options: Value) -> anyhow::Result<Value> {
    let n: u32 = options["n"].as_str().unwrap_or("x").parse()?;
    Ok(json!(n))
}

#[json_function]
fn with_box(options: Value) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
    let n: u32 = options["n"].as_str().unwrap_or("x").parse()?;
    Ok(json!(n))
}

#[json_function]
fn with_string(_options: Value) -> Result<Value, String> {
    Err("no".to_owned())
}

#[json_function]
async fn with_str(_options: Value) -> Result<Value, &'static str> {
    Err("no")
}

#[derive(Debug, thiserror::Error, ErrorCode)]
enum LookupError {
    #[error("no customer {0}")]
    #[code = "not_found"]
    NotFound(String),
    #[error("offline")]
    Offline,
}

#[derive(Debug, thiserror::Error)]
#[error("quota")]
struct Quota;

impl ErrorCode for Quota {
    fn code(&self) -> std::borrow::Cow<'static, str> {
        "quota".into()
    }
}
extension_core::register_error_code!(Quota);

#[pre_save_page]
fn with_own(_options: PreSavePageOptions) -> Result<PreSavePageResponse, LookupError> {
    Err(LookupError::NotFound("c1".into()))
}

#[pre_save_page]
fn with_question_mark(_options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Err(Quota)?;
    Err(LookupError::Offline)?;
    Ok(PreSavePageResponse::default())
}

fn main() {
    assert_eq!(LookupError::Offline.code(), "LookupError");
    assert_eq!(ExtensionError::from(Quota).code(), "quota");
}
