//! Functions defined in another crate (`examples/typed-hooks`) are registered here once that
//! crate is linked. Also run in release (`lto = "fat"`, `codegen-units = 1`) by the README's
//! test command, where the linker is most eager to drop what looks unused.

mod common;

use common::*;
use extension_core::serde_json::json;
use typed_hooks as _;

#[test]
fn hooks_of_another_crate_are_found_and_called() {
    let d = diy();
    let names: Vec<_> = d.dispatcher().registry().iter().map(|r| r.name()).collect();
    assert_eq!(
        names,
        [
            "explain_failures",
            "file_delivered",
            "preSavePage",
            "validate_orders"
        ]
    );

    let body = json!({"diy": true, "type": "hook", "function": "preSavePage",
        "options": {"data": [{"name": "ada"}], "errors": [{"code": "c", "message": "m", "source": "s"}]}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(
            json!({"data": [{"name": "ADA", "processed": true}], "errors": [{"code": "c", "message": "m", "source": "s"}]})
        ))
    );

    let body = json!({"diy": true, "function": "validate_orders",
        "options": {"data": [{"id": "o1", "total_cents": 5, "note": "kept"}, {"id": "o2", "total_cents": 0}]}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(json!([
            {"data": {"id": "o1", "total_cents": 5, "note": "kept"}},
            {"errors": [{"code": "invalid_total", "message": "order o2 has no positive total"}]}
        ])))
    );

    // A record that does not fit the user's record type is that record's error, naming the
    // field; the others go through. (A number fits a string, as JavaScript's `String(n)`:
    // ids are numbers on some wires.)
    let body = json!({"diy": true, "function": "validate_orders",
        "options": {"data": [{"id": 5, "total_cents": "1"}, {"id": "o3", "total_cents": 7}]}});
    let Ok(Some(answer)) = call(&d, &body) else {
        panic!("should answer")
    };
    assert_eq!(answer[0]["errors"][0]["code"], "invalid_record");
    assert!(
        answer[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("field `data[0].total_cents`"),
        "{answer}"
    );
    assert_eq!(answer[1], json!({"data": {"id": "o3", "total_cents": 7}}));

    let body = json!({"diy": true, "type": "hook", "function": "file_delivered",
        "options": {"postAggregateData": {"success": true, "_json": {"fileName": "a.csv"}}}});
    assert_eq!(call(&d, &body), Ok(None));
}
