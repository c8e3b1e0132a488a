//! Round trips for every non-hook kind through the dispatcher, with payloads written from
//! the protocol (extension-core/docs/protocol.md)'s field tables, and an options payload of the wrong shape for each (a 422
//! naming the field). Grouped kinds are called with their `type`, flat 2.0 kinds without.

mod common;

use common::*;
use extension_core::prelude::*;

#[wrapper_ping(name = "ping")]
fn ping(options: PingOptions) -> Result<PingResponse, ExtensionError> {
    let host = options
        .connection
        .unencrypted
        .get("host")
        .and_then(Value::as_str);
    let password = options
        .connection
        .encrypted
        .get("password")
        .and_then(Value::as_str);
    Ok(match (host, password) {
        (Some(_), Some("secret")) => PingResponse::ok(),
        _ => PingResponse::unauthorized("invalid_credentials", "Wrong host or password."),
    })
}

/// Pages through ten records, three at a time, with `state` holding the next index.
#[wrapper_export(name = "export")]
fn export(options: ExportOptions<usize>) -> Result<ExportResponse<usize>, ExtensionError> {
    let start = options.state.unwrap_or(0);
    let limit = match options.type_ {
        Some(ExportType::Test) => options.test.and_then(|t| t.limit).unwrap_or(1) as usize,
        _ => 3,
    };
    let end = (start + limit).min(10);
    Ok(ExportResponse {
        data: (start..end).map(|i| json!({"id": i}).into()).collect(),
        last_page: end == 10 || options.type_ == Some(ExportType::Test),
        state: Some(end),
        ..Default::default()
    })
}

#[wrapper_import(name = "import")]
fn import(options: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Ok(options
        .post_map_data
        .iter()
        .map(|record| match record.get("email").and_then(Value::as_str) {
            Some(email) => ImportResult::ok(format!("contact:{email}")),
            None => ImportResult::failed("missing_email", "The record has no email."),
        })
        .collect())
}

#[wrapper_import(name = "importTooFew")]
fn import_too_few(_options: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Ok(vec![])
}

#[installer(name = "installerFunction")]
fn installer_function(options: InstallerOptions) -> Result<(), ExtensionError> {
    match options.connector_id.as_deref() {
        Some(_) => Ok(()),
        None => Err(ExtensionError::new("missing_connector", "No _connectorId.")),
    }
}

#[integration_installer(name = "installStep")]
fn install_step(options: InstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse {
        success: true,
        steps_to_update: vec![json!({"name": "Install", "completed": true, "opts": options.opts})],
    })
}

#[update(name = "updateFunction")]
fn update_function(_options: UpdateOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[pre_uninstall(name = "preUninstallFunction")]
async fn pre_uninstall_function(
    options: PreUninstallOptions,
) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse {
        success: options.integration_id.is_some(),
        steps_to_update: vec![],
    })
}

#[integration_uninstaller(name = "uninstallStep")]
fn uninstall_step(_options: UninstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    Ok(StepsResponse {
        success: true,
        steps_to_update: vec![],
    })
}

#[uninstaller(name = "uninstallerFunction")]
fn uninstaller_function(_options: UninstallerOptions) -> Result<(), ExtensionError> {
    Ok(())
}

#[persist_settings(name = "persistSettings")]
fn persist_settings(
    options: PersistSettingsOptions,
) -> Result<PersistSettingsResponse, ExtensionError> {
    let mut pending = options.pending;
    pending.insert("savedBy".into(), json!("extension"));
    Ok(PersistSettingsResponse {
        success: true,
        pending,
    })
}

#[refresh_metadata(name = "refreshMetadata")]
fn refresh_metadata(options: RefreshMetadataOptions) -> Result<Value, ExtensionError> {
    let mut field = options.opts.get("field").cloned().unwrap_or(json!({}));
    field["options"] = json!([["a", "A"], ["b", "B"]]);
    Ok(field)
}

#[change_edition(name = "changeEdition")]
fn change_edition(options: ChangeEditionOptions) -> Result<(), ExtensionError> {
    match (
        options.from_edition.as_deref(),
        options.to_edition.as_deref(),
    ) {
        (Some("premium"), Some("starter")) => Err(ExtensionError::new(
            "downgrade",
            "Downgrades are not supported.",
        )),
        _ => Ok(()),
    }
}

