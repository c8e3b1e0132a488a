//! The JSON Schemas of every kind's options and response: every example payload validates,
//! every wrong-shaped one does not, the typed options accept the same examples, and the
//! files under `schemas/` are what `extension_core::schema` generates (regenerate them with
//! `UPDATE_SCHEMAS=1 cargo test -p extension-tests --test schemas`).

use extension_core::prelude::*;
use extension_core::schema::{self, validate, KINDS};
use extension_core::serde_json::{self, from_value};
use std::path::Path;

/// (kind, options example, response example or `None` for no value, wrong-shaped options).
fn examples() -> Vec<(&'static str, Value, Option<Value>, Value)> {
    let connection = json!({"unencrypted": {"host": "db.example.com", "user": "ada"}, "encrypted": {"password": "s3cret"}});
    let integration = json!({"bearerToken": "t", "_integrationId": "5f1e0c0d3a2b1c0012345678", "opts": {"license": {"edition": "premium"}}});
    let error = json!({"code": "invalid_total", "message": "order o2 has no positive total", "source": "hook"});
    vec![
        (
            "preSavePage",
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
            "preMap",
            json!({"data": [{"id": "o1"}, {"id": "o2"}], "_importId": "i1", "settings": {}, "testMode": true}),
            Some(json!([{"data": {"id": "o1"}}, {"errors": [error]}])),
            json!({"_importId": 5}),
        ),
        (
            "postMap",
            json!({"preMapData": [{"a": 1}], "postMapData": [{"A": 1}], "_importId": "i1"}),
            Some(json!([{"data": {"A": 1}, "errors": [error]}])),
            json!({"postMapData": "x"}),
        ),
        (
            "postSubmit",
            json!({"preMapData": [{}], "postMapData": [{}], "responseData": [{"statusCode": 422, "errors": [error], "ignored": false, "id": "x1", "_json": {}, "dataURI": "https://app.example.com/x1"}]}),
            Some(json!([{"statusCode": 422, "errors": [error]}])),
            json!({"responseData": [{"statusCode": "ok"}]}),
        ),
        (
            "postResponseMap",
            json!({"postResponseMapData": [{"a": 1}], "responseData": [{"statusCode": 200, "data": [{}]}], "oneToMany": false, "pathToMany": "lines"}),
            Some(json!([{"a": 1}])),
            json!({"oneToMany": "yes"}),
        ),
        (
            "postAggregate",
            json!({"postAggregateData": {"success": false, "_json": {"fileName": "orders.csv"}, "code": "ftp_error", "message": "Connection reset", "source": "ftp"}, "_importId": "i1"}),
            None,
            json!({"postAggregateData": {"success": "no"}}),
        ),
        (
            "ping",
            json!({"connection": connection, "_exportId": "e1", "bearerToken": "t"}),
            Some(
                json!({"statusCode": 401, "errors": [{"code": "bad_password", "message": "Wrong password."}]}),
            ),
            json!({"connection": {"encrypted": "s3cret"}}),
        ),
        (
            "export",
            json!({"connection": connection, "type": "delta", "delta": {"dateField": "updated", "lastExecutionTime": 1577836800000_i64},
                          "state": {"offset": 20}, "_exportId": "e1", "_flowId": "f1", "_integrationId": "i1", "settings": {}, "configuration": {}, "data": [{}]}),
            Some(
                json!({"data": [{"id": 21}], "errors": [], "lastPage": false, "state": {"offset": 21}, "connectionOffline": false}),
            ),
            json!({"type": "weekly"}),
        ),
        (
            "import",
            json!({"connection": connection, "preMapData": [{}, {}], "postMapData": [{"email": "a@x.io"}, {}], "_importId": "i1"}),
            Some(
                json!([{"statusCode": 200, "id": "c1"}, {"statusCode": 422, "errors": [{"code": "missing_email", "message": "No email."}]}]),
            ),
            json!({"postMapData": 5}),
        ),
        (
            "installer",
            {
                let mut o = integration.clone();
                o["_connectorId"] = json!("conn1");
                o
            },
            None,
            json!({"_connectorId": 5}),
        ),
        (
            "integrationInstaller",
            integration.clone(),
            Some(
                json!({"success": true, "stepsToUpdate": [{"name": "Install", "completed": true}]}),
            ),
            json!({"_integrationId": []}),
        ),
        (
            "update",
            integration.clone(),
            None,
            json!({"bearerToken": 5}),
        ),
        (
            "preUninstall",
            integration.clone(),
            Some(json!({"success": true, "stepsToUpdate": []})),
            json!({"_integrationId": true}),
        ),
        (
            "integrationUninstaller",
            integration.clone(),
            Some(json!({"success": false, "stepsToUpdate": []})),
            json!({"_integrationId": 1}),
        ),
        (
            "uninstaller",
            integration.clone(),
            None,
            json!({"bearerToken": {}}),
        ),
        (
            "persistSettings",
            {
                let mut o = integration.clone();
                o["pending"] = json!({"lookbackDays": 30});
                o
            },
            Some(json!({"success": true, "pending": {"lookbackDays": 30}})),
            json!({"pending": [1]}),
        ),
        (
            "refreshMetadata",
            integration.clone(),
            Some(json!({"name": "warehouse", "options": [["e", "East"]]})),
            json!({"_integrationId": {}}),
        ),
        (
            "changeEdition",
            json!({"bearerToken": "t", "fromEdition": "standard", "toEdition": "premium", "integration": {}, "license": {}}),
            None,
            json!({"fromEdition": 3}),
        ),
        (
            "getMappingMetadata",
            json!({"bearerToken": "t", "_integrationId": "i1", "version": "1.2.0"}),
            Some(
                json!({"orders-import": [{"requiredGenerateFields": ["id"], "nonEditableGenerateFields": ["id"], "generateList": "lines"}]}),
            ),
            json!({"version": 1.2}),
        ),
        (
            "step",
            json!({"bearerToken": "t", "formSubmission": {"a": 1}, "_connectionId": "c1", "resource": {}, "parentResource": {}, "license": {}, "parentLicense": {}}),
            None,
            json!({"_connectionId": 5}),
        ),
        (
            "updateV2",
            json!({"bearerToken": "t", "resource": {"_id": "i1"}, "license": {}}),
            None,
            json!({"bearerToken": 5}),
        ),
        (
            "initChild",
            json!({"bearerToken": "t", "parentIntegration": {"name": "Shop"}, "parentLicense": {}}),
            Some(json!({"name": "Shop (child)", "installSteps": []})),
            json!({"bearerToken": false}),
        ),
        (
            "formInit",
            json!({"bearerToken": "t", "resource": {"name": "orders"}, "parentResource": {}, "grandparentResource": {}, "license": {}, "parentLicense": {}}),
            Some(json!({"fieldMap": {}})),
            json!({"bearerToken": []}),
        ),
        (
            "preSave",
            json!({"bearerToken": "t", "newResource": {"name": "new"}, "oldResource": {"name": "old"}}),
            Some(json!({"name": "new"})),
            json!({"bearerToken": 1.5}),
        ),
    ]
}

