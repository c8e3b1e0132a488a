//! Building blocks shared by every kind's options and responses.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A record type: what a page's `data` array holds. [`Record`](crate::Record) by default;
/// `serde_json::Value` and any serde type of your own work too.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a record type: it must be read from and written to JSON",
    label = "used as a record type here",
    note = "derive serde's traits for it: `#[derive(serde::Serialize, serde::Deserialize)]` (records are read from the options and written back in the response; it must also be `Send`)"
)]
pub trait RecordType: Serialize + DeserializeOwned + Send + 'static {}

#[diagnostic::do_not_recommend]
impl<T: Serialize + DeserializeOwned + Send + 'static> RecordType for T {}

/// The options an empty options object (`{}`) stands for: every options type's `Default`.
pub(crate) fn empty_options<T: DeserializeOwned>() -> T {
    // Every member of an options type has a default (a test reads `{}` for every kind).
    serde_json::from_str("{}").expect("an options type reads `{}`")
}

/// Reads a value of a serde type from JSON, saying which field did not fit: options for a
/// unit test, say (`PreMapOptions::from_json(json!({"data": [..]}))?`).
pub trait FromJson: DeserializeOwned {
    /// The value `json` stands for, or which field did not fit and why.
    fn from_json(json: Value) -> Result<Self, JsonError>;
}

impl<T: DeserializeOwned> FromJson for T {
    fn from_json(json: Value) -> Result<Self, JsonError> {
        serde_path_to_error::deserialize(json).map_err(|e| JsonError {
            path: e.path().to_string(),
            message: e.into_inner().to_string(),
        })
    }
}

/// Why JSON does not fit a type: the field's path (`data[3].id`, `.` for the value itself)
/// and serde's reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if path == "." { "the value".to_owned() } else { format!("field `{path}`") })]
pub struct JsonError {
    /// Where: `data[3].id`, or `.` for the whole value.
    pub path: String,
    /// What: serde's message.
    pub message: String,
}

/// Option members the documentation does not list, kept as sent.
pub type Extra = Map<String, Value>;

/// A secret sent by integrator.io (the single-use `bearerToken`). Its `Debug` output is
/// redacted so that logging the options never leaks it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct BearerToken(String);

impl BearerToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }

    /// The token itself, to put in an `Authorization` header towards integrator.io.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// An error attached to a record or a page: `{code, message, source}` (plus `retryDataKey`
/// on preSavePage errors). Unknown members are kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordError {
    /// Machine-readable code.
    #[serde(default)]
    pub code: String,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Where the error comes from (for example the application's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Key into the page's `retryData` for the record this error belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_data_key: Option<String>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RecordError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        RecordError {
            code: code.into(),
            message: message.into(),
            ..Default::default()
        }
    }

    /// The same error with a `source`.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }
}

/// Wraps any serialisable value as the result of a `#[json_function]`:
/// `Ok(Json(my_struct))`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
