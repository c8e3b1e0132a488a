//! An integration app's settings page: saving settings, refreshing a setting's metadata,
//! locking mappings, and reacting to an edition change. `main` plays integrator.io.
//!
//! `cargo run -p groups --bin settings`

use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher};
use groups::call;

/// Validates and saves the settings the user changed.
#[persist_settings(name = "persistSettings")]
fn persist_settings(
    options: PersistSettingsOptions,
) -> Result<PersistSettingsResponse, ExtensionError> {
    if let Some(days) = options.pending.get("lookbackDays") {
        if !days.as_u64().is_some_and(|d| (1..=90).contains(&d)) {
            return Err(ExtensionError::new(
                "invalid_setting",
                "lookbackDays must be between 1 and 90.",
            ));
        }
    }
    Ok(PersistSettingsResponse {
        success: true,
        pending: options.pending,
    })
}

/// Fills a select field with the warehouses the user can choose from.
#[refresh_metadata(name = "refreshMetadata")]
fn refresh_metadata(options: RefreshMetadataOptions) -> Result<Value, ExtensionError> {
    let mut field = options.opts["field"].clone();
    field["options"] = json!([["wh-east", "East"], ["wh-west", "West"]]);
    Ok(field)
}

/// The id mapping of the orders import must stay, and cannot be edited.
#[mapping_metadata(name = "getMappingMetadata")]
fn get_mapping_metadata(
    _options: MappingMetadataOptions,
) -> Result<MappingMetadataResponse, ExtensionError> {
    Ok(MappingMetadataResponse::from([(
        "orders-import".to_owned(),
        vec![MappingLock {
            generate_list: None,
            required_generate_fields: vec!["externalId".into()],
            non_editable_generate_fields: vec!["externalId".into()],
        }],
    )]))
}

#[change_edition(name = "changeEdition")]
fn change_edition(options: ChangeEditionOptions) -> Result<(), ExtensionError> {
    println!(
        "  edition change: {:?} -> {:?}",
        options.from_edition, options.to_edition
    );
    Ok(())
}

fn main() {
    let dispatcher = Dispatcher::new(Configuration::connectors(["my-connector-id"]).unwrap())
        .expect("functions are registered");
    let dispatcher = groups::host(dispatcher);
    let setting = |function: &str, options: Value| {
        let envelope = json!({"_connectorId": "my-connector-id", "type": "setting", "function": function, "options": options});
        let answer = call(&dispatcher, &envelope);
        println!("setting.{function}: {answer:?}");
        answer
    };

    let saved = setting(
        "persistSettings",
        json!({"_integrationId": "int-42", "pending": {"lookbackDays": 30}}),
    );
    assert_eq!(saved.unwrap().unwrap()["success"], true);
    let refused =
        setting("persistSettings", json!({"pending": {"lookbackDays": 365}})).unwrap_err();
    assert_eq!(refused.errors[0].code, "invalid_setting");

    let field = setting(
        "refreshMetadata",
        json!({"opts": {"field": {"name": "warehouse"}}}),
    )
    .unwrap()
    .unwrap();
    assert_eq!(field["options"][0][0], "wh-east");

    let locks = setting(
        "getMappingMetadata",
        json!({"_integrationId": "int-42", "version": "2.1.0"}),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        locks["orders-import"][0]["requiredGenerateFields"][0],
        "externalId"
    );

    let changed = setting(
        "changeEdition",
        json!({"fromEdition": "standard", "toEdition": "premium", "integration": {}, "license": {}}),
    );
    assert_eq!(changed, Ok(None));
}
