//! Options and responses of the wrappers ([protocol](crate::protocol) section 8.2): a custom connection's
//! ping, export and import.

use crate::error::ErrorItem;
use crate::json::Record;
use crate::types::{BearerToken, Extra, RecordId, RecordType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The secret half of a wrapper connection (`connection.encrypted`). Its `Debug` output is
/// redacted so that logging the options never leaks it; read it with [`Encrypted::expose`].
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Encrypted(Map<String, Value>);

impl Encrypted {
    /// Wraps secret fields.
    pub fn new(fields: Map<String, Value>) -> Self {
        Encrypted(fields)
    }

    /// The secret fields (a password, an API key, ...).
    pub fn expose(&self) -> &Map<String, Value> {
        &self.0
    }

    /// One secret field.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }
}

impl fmt::Debug for Encrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encrypted(<{} redacted field(s)>)", self.0.len())
    }
}

/// A wrapper connection as saved in integrator.io.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Connection {
    /// Secret fields (redacted in `Debug`).
    #[serde(default)]
    pub encrypted: Encrypted,
    /// Plain fields: host, port, user, ...
    #[serde(default)]
    pub unencrypted: Map<String, Value>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Options of a wrapper `ping`: does the connection work?
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingOptions {
    /// The connection to check.
    #[serde(default)]
    pub connection: Connection,
    /// The export, when pinging from an export.
    #[serde(rename = "_exportId", default, skip_serializing_if = "Option::is_none")]
    pub export_id: Option<String>,
    /// The import, when pinging from an import.
    #[serde(rename = "_importId", default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
    /// Single-use token for integrator.io's API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<BearerToken>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Response of a wrapper `ping`: `{statusCode: 200}` or `{statusCode: 401, errors}`.
/// Returning an error instead fails the whole call, not just the check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingResponse {
    /// 200 when the connection works, 401 when it does not.
    pub status_code: u16,
    /// Why it does not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorItem>,
}

impl PingResponse {
    /// The connection works.
    pub fn ok() -> Self {
        PingResponse {
            status_code: 200,
            errors: Vec::new(),
        }
    }

    /// The connection does not work, and why.
    pub fn unauthorized(code: impl Into<String>, message: impl Into<String>) -> Self {
        PingResponse {
            status_code: 401,
            errors: vec![ErrorItem::new(code, message)],
        }
    }
}

/// Which records a wrapper export is asked for (`type`; absent means everything).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportType {
    /// Records changed since `delta.lastExecutionTime`.
    Delta,
    /// Records whose `once.booleanField` is not yet set.
    Once,
    /// A sample of at most `test.limit` records.
    Test,
}

/// `delta` of a delta export.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Delta {
    /// The field holding each record's modification time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_field: Option<String>,
    /// Last run, in epoch milliseconds (not converted by the host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_execution_time: Option<i64>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `once` of a once export.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Once {
    /// The field to set on each exported record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_field: Option<String>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `test` of a test export.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestExport {
    /// The most records to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A wrapper export's or import's options: the members of its own, then the ones both carry.
