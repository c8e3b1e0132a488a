//! Unit tests of the typed hooks, as the README's "Testing your functions" shows them.

use extension_core::prelude::*;
use extension_core::testing::TestHost;
use typed_hooks::Order;

#[test]
fn orders_without_a_positive_total_fail_one_by_one() {
    let host = TestHost::new();
    let options = PreMapOptions::<Order>::from_json(json!({
        "data": [
            {"id": "o1", "total_cents": 1250},
            {"id": "o2", "total_cents": 0},
        ]
    }))
    .unwrap();

    let reply = host.call("validate_orders").options(&options).send();

    assert_eq!(reply.status(), 200);
    let results: PreMapResponse<Order> = reply.response();
    assert_eq!(results[0].data.as_ref().map(|o| o.id.as_str()), Some("o1"));
    assert_eq!(results[1].errors[0].code, "invalid_total");
}

#[test]
fn the_page_comes_back_as_integrator_io_reads_it() {
    let reply = TestHost::new()
        .call("preSavePage")
        .json(json!({"data": [{"name": "ada"}], "errors": []}))
        .send();

    assert_eq!(
        reply.body(),
        br#"{"data":[{"name":"ADA","processed":true}],"errors":[]}"#
    );
}

#[test]
fn a_failed_delivery_is_a_422_with_its_code() {
    let reply = TestHost::new()
        .call_path("typed_hooks::file_delivered")
        .json(json!({"postAggregateData": {"success": false, "message": "disk full"}}))
        .send();

    assert_eq!(reply.status(), 422);
    assert_eq!(reply.errors()[0].code, "delivery_failed");
}