#[mapping_metadata(name = "getMappingMetadata")]
fn get_mapping_metadata(
    options: MappingMetadataOptions,
) -> Result<MappingMetadataResponse, ExtensionError> {
    let mut locks = MappingMetadataResponse::new();
    locks.insert(
        format!("import-{}", options.version.unwrap_or_default()),
        vec![MappingLock {
            generate_list: None,
            required_generate_fields: vec!["id".into()],
            non_editable_generate_fields: vec!["id".into()],
        }],
    );
    Ok(locks)
}

#[step(name = "installConnection")]
fn install_connection(options: StepOptions) -> Result<(), ExtensionError> {
    match options.connection_id {
        Some(_) => Ok(()),
        None => Err(ExtensionError::new(
            "missing_connection",
            "Select a connection first.",
        )),
    }
}

#[update_v2(name = "updateApp")]
fn update_app(_options: UpdateV2Options) -> Result<(), ExtensionError> {
    Ok(())
}

#[init_child(name = "initChild")]
fn init_child(options: InitChildOptions) -> Result<Value, ExtensionError> {
    Ok(json!({
        "name": format!("{} (child)", options.parent_integration["name"].as_str().unwrap_or("?")),
        "installSteps": [{"name": "Connect", "type": "connection"}],
    }))
}

#[form_init(name = "formInit")]
fn form_init(options: FormInitOptions) -> Result<Value, ExtensionError> {
    Ok(json!({"fieldMap": {"name": {"id": "name", "defaultValue": options.resource["name"]}}}))
}

#[pre_save(name = "preSave")]
fn pre_save(options: PreSaveOptions) -> Result<Value, ExtensionError> {
    let mut resource = options.new_resource;
    resource["previousName"] = options.old_resource["name"].clone();
    Ok(resource)
}

#[utility(name = "sum")]
fn sum(numbers: Vec<f64>) -> Result<Value, ExtensionError> {
    Ok(json!(numbers.iter().sum::<f64>()))
}

fn grouped(type_: &str, function: &str, options: Value) -> Answer {
    call(
        &connectors(&["c1"]),
        &json!({"_connectorId": "c1", "type": type_, "function": function, "options": options}),
    )
}

fn flat(function: &str, options: Value) -> Answer {
    call(
        &connectors(&["c1"]),
        &json!({"_connectorId": "c1", "function": function, "options": options}),
    )
}

/// A single 422 `invalid_field` whose message names `field`.
fn assert_names_field(answer: Answer, field: &str) {
    let Err((422, errors)) = answer else {
        panic!("expected a 422, got {answer:?}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "invalid_field");
    assert!(
        errors[0].1.contains(&format!("field `{field}`")),
        "{}",
        errors[0].1
    );
}

#[test]
fn wrapper_ping() {
    let good = json!({"connection": {"unencrypted": {"host": "db"}, "encrypted": {"password": "secret"}}, "_exportId": "e1", "bearerToken": "t"});
    assert_eq!(
        grouped("wrapper", "ping", good),
        Ok(Some(json!({"statusCode": 200})))
    );
    let bad =
        json!({"connection": {"unencrypted": {"host": "db"}, "encrypted": {"password": "nope"}}});
    assert_eq!(
        grouped("wrapper", "ping", bad),
        Ok(Some(
            json!({"statusCode": 401, "errors": [{"code": "invalid_credentials", "message": "Wrong host or password."}]})
        ))
    );
    assert_names_field(
        grouped("wrapper", "ping", json!({"connection": {"encrypted": "x"}})),
        "connection.encrypted",
    );
}

#[test]
fn encrypted_connection_fields_never_reach_debug_output() {
    let options: PingOptions = extension_core::serde_json::from_value(json!({
        "connection": {"encrypted": {"password": "hunter2"}, "unencrypted": {"user": "ada"}}
    }))
    .unwrap();
    let debug = format!("{options:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(
        debug.contains("ada") && debug.contains("redacted"),
        "{debug}"
    );
}

#[test]
fn wrapper_export_pages_with_state() {
    let mut state = Value::Null;
    let mut ids = Vec::new();
    for call_number in 1..=10 {
        let options = json!({"connection": {}, "state": state, "_exportId": "e1", "settings": {}});
        let page = grouped("wrapper", "export", options).unwrap().unwrap();
        ids.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_u64().unwrap()),
        );
        state = page["state"].clone();
        if page["lastPage"] == json!(true) {
            assert_eq!(call_number, 4);
            break;
        }
    }
    assert_eq!(ids, (0..10).collect::<Vec<_>>());
    let test_run = json!({"connection": {}, "type": "test", "test": {"limit": 2}});
    assert_eq!(
        grouped("wrapper", "export", test_run),
        Ok(Some(
            json!({"data": [{"id": 0}, {"id": 1}], "lastPage": true, "state": 2})
        ))
    );
    let delta = json!({"connection": {}, "type": "delta", "delta": {"dateField": "updated", "lastExecutionTime": 1577836800000_i64}});
    assert_eq!(
        grouped("wrapper", "export", delta),
        Ok(Some(
            json!({"data": [{"id": 0}, {"id": 1}, {"id": 2}], "lastPage": false, "state": 3})
        ))
    );
    assert_names_field(
        grouped("wrapper", "export", json!({"type": "sometimes"})),
        "type",
    );
    assert_names_field(
        grouped("wrapper", "export", json!({"state": "not a number"})),
        "state",
    );
}

