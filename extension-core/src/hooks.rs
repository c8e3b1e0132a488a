//! Options and responses of the hooks ([protocol](crate::protocol) section 8.1).
//!
//! Every options type keeps the members the documentation does not list in `extra`, takes
//! every id as an optional string, and has `settings` / `configuration` as JSON values
//! (`null` when absent). Records are [`Record`]s (their text, decoded as touched) unless you pick a type
//! of your own (`serde_json::Value` or a serde type).

use crate::json::Record;
use crate::time::ExportTime;
use crate::types::{BearerToken, Extra, MemberOrder, RecordError, RecordId, RecordType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Declares a hook's options: its own members, then the members every hook shares (flow
/// and integration ids, `settings`, `testMode`, `bearerToken`) and `extra`.
macro_rules! hook_options {
    // An import's hooks also carry the import, its connection and its 1.0 configuration.
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$g:ident = $default:ty>)? { $($own:tt)* }
        on import
    ) => {
        hook_options! {
            $(#[$meta])*
            pub struct $name $(<$g = $default>)? {
                $($own)*
                /// The import.
                #[serde(rename = "_importId", default, skip_serializing_if = "Option::is_none")]
                pub import_id: Option<String>,
                /// The import's connection.
                #[serde(rename = "_connectionId", default, skip_serializing_if = "Option::is_none")]
                pub connection_id: Option<String>,
                /// Free-form configuration of the import (1.0).
                #[serde(default, skip_serializing_if = "Value::is_null")]
                pub configuration: Value,
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$g:ident = $default:ty>)? { $($own:tt)* }
    ) => {
        $(#[$meta])*
        pub struct $name $(<$g = $default>)? {
            $($own)*
            /// The running flow.
            #[serde(rename = "_flowId", default, skip_serializing_if = "Option::is_none")]
            pub flow_id: Option<String>,
            /// The running integration.
            #[serde(rename = "_integrationId", default, skip_serializing_if = "Option::is_none")]
            pub integration_id: Option<String>,
            /// The parent of the running integration.
            #[serde(rename = "_parentIntegrationId", default, skip_serializing_if = "Option::is_none")]
            pub parent_integration_id: Option<String>,
            /// Custom settings in scope.
            #[serde(default, skip_serializing_if = "Value::is_null")]
            pub settings: Value,
            /// True in test mode and preview runs.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub test_mode: Option<bool>,
            /// Single-use token for integrator.io's API on behalf of this run.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub bearer_token: Option<BearerToken>,
            /// Members the documentation does not list.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl$(<$g: RecordType>)? Default for $name$(<$g>)? {
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

/// `retryData` entry of a preSavePage page: what integrator.io can retry for one error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RetryData {
    /// The record to retry.
    #[serde(default)]
    pub data: Value,
    /// The flow stage the record failed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Trace key of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_key: Option<String>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

hook_options! {
    /// Options of a `preSavePage` hook: one page an export produced, before it is saved.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct PreSavePageOptions<R = Record> {
        /// The page of records.
        /// A record that does not fit `R` is not here: it is answered with its own error
        /// (`misfits = "fail_page"` on the attribute fails the call instead).
        #[serde(default, deserialize_with = "crate::isolate::records")]
        pub data: Vec<R>,
        /// Errors collected so far for the page.
        #[serde(default)]
        pub errors: Vec<RecordError>,
        /// File exports only: source file metadata, `files[i]` for `data[i]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub files: Option<Vec<Value>>,
        /// `retryDataKey` → the data integrator.io can retry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub retry_data: Option<std::collections::BTreeMap<String, RetryData>>,
        /// 0-based index of the page within the run.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub page_index: Option<u64>,
        /// Delta exports only: the previous run's time (section 3.5).
        #[serde(
            default,
            deserialize_with = "crate::time::deserialize_optional",
            skip_serializing_if = "Option::is_none"
        )]
        pub last_export_date_time: Option<ExportTime>,
        /// Delta exports only: this run's time (section 3.5).
        #[serde(
            default,
            deserialize_with = "crate::time::deserialize_optional",
            skip_serializing_if = "Option::is_none"
        )]
        pub current_export_date_time: Option<ExportTime>,
        /// The export that produced the page.
        #[serde(rename = "_exportId", default, skip_serializing_if = "Option::is_none")]
        pub export_id: Option<String>,
        /// The export's connection.
        #[serde(
            rename = "_connectionId",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub connection_id: Option<String>,
        /// Free-form configuration of the export (1.0).
        #[serde(default, skip_serializing_if = "Value::is_null")]
        pub configuration: Value,
        /// True when the UI is only sampling data (1.0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preview: Option<bool>,
    }
}