/// The typed options accept what the schema accepts (and reject the wrong shape too).
fn typed_accepts(kind: &str, options: &Value) -> bool {
    // Every options type is a `Record` (serialisable and deserialisable).
    fn ok<T: Record>(v: &Value) -> bool {
        from_value::<T>(v.clone()).is_ok()
    }
    use extension_core::serde_json::Value as V;
    match kind {
        "preSavePage" => ok::<PreSavePageOptions>(options),
        "preMap" => ok::<PreMapOptions>(options),
        "postMap" => ok::<PostMapOptions>(options),
        "postSubmit" => ok::<PostSubmitOptions>(options),
        "postResponseMap" => ok::<PostResponseMapOptions>(options),
        "postAggregate" => ok::<PostAggregateOptions>(options),
        "ping" => ok::<PingOptions>(options),
        "export" => ok::<ExportOptions>(options),
        "import" => ok::<ImportOptions>(options),
        "installer" => ok::<InstallerOptions>(options),
        "integrationInstaller" => ok::<InstallStepOptions>(options),
        "update" => ok::<UpdateOptions>(options),
        "preUninstall" => ok::<PreUninstallOptions>(options),
        "integrationUninstaller" => ok::<UninstallStepOptions>(options),
        "uninstaller" => ok::<UninstallerOptions>(options),
        "persistSettings" => ok::<PersistSettingsOptions>(options),
        "refreshMetadata" => ok::<RefreshMetadataOptions>(options),
        "changeEdition" => ok::<ChangeEditionOptions>(options),
        "getMappingMetadata" => ok::<MappingMetadataOptions>(options),
        "step" => ok::<StepOptions>(options),
        "updateV2" => ok::<UpdateV2Options>(options),
        "initChild" => ok::<InitChildOptions>(options),
        "formInit" => ok::<FormInitOptions>(options),
        "preSave" => ok::<PreSaveOptions>(options),
        _ => ok::<V>(options),
    }
}