#[test]
fn wrapper_import_answers_one_result_per_record() {
    let options = json!({"connection": {}, "preMapData": [{}, {}], "postMapData": [{"email": "a@x.io"}, {"name": "no email"}], "_importId": "i1"});
    assert_eq!(
        grouped("wrapper", "import", options.clone()),
        Ok(Some(json!([
            {"statusCode": 200, "id": "contact:a@x.io"},
            {"statusCode": 422, "errors": [{"code": "missing_email", "message": "The record has no email."}]}
        ])))
    );
    // The same function answers its flat (2.0) name too.
    assert_eq!(
        grouped("wrapper", "import", options.clone()),
        flat("import", options.clone())
    );
    assert_eq!(
        grouped("wrapper", "importTooFew", options),
        fails_with(
            "invalid_extension_response",
            "The import response must have one element per record of `postMapData`: 2 record(s) came in, 0 element(s) came back."
        )
    );
    assert_names_field(
        grouped("wrapper", "import", json!({"postMapData": {}})),
        "postMapData",
    );
}

#[test]
fn installer_kinds() {
    let opts = json!({"bearerToken": "t", "_integrationId": "int1", "opts": {"license": {"edition": "standard"}}});
    let mut with_connector = opts.clone();
    with_connector["_connectorId"] = json!("c1");
    assert_eq!(
        grouped("installer", "installerFunction", with_connector),
        Ok(None)
    );
    assert_eq!(
        grouped("installer", "installerFunction", opts.clone()),
        fails_with("missing_connector", "No _connectorId.")
    );
    assert_eq!(
        grouped("installer", "installStep", opts.clone()),
        Ok(Some(
            json!({"success": true, "stepsToUpdate": [{"name": "Install", "completed": true, "opts": {"license": {"edition": "standard"}}}]})
        ))
    );
    assert_eq!(grouped("installer", "updateFunction", opts), Ok(None));
    assert_names_field(
        grouped("installer", "installStep", json!({"_integrationId": false})),
        "_integrationId",
    );
    assert_names_field(
        grouped(
            "installer",
            "installerFunction",
            json!({"_connectorId": []}),
        ),
        "_connectorId",
    );
    assert_names_field(
        grouped("installer", "updateFunction", json!({"bearerToken": {}})),
        "bearerToken",
    );
}

#[test]
fn uninstaller_kinds() {
    let opts = json!({"bearerToken": "t", "_integrationId": "int1", "opts": {}});
    assert_eq!(
        grouped("uninstaller", "preUninstallFunction", opts.clone()),
        Ok(Some(json!({"success": true, "stepsToUpdate": []})))
    );
    assert_eq!(
        grouped("uninstaller", "uninstallStep", opts.clone()),
        Ok(Some(json!({"success": true, "stepsToUpdate": []})))
    );
    assert_eq!(
        grouped("uninstaller", "uninstallerFunction", opts),
        Ok(None)
    );
    assert_names_field(
        grouped(
            "uninstaller",
            "preUninstallFunction",
            json!({"_integrationId": true}),
        ),
        "_integrationId",
    );
    assert_names_field(
        grouped(
            "uninstaller",
            "uninstallStep",
            json!({"_integrationId": [1]}),
        ),
        "_integrationId",
    );
    assert_names_field(
        grouped(
            "uninstaller",
            "uninstallerFunction",
            json!({"bearerToken": {}}),
        ),
        "bearerToken",
    );
}

