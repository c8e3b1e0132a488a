//! The JSON Schemas of every kind's options and response, derived from the types: every
//! example payload validates (checked with the `jsonschema` crate), every wrong-shaped one
//! does not, the typed options accept the same examples, and the files under `schemas/` are
//! what `extension_core::schema` generates (regenerate them with
//! `UPDATE_SCHEMAS=1 cargo test -p extension-tests --test schemas`).

use extension_core::prelude::*;
use extension_core::schema;
use extension_core::serde_json;
use extension_core::FunctionKind as K;
use std::path::Path;

/// Validates `value` against `schema` with a maintained validator; the error says where.
fn validate(schema: &schema::Schema, value: &Value) -> Result<(), String> {
    let validator = jsonschema::validator_for(schema.as_value()).map_err(|e| e.to_string())?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// (kind, options example, response example or `None` for no value, wrong-shaped options).
fn examples() -> Vec<(K, Value, Option<Value>, Value)> {
    let connection = json!({"unencrypted": {"host": "db.example.com", "user": "ada"}, "encrypted": {"password": "s3cret"}});
    let integration = json!({"bearerToken": "t", "_integrationId": "5f1e0c0d3a2b1c0012345678", "opts": {"license": {"edition": "premium"}}});
    let error = json!({"code": "invalid_total", "message": "order o2 has no positive total", "source": "hook"});
    vec![
        (
            K::PreSavePage,
            json!({"data": [{"id": 1, "name": "ada"}], "errors": [{"code": "c", "message": "m", "source": "s", "retryDataKey": "k1"}],
                "files": [{"fileMeta": {"fileName": "a.csv"}}], "retryData": {"k1": {"data": {"id": 1}, "stage": "export", "traceKey": "t1"}},
                "_exportId": "e1", "_connectionId": "c1", "_flowId": "f1", "_integrationId": "i1", "_parentIntegrationId": "p1",
                "pageIndex": 0, "lastExportDateTime": "2026-11-28T10:00:00.000Z", "currentExportDateTime": 1764324000000_i64,
                "settings": {"a": 1}, "testMode": false, "bearerToken": "t", "preview": false, "configuration": {}}),
            Some(
                json!({"data": [{"id": 1, "name": "ADA"}], "errors": [], "abort": false,
                     "newErrorsAndRetryData": [{"retryData": {"id": 1}, "errors": [error]}]}),
            ),
            json!({"data": {"not": "an array"}}),
        ),
        (
            K::PreMap,
            json!({"data": [{"id": "o1"}, {"id": "o2"}], "_importId": "i1", "settings": {}, "testMode": true}),
            Some(json!([{"data": {"id": "o1"}}, {"errors": [error]}])),
            json!({"_importId": 5}),
        ),
        (
            K::PostMap,
            json!({"preMapData": [{"a": 1}], "postMapData": [{"A": 1}], "_importId": "i1"}),
            Some(json!([{"data": {"A": 1}, "errors": [error]}])),
            json!({"postMapData": "x"}),
        ),
        (
            K::PostSubmit,
            json!({"preMapData": [{}], "postMapData": [{}], "responseData": [{"statusCode": 422, "errors": [error], "ignored": false, "id": "x1", "_json": {}, "dataURI": "https://app.example.com/x1"}]}),
            Some(json!([{"statusCode": 422, "errors": [error]}])),
            json!({"responseData": [{"statusCode": "ok"}]}),
        ),
        (
            K::PostResponseMap,
            json!({"postResponseMapData": [{"a": 1}], "responseData": [{"statusCode": 200, "data": [{}]}], "oneToMany": false, "pathToMany": "lines"}),
            Some(json!([{"a": 1}])),
            json!({"oneToMany": "yes"}),
        ),
        (
            K::PostAggregate,
            json!({"postAggregateData": {"success": false, "_json": {"fileName": "orders.csv"}, "code": "ftp_error", "message": "Connection reset", "source": "ftp"}, "_importId": "i1"}),
            None,
            json!({"postAggregateData": {"success": "no"}}),
        ),
        (
            K::Ping,
            json!({"connection": connection, "_exportId": "e1", "bearerToken": "t"}),
            Some(
                json!({"statusCode": 401, "errors": [{"code": "bad_password", "message": "Wrong password."}]}),
            ),
            json!({"connection": {"encrypted": "s3cret"}}),
        ),
        (
            K::Export,
            json!({"connection": connection, "type": "delta", "delta": {"dateField": "updated", "lastExecutionTime": 1577836800000_i64},
                          "state": {"offset": 20}, "_exportId": "e1", "_flowId": "f1", "_integrationId": "i1", "settings": {}, "configuration": {}, "data": [{}]}),
            Some(
                json!({"data": [{"id": 21}], "errors": [], "lastPage": false, "state": {"offset": 21}, "connectionOffline": false}),
            ),
            json!({"type": "weekly"}),
        ),
        (
            K::Import,
            json!({"connection": connection, "preMapData": [{}, {}], "postMapData": [{"email": "a@x.io"}, {}], "_importId": "i1"}),
            Some(
                json!([{"statusCode": 200, "id": "c1"}, {"statusCode": 422, "errors": [{"code": "missing_email", "message": "No email."}]}]),
            ),
            json!({"postMapData": 5}),
        ),
        (
            K::Installer,
            {
                let mut o = integration.clone();
                o["_connectorId"] = json!("conn1");
                o
            },
            None,
            json!({"_connectorId": 5}),
        ),
        (
            K::IntegrationInstaller,
            integration.clone(),
            Some(
                json!({"success": true, "stepsToUpdate": [{"name": "Install", "completed": true}]}),
            ),
            json!({"_integrationId": []}),
        ),
        (
            K::Update,
            integration.clone(),
            None,
            json!({"bearerToken": 5}),
        ),
        (
            K::PreUninstall,
            integration.clone(),
            Some(json!({"success": true, "stepsToUpdate": []})),
            json!({"_integrationId": true}),
        ),
        (
            K::IntegrationUninstaller,
            integration.clone(),
            Some(json!({"success": false, "stepsToUpdate": []})),
            json!({"_integrationId": 1}),
        ),
        (
            K::Uninstaller,
            integration.clone(),
            None,
            json!({"bearerToken": {}}),
        ),
        (
            K::PersistSettings,
            {
                let mut o = integration.clone();
                o["pending"] = json!({"lookbackDays": 30});
                o
            },
            Some(json!({"success": true, "pending": {"lookbackDays": 30}})),
            json!({"pending": [1]}),
        ),
        (
            K::RefreshMetadata,
            integration.clone(),
            Some(json!({"name": "warehouse", "options": [["e", "East"]]})),
            json!({"_integrationId": {}}),
        ),
        (
            K::ChangeEdition,
            json!({"bearerToken": "t", "fromEdition": "standard", "toEdition": "premium", "integration": {}, "license": {}}),
            None,
            json!({"fromEdition": 3}),
        ),
        (
            K::MappingMetadata,
            json!({"bearerToken": "t", "_integrationId": "i1", "version": "1.2.0"}),
            Some(
                json!({"orders-import": [{"requiredGenerateFields": ["id"], "nonEditableGenerateFields": ["id"], "generateList": "lines"}]}),
            ),
            json!({"version": 1.2}),
        ),
        (
            K::Step,
            json!({"bearerToken": "t", "formSubmission": {"a": 1}, "_connectionId": "c1", "resource": {}, "parentResource": {}, "license": {}, "parentLicense": {}}),
            None,
            json!({"_connectionId": 5}),
        ),
        (
            K::UpdateV2,
            json!({"bearerToken": "t", "resource": {"_id": "i1"}, "license": {}}),
            None,
            json!({"bearerToken": 5}),
        ),
        (
            K::InitChild,
            json!({"bearerToken": "t", "parentIntegration": {"name": "Shop"}, "parentLicense": {}}),
            Some(json!({"name": "Shop (child)", "installSteps": []})),
            json!({"bearerToken": false}),
        ),
        (
            K::FormInit,
            json!({"bearerToken": "t", "resource": {"name": "orders"}, "parentResource": {}, "grandparentResource": {}, "license": {}, "parentLicense": {}}),
            Some(json!({"fieldMap": {}})),
            json!({"bearerToken": []}),
        ),
        (
            K::PreSave,
            json!({"bearerToken": "t", "newResource": {"name": "new"}, "oldResource": {"name": "old"}}),
            Some(json!({"name": "new"})),
            json!({"bearerToken": 1.5}),
        ),
    ]
}

#[test]
fn every_example_validates_and_every_wrong_shape_does_not() {
    let examples = examples();
    for kind in K::ALL.iter().filter(|k| !k.is_free_form()) {
        assert!(
            examples.iter().any(|e| e.0 == *kind),
            "no example for {kind:?}"
        );
    }
    for (kind, options, response, wrong) in examples {
        let options_schema = schema::options(kind);
        validate(&options_schema, &options).unwrap_or_else(|e| panic!("{kind:?} options: {e}"));
        schema::check_options(kind, &options.to_string())
            .unwrap_or_else(|e| panic!("{kind:?}: the typed options reject the example: {e}"));
        match response {
            Some(r) => validate(&schema::response(kind), &r)
                .unwrap_or_else(|e| panic!("{kind:?} response: {e}")),
            None => assert_eq!(
                schema::response(kind).as_value(),
                &json!(false),
                "{kind:?} answers no value"
            ),
        }
        assert!(
            validate(&options_schema, &wrong).is_err(),
            "{kind:?}: schema accepts {wrong}"
        );
        assert!(
            schema::check_options(kind, &wrong.to_string()).is_err(),
            "{kind:?}: typed options accept {wrong}"
        );
    }
}

#[test]
fn free_form_kinds_accept_anything() {
    for kind in K::ALL.iter().copied().filter(|k| k.is_free_form()) {
        for value in [json!(null), json!([1]), json!({"a": 1})] {
            validate(&schema::options(kind), &value).unwrap();
            validate(&schema::response(kind), &value).unwrap();
        }
    }
}

#[test]
fn schema_files_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected = Vec::new();
    for kind in K::ALL.iter().copied() {
        for (part, schema) in [
            ("options", schema::options(kind)),
            ("response", schema::response(kind)),
        ] {
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            let name = format!("{}.{part}.json", kind.attribute());
            let path = dir.join(&name);
            expected.push(name);
            if update {
                std::fs::write(&path, &text).unwrap();
            } else {
                let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                    panic!("{}: {e}; regenerate with UPDATE_SCHEMAS=1", path.display())
                });
                assert_eq!(
                    on_disk,
                    text,
                    "{} is stale; regenerate with UPDATE_SCHEMAS=1",
                    path.display()
                );
            }
        }
    }
    // No file for a kind that no longer exists.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if update && !expected.contains(&name) {
            std::fs::remove_file(dir.join(&name)).unwrap();
        } else {
            assert!(
                expected.contains(&name),
                "schemas/{name} belongs to no kind"
            );
        }
    }
}

#[test]
fn wrong_responses_are_rejected() {
    let cases = [
        (K::Ping, json!({"statusCode": "ok"}), "/statusCode"),
        (K::Ping, json!({"errors": []}), "statusCode"),
        (K::PreMap, json!([{"errors": "none"}]), "/0/errors"),
        (
            K::IntegrationInstaller,
            json!({"stepsToUpdate": []}),
            "success",
        ),
        (
            K::MappingMetadata,
            json!({"imp": [{"requiredGenerateFields": "id"}]}),
            "/imp/0/requiredGenerateFields",
        ),
        (K::PostAggregate, json!({}), "False schema"),
    ];
    for (kind, response, expected) in cases {
        let error = validate(&schema::response(kind), &response).unwrap_err();
        assert!(error.contains(expected), "{kind:?}: {error}");
    }
}