/// A new error tied to data integrator.io can retry (preSavePage `newErrorsAndRetryData`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewErrorAndRetryData {
    /// The record to retry (kept as its text, as a page's records are).
    #[serde(default)]
    pub retry_data: Record,
    /// Its errors.
    #[serde(default)]
    pub errors: Vec<RecordError>,
}

/// Response of a `preSavePage` hook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", bound = "R: RecordType")]
pub struct PreSavePageResponse<R = Record> {
    /// The (modified) page.
    #[serde(default)]
    pub data: Vec<R>,
    /// The (modified) errors.
    #[serde(default)]
    pub errors: Vec<RecordError>,
    /// Stop the export from producing further pages.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abort: bool,
    /// New errors tied to retryable data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_errors_and_retry_data: Vec<NewErrorAndRetryData>,
}

impl<R> Default for PreSavePageResponse<R> {
    fn default() -> Self {
        PreSavePageResponse {
            data: Vec::new(),
            errors: Vec::new(),
            abort: false,
            new_errors_and_retry_data: Vec::new(),
        }
    }
}

/// What to do with one record, answered by preMap and postMap: keep it (possibly changed),
/// fail it, keep it and log errors, or ignore it (`{}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(bound = "R: RecordType")]
pub struct MapResult<R = Record> {
    /// The record to continue with; `None` with no errors ignores the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<R>,
    /// Errors for the record: with `data` they are only logged, without it the record fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RecordError>,
}

impl<R> MapResult<R> {
    /// Continue with this record.
    pub fn keep(record: R) -> Self {
        MapResult {
            data: Some(record),
            errors: Vec::new(),
        }
    }

    /// The record fails with these errors.
    pub fn fail(errors: Vec<RecordError>) -> Self {
        MapResult { data: None, errors }
    }

    /// Ignore the record (`{}` on the wire).
    pub fn ignore() -> Self {
        MapResult {
            data: None,
            errors: Vec::new(),
        }
    }
}

/// Response of a preMap hook: one [`MapResult`] per record of `options.data`.
pub type PreMapResponse<R = Record> = Vec<MapResult<R>>;
/// Response of a postMap hook: one [`MapResult`] per record of `options.post_map_data`.
pub type PostMapResponse<R = Record> = Vec<MapResult<R>>;

hook_options! {
    /// Options of a `preMap` hook: records before mapping, on an import.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct PreMapOptions<R = Record> {
        /// Records before mapping.
        /// A record that does not fit `R` is not here: it is answered with its own error
        /// (`misfits = "fail_page"` on the attribute fails the call instead).
        #[serde(default, deserialize_with = "crate::isolate::records")]
        pub data: Vec<R>,
    }
    on import
}

hook_options! {
    /// Options of a `postMap` hook: records before and after mapping, on an import.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct PostMapOptions<R = Record> {
        /// Records before mapping.
        #[serde(default)]
        pub pre_map_data: Vec<Value>,
        /// Records after mapping (the response has one element per record here).
        /// A record that does not fit `R` is not here: it is answered with its own error
        /// (`misfits = "fail_page"` on the attribute fails the call instead).
        #[serde(default, deserialize_with = "crate::isolate::records")]
        pub post_map_data: Vec<R>,
    }
    on import
}