#[test]
fn settings_kinds() {
    let options = json!({"bearerToken": "t", "_integrationId": "int1", "opts": {}, "pending": {"syncOrders": true}});
    assert_eq!(
        grouped("setting", "persistSettings", options),
        Ok(Some(
            json!({"success": true, "pending": {"syncOrders": true, "savedBy": "extension"}})
        ))
    );
    let options = json!({"_integrationId": "int1", "opts": {"field": {"name": "warehouse"}}});
    assert_eq!(
        grouped("setting", "refreshMetadata", options),
        Ok(Some(
            json!({"name": "warehouse", "options": [["a", "A"], ["b", "B"]]})
        ))
    );
    let v1 = json!({"_integrationId": "int1", "opts": {"newEdition": "premium"}});
    assert_eq!(grouped("setting", "changeEdition", v1), Ok(None));
    let v2 =
        json!({"fromEdition": "premium", "toEdition": "starter", "integration": {}, "license": {}});
    assert_eq!(
        grouped("setting", "changeEdition", v2),
        fails_with("downgrade", "Downgrades are not supported.")
    );
    assert_eq!(
        grouped(
            "setting",
            "getMappingMetadata",
            json!({"_integrationId": "int1", "version": "1.2.0"})
        ),
        Ok(Some(
            json!({"import-1.2.0": [{"requiredGenerateFields": ["id"], "nonEditableGenerateFields": ["id"]}]})
        ))
    );
    assert_names_field(
        grouped("setting", "persistSettings", json!({"pending": [1]})),
        "pending",
    );
    assert_names_field(
        grouped("setting", "refreshMetadata", json!({"_integrationId": {}})),
        "_integrationId",
    );
    assert_names_field(
        grouped("setting", "changeEdition", json!({"fromEdition": true})),
        "fromEdition",
    );
    assert_names_field(
        grouped("setting", "getMappingMetadata", json!({"version": [1.2]})),
        "version",
    );
}

#[test]
fn flat_2_0_kinds() {
    let step = json!({"bearerToken": "t", "_connectionId": "conn1", "resource": {"name": "Connect"}, "license": {}});
    assert_eq!(flat("installConnection", step), Ok(None));
    assert_eq!(
        flat("installConnection", json!({"formSubmission": {"a": 1}})),
        fails_with("missing_connection", "Select a connection first.")
    );
    assert_eq!(
        flat(
            "updateApp",
            json!({"resource": {"_id": "int1"}, "license": {"edition": "standard"}})
        ),
        Ok(None)
    );
    assert_eq!(
        flat(
            "initChild",
            json!({"parentIntegration": {"name": "Shop"}, "parentLicense": {}})
        ),
        Ok(Some(
            json!({"name": "Shop (child)", "installSteps": [{"name": "Connect", "type": "connection"}]})
        ))
    );
    assert_eq!(
        flat(
            "formInit",
            json!({"resource": {"name": "orders"}, "parentResource": {}, "grandparentResource": {}})
        ),
        Ok(Some(
            json!({"fieldMap": {"name": {"id": "name", "defaultValue": "orders"}}})
        ))
    );
    assert_eq!(
        flat(
            "preSave",
            json!({"newResource": {"name": "new"}, "oldResource": {"name": "old"}})
        ),
        Ok(Some(json!({"name": "new", "previousName": "old"})))
    );
    // Flat kinds have no group: a grouped request does not reach them.
    assert_eq!(
        grouped("installer", "installConnection", json!({})),
        errors(&[INVALID_FUNCTION])
    );
    assert_names_field(
        flat("installConnection", json!({"_connectionId": true})),
        "_connectionId",
    );
    assert_names_field(flat("updateApp", json!({"bearerToken": {}})), "bearerToken");
    assert_names_field(
        flat("initChild", json!({"bearerToken": false})),
        "bearerToken",
    );
    assert_names_field(flat("formInit", json!({"bearerToken": []})), "bearerToken");
    assert_names_field(
        flat("preSave", json!({"bearerToken": [1.5]})),
        "bearerToken",
    );
}

#[test]
fn utilities() {
    assert_eq!(
        grouped("utility", "sum", json!([1, 2, 3.5])),
        Ok(Some(json!(6.5)))
    );
    // 1.0 goes out as JSON.stringify writes it: `1`.
    assert_eq!(flat("sum", json!([1])), Ok(Some(json!(1))));
    let Err((422, errors)) = grouped("utility", "sum", json!(["x"])) else {
        panic!()
    };
    assert!(
        errors[0]
            .1
            .starts_with("Invalid options for sum (utility): field `[0]`"),
        "{errors:?}"
    );
}
