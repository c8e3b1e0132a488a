//! Each example program plays integrator.io and asserts what it gets back: running them is
//! the test.

use std::process::Command;

fn run(exe: &str) -> String {
    let output = Command::new(exe).output().expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{exe} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn wrapper_export_pages_until_the_last_page() {
    let out = run(env!("CARGO_BIN_EXE_wrapper-export"));
    assert!(out.contains("full export, page 3"), "{out}");
}

#[test]
fn installer_flow_installs_and_uninstalls() {
    let out = run(env!("CARGO_BIN_EXE_installer-flow"));
    assert!(
        out.contains("uninstaller.uninstallConnector: Ok(None)"),
        "{out}"
    );
}

#[test]
fn settings_page() {
    let out = run(env!("CARGO_BIN_EXE_settings"));
    assert!(out.contains("setting.changeEdition: Ok(None)"), "{out}");
}
