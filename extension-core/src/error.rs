//! The one error type a function reports, and the wire shape of errors.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// An error an extension function reports: integrator.io receives it as `{code, message}`.
///
/// Any [`std::error::Error`] converts into it, so `?` just works inside a function returning
/// `Result<_, ExtensionError>`; the code is then the one the error's type chooses
/// ([`ErrorCode`](crate::ErrorCode)), `SyntaxError` for JSON that does not parse (as
/// `JSON.parse` throws), Node's `ENOENT`-style codes for I/O errors, or else the error's type
/// name (the Rust counterpart of a JavaScript error's `name`). Use [`ExtensionError::new`],
/// [`ExtensionError::with_code`] or [`ResultExt::code`] to choose the code at the call site.
///
/// It deliberately does not implement `std::error::Error` itself: that is what lets every
/// other error convert into it.
#[derive(Clone, PartialEq, Eq)]
pub struct ExtensionError {
    code: Cow<'static, str>,
    message: Cow<'static, str>,
}

impl ExtensionError {
    /// An error with an explicit `code` and `message`.
    pub fn new(code: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        ExtensionError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The same error under another code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        self.code = code.into();
        self
    }

    /// The machine-readable code (`code` on the wire).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human-readable message (`message` on the wire).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Converts any error, taking its `Display` as the message and its code as described
    /// above.
    pub fn from_error<E: std::error::Error + 'static>(error: &E) -> Self {
        let code = crate::codes::resolve(error, crate::codes::short_type_name::<E>());
        ExtensionError::new(code, error.to_string())
    }

    /// Converts a boxed error (`Box<dyn Error + Send + Sync>`, which Rust does not let a
    /// blanket `From` cover): `.map_err(ExtensionError::from_boxed)?`.
    pub fn from_boxed(error: Box<dyn std::error::Error + Send + Sync>) -> Self {
        error.into_extension_error()
    }

    /// The wire form of this error. An empty code becomes `Error`, as Node falls back from
    /// a falsy `err.code` to `err.name`.
    pub fn to_item(&self) -> ErrorItem {
        let code = if self.code.is_empty() {
            "Error"
        } else {
            &self.code
        };
        ErrorItem {
            code: code.to_owned(),
            message: self.message.to_string(),
        }
    }
}

impl<E: std::error::Error + 'static> From<E> for ExtensionError {
    fn from(error: E) -> Self {
        ExtensionError::from_error(&error)
    }
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl fmt::Debug for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtensionError")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl Serialize for ExtensionError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_item().serialize(serializer)
    }
}

/// An error type a function may return: [`ExtensionError`], `anyhow::Error`,
/// `Box<dyn Error + Send + Sync>`, `String`, `&'static str`, or any `std::error::Error + Send +
/// Sync` (its code as [`ExtensionError`] says).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error type of an extension function",
    label = "expected an error type here",
    note = "return `ExtensionError`, `anyhow::Error`, `Box<dyn std::error::Error + Send + Sync>`, `String` or `&'static str`, or a type of yours that implements `std::error::Error + Send + Sync` (for example with `thiserror`); a type of another crate that implements none of these converts with `.map_err(|e| ExtensionError::new(\"my_code\", e.to_string()))`"
)]
pub trait IntoExtensionError: 'static {
    /// Converts into the error integrator.io receives.
    fn into_extension_error(self) -> ExtensionError;
}

impl IntoExtensionError for ExtensionError {
    fn into_extension_error(self) -> ExtensionError {
        self
    }
}

/// Everything Rust lets become a `Box<dyn Error + Send + Sync>`: error types, `String`,
/// `&str`, the box itself, and `anyhow::Error`, whose box holds the error it was made from.
#[diagnostic::do_not_recommend]
impl<E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static> IntoExtensionError for E {
    fn into_extension_error(self) -> ExtensionError {
        // anyhow's box hides the type of the error it holds; the error itself does not.
        #[cfg(feature = "anyhow")]
        if let Some(error) = (&self as &dyn std::any::Any).downcast_ref::<anyhow::Error>() {
            let inner: &(dyn std::error::Error + Send + Sync + 'static) = error.as_ref();
            let code = crate::codes::resolve(inner, "Error");
            return ExtensionError::new(code, error.to_string());
        }
        let name = crate::codes::short_type_name::<E>();
        let boxed: Box<dyn std::error::Error + Send + Sync> = self.into();
        let code = crate::codes::resolve(&*boxed, name);
        ExtensionError::new(code, boxed.to_string())
    }
}

/// Sets the error code of a failing `Result` on the way out: `parse(x).code("bad_input")?`.
pub trait ResultExt<T> {
    /// Converts the error into an [`ExtensionError`] with this code.
    fn code(self, code: impl Into<Cow<'static, str>>) -> Result<T, ExtensionError>;
}

impl<T, E: Into<ExtensionError>> ResultExt<T> for Result<T, E> {
    fn code(self, code: impl Into<Cow<'static, str>>) -> Result<T, ExtensionError> {
        self.map_err(|e| e.into().with_code(code))
    }
}

/// One element of an `errors` array on the wire: exactly `code` and `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorItem {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl ErrorItem {
    /// An error item from static texts (the protocol's fixed errors).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorItem {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A failed call as integrator.io sees it: a status (always 422 from the dispatcher) and
/// the errors, serialised as `{"statusCode":422,"errors":[...]}` (the Lambda encoding).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// HTTP status of the failure.
    pub status_code: u16,
    /// The errors, in the order they were found.
    pub errors: Vec<ErrorItem>,
}

impl Failure {
    /// A 422 failure carrying `errors`.
    pub fn unprocessable(errors: Vec<ErrorItem>) -> Self {
        Failure {
            status_code: 422,
            errors,
        }
    }

    /// A 422 failure with a single error.
    pub fn single(code: impl Into<String>, message: impl Into<String>) -> Self {
        Failure::unprocessable(vec![ErrorItem::new(code, message)])
    }
}

impl From<ExtensionError> for Failure {
    fn from(error: ExtensionError) -> Self {
        Failure::unprocessable(vec![error.to_item()])
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.code, e.message)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum MyError {
        #[error("record {0} has no id")]
        NoId(usize),
    }

    fn fails() -> Result<(), ExtensionError> {
        Err(MyError::NoId(3))?;
        Ok(())
    }

    #[test]
    fn question_mark_converts_any_error_with_its_type_name() {
        let e = fails().unwrap_err();
        assert_eq!(e.code(), "MyError");
        assert_eq!(e.message(), "record 3 has no id");
        let e: ExtensionError = "x".parse::<u8>().unwrap_err().into();
        assert_eq!(e.code(), "ParseIntError");
    }

    #[test]
    fn code_can_be_set_explicitly() {
        let r: Result<u8, _> = "x".parse::<u8>();
        let e = r.code("bad_number").unwrap_err();
        assert_eq!(
            e.to_item(),
            ErrorItem::new("bad_number", "invalid digit found in string")
        );
    }

    #[test]
    fn an_empty_code_falls_back_to_error() {
        assert_eq!(
            ExtensionError::new("", "m").to_item(),
            ErrorItem::new("Error", "m")
        );
    }

    #[test]
    fn failure_encodings() {
        let f = Failure::single("c1", "m1");
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"statusCode":422,"errors":[{"code":"c1","message":"m1"}]}"#
        );
    }
}
