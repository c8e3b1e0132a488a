//! A wrapper (custom connection) over an in-memory table: `ping` checks the credentials,
//! `export` pages through the rows with a typed `state`, honouring delta and test runs, and
//! `import` writes records back. `main` plays integrator.io: it pings, then calls the export
//! until `lastPage`, handing `state` back each time.
//!
//! `cargo run -p groups --bin wrapper-export`

use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher};
use groups::call;
use serde::{Deserialize, Serialize};

/// The "database": (id, name, updated at in epoch ms).
const ROWS: &[(u32, &str, i64)] = &[
    (1, "Ada", 1_700_000_000_000),
    (2, "Grace", 1_710_000_000_000),
    (3, "Edsger", 1_720_000_000_000),
    (4, "Barbara", 1_730_000_000_000),
    (5, "Donald", 1_740_000_000_000),
];
const PAGE_SIZE: usize = 2;

/// Where the next page starts: integrator.io stores it between calls.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    offset: usize,
}

#[wrapper_ping(name = "pingTable")]
fn ping_table(options: PingOptions) -> Result<PingResponse, ExtensionError> {
    let password = options
        .connection
        .encrypted
        .get("password")
        .and_then(Value::as_str);
    Ok(if password == Some("open sesame") {
        PingResponse::ok()
    } else {
        PingResponse::unauthorized("bad_password", "The password was not accepted.")
    })
}

#[wrapper_export(name = "exportTable")]
async fn export_table(
    options: ExportOptions<Cursor>,
) -> Result<ExportResponse<Cursor>, ExtensionError> {
    let since = match (options.type_, &options.delta) {
        (Some(ExportType::Delta), Some(delta)) => delta.last_execution_time.unwrap_or(0),
        _ => i64::MIN,
    };
    let rows: Vec<_> = ROWS
        .iter()
        .filter(|(_, _, updated)| *updated > since)
        .collect();
    let page_size = match (options.type_, &options.test) {
        (Some(ExportType::Test), Some(test)) => test.limit.unwrap_or(1) as usize,
        _ => PAGE_SIZE,
    };
    let offset = options.state.unwrap_or_default().offset;
    let end = (offset + page_size).min(rows.len());
    let data = rows[offset.min(end)..end]
        .iter()
        .map(|(id, name, updated)| json!({"id": id, "name": name, "updatedAt": updated}).into())
        .collect();
    Ok(ExportResponse {
        data,
        last_page: end == rows.len() || options.type_ == Some(ExportType::Test),
        state: Some(Cursor { offset: end }),
        ..Default::default()
    })
}

#[wrapper_import(name = "importTable")]
fn import_table(options: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Ok(options
        .post_map_data
        .iter()
        .map(|record| match record.get("name").and_then(Value::as_str) {
            Some(name) if !name.is_empty() => ImportResult::ok(format!("row-{name}")),
            _ => ImportResult::failed("missing_name", "Every row needs a name."),
        })
        .collect())
}

fn main() {
    let dispatcher = Dispatcher::new(Configuration::diy()).expect("functions are registered");
    let dispatcher = groups::host(dispatcher);
    let connection =
        json!({"unencrypted": {"table": "people"}, "encrypted": {"password": "open sesame"}});
    let wrapper = |function: &str, options: Value| {
        let envelope =
            json!({"diy": true, "type": "wrapper", "function": function, "options": options});
        call(&dispatcher, &envelope)
            .expect("call succeeds")
            .expect("a value")
    };

    let ping = wrapper("pingTable", json!({"connection": connection}));
    println!("ping: {ping}");
    assert_eq!(ping["statusCode"], 200);

    for (label, extra) in [
        ("full export", json!({})),
        (
            "delta export",
            json!({"type": "delta", "delta": {"dateField": "updatedAt", "lastExecutionTime": 1_715_000_000_000_i64}}),
        ),
        ("test export", json!({"type": "test", "test": {"limit": 1}})),
    ] {
        let mut state = Value::Null;
        let mut names = Vec::new();
        // Bounded: a state that never reaches lastPage must fail the example, not hang it.
        for page_number in 1..=10 {
            assert!(page_number < 10, "{label}: no lastPage after 9 pages");
            let mut options =
                json!({"connection": connection, "state": state, "_exportId": "exp1"});
            options
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let page = wrapper("exportTable", options);
            println!("{label}, page {page_number}: {}", page["data"]);
            names.extend(
                page["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["name"].clone()),
            );
            state = page["state"].clone();
            if page["lastPage"] == json!(true) {
                break;
            }
        }
        let expected = match label {
            "full export" => 5,
            "delta export" => 3,
            _ => 1,
        };
        assert_eq!(names.len(), expected, "{label}");
    }

    let imported = wrapper(
        "importTable",
        json!({"connection": connection, "postMapData": [{"name": "Alan"}, {"name": ""}]}),
    );
    println!("import: {imported}");
    assert_eq!(imported[1]["statusCode"], 422);
}
