//! JSON Schemas (draft 2020-12) of every kind's options and response, derived from the types
//! themselves (schemars, reading their serde attributes), so that a schema cannot drift from
//! what the typed options accept. Members the documentation does not list are allowed (and
//! kept); free-form kinds accept any JSON; kinds that answer no value have the schema `false`.
//!
//! The files under `schemas/` in the repository are these, one pair per kind, named after
//! the attribute (`pre_save_page.options.json`).

use crate::kinds::FunctionKind;
pub use schemars::Schema;

/// The schema of a kind's options.
pub fn options(kind: FunctionKind) -> Schema {
    kind.options_schema()
}

/// The schema of a kind's response (`false` when it answers no value).
pub fn response(kind: FunctionKind) -> Schema {
    kind.response_schema()
}

/// Checks that `options` (JSON text) decodes into the kind's options type; the error names
/// the field that did not fit.
pub fn check_options(kind: FunctionKind, options: &str) -> Result<(), String> {
    kind.check_options(options)
}