macro_rules! page_options {
    (
        $(#[$meta:meta])*
        pub struct $name:ident <$($g:ident = $default:ty),*> {
            $($own:tt)*
        }
        configuration: $configuration:literal
    ) => {
        $(#[$meta])*
        pub struct $name<$($g = $default),*> {
            /// The connection.
            #[serde(default)]
            pub connection: Connection,
            $($own)*
            /// The running flow.
            #[serde(rename = "_flowId", default, skip_serializing_if = "Option::is_none")]
            pub flow_id: Option<String>,
            /// The running integration.
            #[serde(rename = "_integrationId", default, skip_serializing_if = "Option::is_none")]
            pub integration_id: Option<String>,
            /// Custom settings in scope.
            #[serde(default, skip_serializing_if = "Value::is_null")]
            pub settings: Value,
            #[doc = $configuration]
            #[serde(default, skip_serializing_if = "Value::is_null")]
            pub configuration: Value,
            /// Single-use token for integrator.io's API.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub bearer_token: Option<BearerToken>,
            /// Members the documentation does not list.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl<$($g: RecordType),*> Default for $name<$($g),*> {
            /// The options an empty options object (`{}`) stands for.
            fn default() -> Self {
                crate::types::empty_options()
            }
        }

        impl $name {
            /// Reads options from JSON (a unit test's, say), saying which field did not fit.
            /// (With a record type of your own: `FromJson::from_json`.)
            pub fn from_json(json: Value) -> Result<Self, crate::types::JsonError> {
                <Self as crate::types::FromJson>::from_json(json)
            }
        }
    };
}

page_options! {
    /// Options of a wrapper `export`, called once per page. `S` is your paging state (what the
    /// previous call returned in `state`), `R` the record type of `data`, both JSON by default.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "S: RecordType, R: RecordType")]
    pub struct ExportOptions<S = Value, R = Record> {
        /// Which records: delta, once, test, or everything (`None`).
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        pub type_: Option<ExportType>,
        /// Delta exports only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delta: Option<Delta>,
        /// Once exports only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub once: Option<Once>,
        /// Test exports only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub test: Option<TestExport>,
        /// What the previous call returned in `state`; `None` on the first call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<S>,
        /// Page processors only: the records produced upstream.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub data: Option<Vec<R>>,
        /// The export.
        #[serde(rename = "_exportId", default, skip_serializing_if = "Option::is_none")]
        pub export_id: Option<String>,
    }
    configuration: "Free-form configuration of the export."
}

/// The options a wrapper export's response hands its state back to: the state goes out in
/// the response and comes back as `options.state` on the next call, so both name one type.
#[diagnostic::on_unimplemented(
    message = "the response hands back a state of type `{S}`, but the options take `{Self}`",
    label = "the state type here must be the options' state type",
    note = "a wrapper export's state goes out in its response and comes back as `options.state` on the next call: write the same type in `ExportOptions<S, _>` and `ExportResponse<S, _>`"
)]
#[doc(hidden)]
pub trait TakesState<S> {}

impl<S, R> TakesState<S> for ExportOptions<S, R> {}

/// Response of a wrapper `export`: one page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", bound = "S: RecordType, R: RecordType")]
pub struct ExportResponse<S = Value, R = Record> {
    /// This page's records.
    #[serde(default)]
    pub data: Vec<R>,
    /// Non-fatal export errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorItem>,
    /// True ends the export: no further calls.
    #[serde(default)]
    pub last_page: bool,
    /// Handed back as `options.state` on the next call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<S>,
    /// True marks the connection offline and stops the export.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub connection_offline: bool,
}

impl<S, R> Default for ExportResponse<S, R> {
    fn default() -> Self {
        ExportResponse {
            data: Vec::new(),
            errors: Vec::new(),
            last_page: false,
            state: None,
            connection_offline: false,
        }
    }
}

page_options! {
    /// Options of a wrapper `import`: one page of records to write.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct ImportOptions<R = Record> {
        /// Records before mapping.
        #[serde(default)]
        pub pre_map_data: Vec<Value>,
        /// Records after mapping: write these (the response has one element per record here).
        /// A record that does not fit `R` is not here: it is answered with its own error
        /// (`misfits = "fail_page"` on the attribute fails the call instead).
        #[serde(default, deserialize_with = "crate::isolate::records")]
        pub post_map_data: Vec<R>,
        /// The import.
        #[serde(rename = "_importId", default, skip_serializing_if = "Option::is_none")]
        pub import_id: Option<String>,
    }
    configuration: "Free-form configuration of the import."
}

/// What happened to one imported record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// 200 success (errors allowed: partial success), 401 authorisation or connection
    /// failure, 422 other failure.
    pub status_code: u16,
    /// Id of the record in the target application: a string or a number, written as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    /// The record was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<bool>,
    /// Errors for the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorItem>,
}

impl ImportResult {
    /// Written, with the target's id (a string or a number: `ok(8)`, `ok("row-8")`).
    pub fn ok(id: impl Into<RecordId>) -> Self {
        ImportResult {
            status_code: 200,
            id: Some(id.into()),
            ignored: None,
            errors: Vec::new(),
        }
    }

    /// Skipped on purpose.
    pub fn ignored() -> Self {
        ImportResult {
            status_code: 200,
            id: None,
            ignored: Some(true),
            errors: Vec::new(),
        }
    }

    /// Failed (422) with an error.
    pub fn failed(code: impl Into<String>, message: impl Into<String>) -> Self {
        ImportResult {
            status_code: 422,
            id: None,
            ignored: None,
            errors: vec![ErrorItem::new(code, message)],
        }
    }
}

/// Response of a wrapper `import`: one [`ImportResult`] per record of `postMapData`.
pub type ImportResponse = Vec<ImportResult>;