/// What the import application answered for one record (postSubmit / postResponseMap). An
/// entry echoed goes back with its members in the order they came, unknown ones included.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename_all = "camelCase"))]
pub struct ResponseData {
    /// 200 success, 422 data error, 401/403 connection offline.
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub status_code: Option<u16>,
    /// Errors for the record (always written: integrator.io sends `errors: []` for a record
    /// without any, and the entry goes back as it came).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub errors: Vec<RecordError>,
    /// The record was filtered or skipped.
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub ignored: Option<bool>,
    /// Id the import application returned, a string or a number as it came.
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<RecordId>,
    /// The import application's full response for the record.
    #[cfg_attr(
        feature = "schema",
        schemars(rename = "_json", default, skip_serializing_if = "Option::is_none")
    )]
    pub json: Option<Value>,
    /// Link to the record in the target application (errored records, when available).
    #[cfg_attr(
        feature = "schema",
        schemars(rename = "dataURI", default, skip_serializing_if = "Option::is_none")
    )]
    pub data_uri: Option<String>,
    /// Records an export returned (postResponseMap on exports).
    #[cfg_attr(
        feature = "schema",
        schemars(default, skip_serializing_if = "Option::is_none")
    )]
    pub data: Option<Value>,
    /// Members the documentation does not list.
    #[cfg_attr(feature = "schema", schemars(flatten))]
    pub extra: Extra,
    /// The order the members came in (none for an entry built in code).
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub order: MemberOrder,
}

crate::members::echoed_members!(ResponseData, "a responseData entry" {
    0 => status_code: "statusCode", skip if Option::is_none;
    1 => errors: "errors";
    2 => ignored: "ignored", skip if Option::is_none;
    3 => id: "id", skip if Option::is_none;
    4 => json: "_json", skip if Option::is_none;
    5 => data_uri: "dataURI", skip if Option::is_none;
    6 => data: "data", skip if Option::is_none;
});

/// Response of a postSubmit hook: the `responseData` array, one element per record.
pub type PostSubmitResponse = Vec<ResponseData>;

hook_options! {
    /// Options of a `postSubmit` hook: what the import application answered.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct PostSubmitOptions<R = Record> {
        /// Records before mapping.
        #[serde(default)]
        pub pre_map_data: Vec<Value>,
        /// Records after mapping, as sent to the application.
        /// A record that does not fit `R` is not here: it is answered with its own error
        /// (`misfits = "fail_page"` on the attribute fails the call instead).
        #[serde(default, deserialize_with = "crate::isolate::records")]
        pub post_map_data: Vec<R>,
        /// The application's answer per record (the response has one element per record here).
        #[serde(default)]
        pub response_data: Vec<ResponseData>,
    }
    on import
}

/// Response of a postResponseMap hook: the `postResponseMapData` array, same length.
pub type PostResponseMapResponse<R = Record> = Vec<R>;

hook_options! {
    /// Options of a `postResponseMap` hook (2.0): records after response mapping.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase", bound = "R: RecordType")]
    pub struct PostResponseMapOptions<R = Record> {
        /// Records after response mapping (the response has one element per record here).
        #[serde(default)]
        pub post_response_map_data: Vec<R>,
        /// The application's answer per record.
        #[serde(default)]
        pub response_data: Vec<ResponseData>,
        /// As configured on the resource.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub one_to_many: Option<bool>,
        /// As configured on the resource.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub path_to_many: Option<String>,
        /// The export, when the hook runs on an export.
        #[serde(rename = "_exportId", default, skip_serializing_if = "Option::is_none")]
        pub export_id: Option<String>,
        /// The import, when the hook runs on an import.
        #[serde(rename = "_importId", default, skip_serializing_if = "Option::is_none")]
        pub import_id: Option<String>,
        /// The resource's connection.
        #[serde(
            rename = "_connectionId",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub connection_id: Option<String>,
    }
}

/// Outcome of delivering an aggregated file (postAggregate `postAggregateData`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PostAggregateData {
    /// Whether the transfer succeeded.
    #[serde(default)]
    pub success: bool,
    /// Details of the transfer, for example the file name.
    #[serde(rename = "_json", default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// Error code, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Error message, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Error source, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Members the documentation does not list.
    #[serde(flatten)]
    pub extra: Extra,
}

hook_options! {
    /// Options of a `postAggregate` hook: after an aggregated file was delivered (read-only).
    /// It answers nothing: its functions return `Result<(), E>`.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase")]
    pub struct PostAggregateOptions {
        /// What happened to the file.
        #[serde(default)]
        pub post_aggregate_data: PostAggregateData,
    }
    on import
}
