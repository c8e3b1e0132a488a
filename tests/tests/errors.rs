//! Any error type a Rust user has: `ExtensionError`, `anyhow::Error`, `Box<dyn Error>`,
//! `String`, `&'static str` and their own, with the code each gives on the wire: the one the
//! type chooses (`ErrorCode`), JavaScript's for JSON and I/O errors, else the type's name.

mod common;

use common::*;
use extension_core::prelude::*;

#[derive(Debug, thiserror::Error, ErrorCode)]
#[code = "lookup_failed"]
enum LookupError {
    #[error("no customer {0}")]
    #[code = "not_found"]
    NotFound(String),
    #[error("the database is unreachable")]
    Offline,
}

/// An error type with a hand-written code, registered.
#[derive(Debug, thiserror::Error)]
#[error("quota of {0} calls used up")]
struct Quota(u32);

impl ErrorCode for Quota {
    fn code(&self) -> std::borrow::Cow<'static, str> {
        format!("quota_{}", self.0).into()
    }
}
extension_core::register_error_code!(Quota);

/// An error type of the user's that chooses nothing: its name is its code.
#[derive(Debug, thiserror::Error)]
#[error("plain trouble")]
struct PlainTrouble;

fn fail(which: &str) -> anyhow::Result<()> {
    match which {
        "number" => {
            "x".parse::<u32>()?;
        }
        "json" => {
            extension_core::serde_json::from_str::<Value>("{oops")?;
        }
        "missing" => {
            std::fs::read("/definitely/not/here")?;
        }
        "notFound" => Err(LookupError::NotFound("c7".into()))?,
        "offline" => Err(LookupError::Offline)?,
        "quota" => Err(Quota(100))?,
        "plain" => Err(PlainTrouble)?,
        "context" => {
            let e: Result<(), LookupError> = Err(LookupError::Offline);
            anyhow::Context::context(e, "while enriching the page")?;
        }
        _ => anyhow::bail!("bad request"),
    }
    Ok(())
}

#[json_function(name = "withAnyhow")]
fn with_anyhow(options: Value) -> anyhow::Result<Value> {
    fail(options["fail"].as_str().unwrap_or(""))?;
    Ok(Value::Null)
}

#[json_function(name = "withExtensionError")]
fn with_extension_error(options: Value) -> Result<Value, ExtensionError> {
    match options["fail"].as_str().unwrap_or("") {
        "number" => {
            "x".parse::<u32>()?;
        }
        "json" => {
            extension_core::serde_json::from_str::<Value>("{oops")?;
        }
        "typed" => {
            extension_core::serde_json::from_value::<u32>(json!("five"))?;
        }
        "missing" => {
            std::fs::read("/definitely/not/here")?;
        }
        "notFound" => Err(LookupError::NotFound("c7".into()))?,
        "plain" => Err(PlainTrouble)?,
        _ => {}
    }
    Ok(Value::Null)
}

#[json_function(name = "withBox")]
fn with_box(options: Value) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
    if options["fail"] == "quota" {
        return Err(Box::new(Quota(7)));
    }
    "x".parse::<u32>()?;
    Ok(Value::Null)
}

#[json_function(name = "withString")]
fn with_string(_options: Value) -> Result<Value, String> {
    Err(format!("{} is not allowed", 42))
}

#[json_function(name = "withStr")]
async fn with_str(_options: Value) -> Result<Value, &'static str> {
    Err("never on Sundays")
}

#[json_function(name = "withOwnType")]
fn with_own_type(options: Value) -> Result<Value, LookupError> {
    Err(LookupError::NotFound(
        options["id"].as_str().unwrap_or("?").to_owned(),
    ))
}

fn code_and_message(function: &str, fail: &str) -> (String, String) {
    let answer = call(
        &diy(),
        &json!({"diy": true, "function": function, "options": {"fail": fail, "id": "c9"}}),
    );
    let Err((422, errors)) = answer else {
        panic!("{function}/{fail}: {answer:?}")
    };
    errors.into_iter().next().unwrap()
}

fn code(function: &str, fail: &str) -> String {
    code_and_message(function, fail).0
}

#[test]
fn anyhow_errors_keep_the_code_of_the_error_they_carry() {
    assert_eq!(code("withAnyhow", "json"), "SyntaxError");
    assert_eq!(code("withAnyhow", "missing"), "ENOENT");
    assert_eq!(code("withAnyhow", "notFound"), "not_found");
    assert_eq!(code("withAnyhow", "offline"), "lookup_failed");
    assert_eq!(code("withAnyhow", "quota"), "quota_100");
    assert_eq!(
        code_and_message("withAnyhow", "context"),
        ("lookup_failed".into(), "while enriching the page".into())
    );
    // An error that chooses nothing and travels as anyhow's has no name left: `Error`, as a
    // JavaScript `Error`.
    assert_eq!(code("withAnyhow", "number"), "Error");
    assert_eq!(code("withAnyhow", "plain"), "Error");
    assert_eq!(
        code_and_message("withAnyhow", "bail"),
        ("Error".into(), "bad request".into())
    );
}

#[test]
fn question_mark_into_extension_error_keeps_type_names_and_chosen_codes() {
    assert_eq!(code("withExtensionError", "number"), "ParseIntError");
    assert_eq!(code("withExtensionError", "json"), "SyntaxError");
    assert_eq!(code("withExtensionError", "typed"), "TypeError");
    assert_eq!(code("withExtensionError", "missing"), "ENOENT");
    assert_eq!(code("withExtensionError", "notFound"), "not_found");
    assert_eq!(code("withExtensionError", "plain"), "PlainTrouble");
}

#[test]
fn boxes_strings_and_own_types() {
    assert_eq!(
        code_and_message("withBox", ""),
        ("Error".into(), "invalid digit found in string".into())
    );
    assert_eq!(code("withBox", "quota"), "quota_7");
    assert_eq!(
        code_and_message("withString", ""),
        ("Error".into(), "42 is not allowed".into())
    );
    assert_eq!(
        code_and_message("withStr", ""),
        ("Error".into(), "never on Sundays".into())
    );
    assert_eq!(
        code_and_message("withOwnType", ""),
        ("not_found".into(), "no customer c9".into())
    );
}