#[test]
fn every_example_validates_and_every_wrong_shape_does_not() {
    let examples = examples();
    let covered: Vec<_> = examples.iter().map(|e| e.0).collect();
    for kind in KINDS
        .iter()
        .filter(|k| !["utility", "function"].contains(k))
    {
        assert!(covered.contains(kind), "no example for {kind}");
    }
    for (kind, options, response, wrong) in examples {
        let options_schema = schema::options(kind).unwrap();
        let response_schema = schema::response(kind).unwrap();
        validate(&options_schema, &options).unwrap_or_else(|e| panic!("{kind} options: {e}"));
        assert!(
            typed_accepts(kind, &options),
            "{kind}: the typed options reject the example"
        );
        match response {
            Some(r) => {
                validate(&response_schema, &r).unwrap_or_else(|e| panic!("{kind} response: {e}"))
            }
            None => assert_eq!(response_schema, json!(false), "{kind} answers no value"),
        }
        assert!(
            validate(&options_schema, &wrong).is_err(),
            "{kind}: schema accepts {wrong}"
        );
        assert!(
            !typed_accepts(kind, &wrong),
            "{kind}: typed options accept {wrong}"
        );
    }
}

#[test]
fn free_form_kinds_accept_anything() {
    for kind in ["utility", "function"] {
        for value in [json!(null), json!([1]), json!({"a": 1})] {
            validate(&schema::options(kind).unwrap(), &value).unwrap();
            validate(&schema::response(kind).unwrap(), &value).unwrap();
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
    for kind in KINDS {
        for (part, schema) in [
            ("options", schema::options(kind)),
            ("response", schema::response(kind)),
        ] {
            let text = serde_json::to_string_pretty(&schema.unwrap()).unwrap() + "\n";
            let path = dir.join(format!("{kind}.{part}.json"));
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
}

#[test]
fn wrong_responses_are_rejected() {
    let cases = [
        ("ping", json!({"statusCode": 500}), "is not one of"),
        (
            "ping",
            json!({"errors": []}),
            "missing required member `statusCode`",
        ),
        (
            "preMap",
            json!([{"data": {}, "extra": 1}]),
            "$[0].extra: no value is allowed here",
        ),
        (
            "integrationInstaller",
            json!({"stepsToUpdate": []}),
            "missing required member `success`",
        ),
        (
            "getMappingMetadata",
            json!({"imp": [{"requiredGenerateFields": "id"}]}),
            "$.imp[0].requiredGenerateFields: expected array",
        ),
        ("postAggregate", json!({}), "no value is allowed here"),
    ];
    for (kind, response, expected) in cases {
        let error = validate(&schema::response(kind).unwrap(), &response).unwrap_err();
        assert!(error.contains(expected), "{kind}: {error}");
    }
}
