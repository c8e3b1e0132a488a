//! Building blocks shared by every kind's options and responses.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

pub use crate::members::MemberOrder;

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

/// A record's id in another application, as integrator.io and JavaScript functions write
/// it: a string or a number, kept as it came (`42` goes back `42`, `"42"` goes back `"42"`).
/// Build one from either: `ImportResult::ok(8)`, `ImportResult::ok("row-8")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum RecordId {
    /// An id written as a string.
    Text(String),
    /// An id written as a number.
    Number(serde_json::Number),
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Id;
        impl serde::de::Visitor<'_> for Id {
            type Value = RecordId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RecordId, E> {
                Ok(RecordId::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<RecordId, E> {
                Ok(RecordId::Text(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RecordId, E> {
                Ok(RecordId::Number(v.into()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RecordId, E> {
                Ok(RecordId::Number(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RecordId, E> {
                // Beyond f64 (`1e400`) JavaScript holds Infinity, which it writes as null.
                serde_json::Number::from_f64(v)
                    .map(RecordId::Number)
                    .ok_or_else(|| E::custom("an id that is not a finite number"))
            }
        }
        deserializer.deserialize_any(Id)
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordId::Text(text) => f.write_str(text),
            RecordId::Number(n) => write!(f, "{n}"),
        }
    }
}

impl From<String> for RecordId {
    fn from(text: String) -> Self {
        RecordId::Text(text)
    }
}

impl From<&str> for RecordId {
    fn from(text: &str) -> Self {
        RecordId::Text(text.to_owned())
    }
}

macro_rules! record_id_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for RecordId {
            fn from(n: $t) -> Self {
                RecordId::Number(n.into())
            }
        }
    )*};
}
record_id_from_integer!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl PartialEq<str> for RecordId {
    fn eq(&self, other: &str) -> bool {
        matches!(self, RecordId::Text(text) if text == other)
    }
}

impl PartialEq<&str> for RecordId {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// An error attached to a record or a page: `{code, message, source}` (plus `retryDataKey`
/// on preSavePage errors). Unknown members are kept, and an error echoed goes back with its
/// members in the order they came.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename_all = "camelCase"))]
pub struct RecordError {
    /// Machine-readable code (not written when empty: an error that came without one goes
    /// back without one).
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "String::is_empty")
    )]
    pub code: String,
    /// Human-readable message (not written when empty, as `code`).
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "String::is_empty")
    )]
    pub message: String,
    /// Where the error comes from (for example the application's name).
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub source: Option<String>,
    /// Key into the page's `retryData` for the record this error belongs to.
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub retry_data_key: Option<String>,
    /// Members the documentation does not list.
    #[cfg_attr(feature = "schema", schemars(flatten))]
    pub extra: Extra,
    /// The order the members came in (none for an error built in code).
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub order: MemberOrder,
}

crate::members::echoed_members!(RecordError, "an error object" {
    0 => code: "code", skip if String::is_empty;
    1 => message: "message", skip if String::is_empty;
    2 => source: "source", skip if Option::is_none;
    3 => retry_data_key: "retryDataKey", skip if Option::is_none;
});

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
