//! The trybuild UI suite: `ui/pass/*.rs` must compile (and run), `ui/fail/*.rs` must fail
//! with exactly the diagnostics in their `.stderr` snapshots.
//!
//! The snapshots depend on rustc's wording, so the compile-fail half runs only on the
//! toolchain that blessed them (`ui/TOOLCHAIN`), or anywhere when `CI` is set (`.ci/run` sets it; CI runs the
//! machine's one toolchain) or when re-blessing with `TRYBUILD=overwrite` (which also updates
//! `ui/TOOLCHAIN`). The pass half always runs.

use std::path::Path;
use std::process::Command;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");

    let toolchain_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/TOOLCHAIN");
    let blessed = std::fs::read_to_string(&toolchain_file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", toolchain_file.display()));
    let blessed = blessed.trim();
    let current = rustc_version();
    // `rustc X.Y.Z`: a nightly or beta of the same number (`rustc X.Y.Z-nightly`) differs.
    let current_prefix = current
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let same_toolchain = current_prefix == blessed;
    let overwrite = std::env::var_os("TRYBUILD").is_some_and(|v| v == "overwrite");

    if overwrite {
        // Re-blessing: the snapshots will now belong to this toolchain.
        if !same_toolchain {
            std::fs::write(&toolchain_file, format!("{current_prefix}\n"))
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", toolchain_file.display()));
            eprintln!(
                "ui: recorded `{current_prefix}` in {}",
                toolchain_file.display()
            );
        }
        cases.compile_fail("ui/fail/*.rs");
    } else if same_toolchain {
        cases.compile_fail("ui/fail/*.rs");
    } else if std::env::var_os("CI").is_some() {
        eprintln!(
            "ui: running the compile-fail cases on `{current}` although they were blessed on \
             `{blessed}` (CI is set); a wording change in rustc may fail them"
        );
        cases.compile_fail("ui/fail/*.rs");
    } else {
        eprintln!(
            "ui: SKIPPING the compile-fail cases: their .stderr snapshots were blessed on \
             `{blessed}` (tests/ui/TOOLCHAIN) but this is `{current}`. Run them with that \
             toolchain, or set CI=1 to run anyway, or re-bless with TRYBUILD=overwrite."
        );
    }
}

/// `rustc --version` of the compiler trybuild will use (`$RUSTC`, else `rustc`).
fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{} --version`: {e}", rustc.to_string_lossy()));
    assert!(
        output.status.success(),
        "`{} --version` failed: {}",
        rustc.to_string_lossy(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
