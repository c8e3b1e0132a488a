//! An integration app's install and uninstall, as integrator.io drives them for a connector:
//! the connector installer, each install step, then pre-uninstall, each uninstall step and the
//! final uninstaller. `main` plays integrator.io for connector `my-connector-id`.
//!
//! `cargo run -p groups --bin installer-flow`

use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher};
use groups::call;

#[installer(name = "installConnector")]
fn install_connector(options: InstallerOptions) -> Result<(), ExtensionError> {
    let edition = options.opts["license"]["edition"]
        .as_str()
        .unwrap_or("standard");
    println!(
        "  installing {:?} edition {edition}",
        options.integration_id
    );
    Ok(())
}

/// Each install step reports success and marks itself completed.
#[integration_installer(name = "runInstallStep")]
async fn run_install_step(options: InstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    let step = options.opts["step"].as_str().unwrap_or_default().to_owned();
    if step.is_empty() {
        return Err(ExtensionError::new(
            "missing_step",
            "opts.step names the step to run.",
        ));
    }
    Ok(StepsResponse {
        success: true,
        steps_to_update: vec![json!({"name": step, "completed": true})],
    })
}

#[pre_uninstall(name = "prepareUninstall")]
fn prepare_uninstall(_options: PreUninstallOptions) -> Result<StepsResponse, ExtensionError> {
    // Show the steps in the order they must run.
    Ok(StepsResponse {
        success: true,
        steps_to_update: vec![
            json!({"name": "Remove flows"}),
            json!({"name": "Remove connections"}),
        ],
    })
}

#[integration_uninstaller(name = "runUninstallStep")]
fn run_uninstall_step(options: UninstallStepOptions) -> Result<StepsResponse, ExtensionError> {
    let step = options.opts["step"].as_str().unwrap_or_default();
    Ok(StepsResponse {
        success: true,
        steps_to_update: vec![json!({"name": step, "completed": true})],
    })
}

#[uninstaller(name = "uninstallConnector")]
fn uninstall_connector(options: UninstallerOptions) -> Result<(), ExtensionError> {
    println!("  cleaned up {:?}", options.integration_id);
    Ok(())
}

fn main() {
    let dispatcher = Dispatcher::new(Configuration::connectors(["my-connector-id"]).unwrap())
        .expect("functions are registered");
    let dispatcher = groups::host(dispatcher);
    let run = |type_: &str, function: &str, opts: Value| {
        let envelope = json!({
            "_connectorId": "my-connector-id",
            "type": type_,
            "function": function,
            "options": {"bearerToken": "single-use-token", "_integrationId": "int-42", "_connectorId": "my-connector-id", "opts": opts},
        });
        let answer = call(&dispatcher, &envelope);
        println!("{type_}.{function}: {answer:?}");
        answer
    };

    assert_eq!(
        run(
            "installer",
            "installConnector",
            json!({"license": {"edition": "premium"}})
        ),
        Ok(None)
    );
    for step in ["Connect store", "Connect ERP", "Create flows"] {
        let answer = run("installer", "runInstallStep", json!({"step": step}))
            .unwrap()
            .unwrap();
        assert_eq!(answer["stepsToUpdate"][0]["completed"], true);
    }
    let missing = run("installer", "runInstallStep", json!({})).unwrap_err();
    assert_eq!(missing.errors[0].code, "missing_step");

    let order = run("uninstaller", "prepareUninstall", json!({}))
        .unwrap()
        .unwrap();
    let steps = order["stepsToUpdate"].as_array().unwrap();
    assert!(!steps.is_empty(), "an uninstall has steps: {order}");
    for step in steps {
        let answer = run(
            "uninstaller",
            "runUninstallStep",
            json!({"step": step["name"]}),
        );
        assert!(answer.is_ok(), "{}: {answer:?}", step["name"]);
    }
    assert_eq!(
        run("uninstaller", "uninstallConnector", json!({})),
        Ok(None)
    );

    // Another connector id is not served by this binary.
    let envelope = json!({"_connectorId": "someone-else", "type": "installer", "function": "installConnector", "options": {}});
    assert_eq!(
        call(&dispatcher, &envelope).unwrap_err().errors[0].code,
        "invalid_field"
    );
}
