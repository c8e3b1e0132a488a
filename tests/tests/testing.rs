//! The `testing` module as a user's unit tests use it: calls by wire name and by Rust path,
//! typed options and JSON, typed responses and exact wire bytes, async I/O inside a function,
//! state, connectors, and `#[tokio::test]`.

use extension_core::prelude::*;
use extension_core::testing::TestHost;
use extension_core::{ErrorItem, Registry};

mod orders {
    use super::*;

    #[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
    pub struct Order {
        pub id: String,
        pub total: i64,
    }

    /// Waits on tokio's timer: async I/O works inside functions under test.
    #[pre_map(name = "validateOrders")]
    pub async fn validate(
        options: PreMapOptions<Order>,
    ) -> Result<PreMapResponse<Order>, ExtensionError> {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        Ok(options
            .data
            .into_iter()
            .map(|order| {
                if order.total > 0 {
                    MapResult::keep(order)
                } else {
                    MapResult::fail(vec![RecordError::new(
                        "no_total",
                        format!("order {}", order.id),
                    )])
                }
            })
            .collect())
    }
}

#[derive(Clone)]
struct Discount(i64);

#[json_function(group = "utilities", name = "discounted")]
fn discounted(options: Value, State(discount): State<Discount>) -> Result<Value, ExtensionError> {
    let price = options["price"]
        .as_i64()
        .ok_or_else(|| ExtensionError::new("no_price", "price?"))?;
    Ok(json!(price - discount.0))
}

fn host() -> TestHost {
    TestHost::builder().state(Discount(5)).build()
}

#[test]
fn by_wire_name_with_typed_options_and_a_typed_response() {
    let options = PreMapOptions::<orders::Order>::from_json(json!({
        "data": [{"id": "o1", "total": 10}, {"id": "o2", "total": 0}]
    }))
    .unwrap();
    let reply = host().call("validateOrders").options(&options).send();
    assert_eq!(reply.status(), 200);
    let response: PreMapResponse<orders::Order> = reply.response();
    assert_eq!(
        response[0].data,
        Some(orders::Order {
            id: "o1".into(),
            total: 10
        })
    );
    assert_eq!(response[1].errors[0].code, "no_total");
}

#[test]
fn by_rust_path_with_json_and_the_exact_wire_bytes() {
    let reply = host()
        .call_path("orders::validate")
        .json(json!({"data": [{"id": "o3", "total": 1}]}))
        .send();
    assert_eq!(
        (reply.status(), reply.body()),
        (200, &br#"[{"data":{"id":"o3","total":1}}]"#[..])
    );
    // A record that does not fit the record type is that record's error, named.
    let reply = host()
        .call("validateOrders")
        .json(json!({"data": [{"id": "o4", "total": "ten"}]}))
        .send();
    assert_eq!(reply.status(), 200);
    let body = std::str::from_utf8(reply.body()).unwrap();
    assert!(
        body.starts_with(r#"[{"errors":[{"code":"invalid_record","message":"Invalid record for validateOrders (preMap): field `data[0].total`: "#),
        "{body}"
    );
}

#[test]
fn state_errors_and_connectors() {
    let host = host();
    assert_eq!(
        host.call("discounted")
            .json(json!({"price": 20}))
            .send()
            .json(),
        json!(15)
    );
    assert_eq!(
        host.call("discounted").json(json!({})).send().errors(),
        [ErrorItem::new("no_price", "price?")]
    );
    let reply = host.call("nope").send();
    assert_eq!(reply.errors()[0].code, "invalid_function");
    let connector = TestHost::builder()
        .state(Discount(1))
        .connector("c1")
        .build();
    let reply = connector
        .call("discounted")
        .type_("utility")
        .json(json!({"price": 3}))
        .send();
    assert_eq!(reply.json(), json!(2));
}

#[test]
fn options_read_from_json_say_which_field_did_not_fit() {
    let e = PreSavePageOptions::from_json(json!({"pageIndex": "first"})).unwrap_err();
    assert_eq!(e.path, "pageIndex");
    assert_eq!(
        e.to_string(),
        "field `pageIndex`: invalid type: string \"first\", expected u64"
    );
    // Every options type has a `Default`: what an empty options object stands for.
    let options: PreSavePageOptions = Default::default();
    assert!(options.data.is_empty() && options.last_export_date_time.is_none());
    let options = ExportOptions::<u64> {
        state: Some(3),
        ..Default::default()
    };
    assert_eq!(options.state, Some(3));
}

#[test]
#[should_panic(expected = "takes a `State<testing::Discount>`")]
fn a_host_without_the_state_a_function_needs_refuses_to_start() {
    TestHost::builder()
        .registry(Registry::new(Registry::linked()).unwrap())
        .build();
}

#[tokio::test]
async fn inside_tokio_tests() {
    let reply = host()
        .call("validateOrders")
        .json(json!({"data": []}))
        .send_async()
        .await;
    assert_eq!(reply.json(), json!([]));
}
