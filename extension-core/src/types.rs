//! Building blocks shared by every kind's options and responses.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A record type: what a page's `data` array holds. `serde_json::Value` by default; any
/// serde type of your own works too.
pub trait Record: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Record for T {}

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
