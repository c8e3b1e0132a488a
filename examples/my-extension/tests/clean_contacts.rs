use extension_core::prelude::*;
use extension_core::testing::TestHost;
use my_extension::Domains;

#[test]
fn blocked_domains_are_dropped_and_addresses_lowered() {
    let host = TestHost::builder()
        .state(Domains {
            blocked: vec!["@spam.example".into()],
        })
        .build();

    let reply = host
        .call("clean_contacts")
        .json(json!({"data": [{"email": "Ada@Example.com", "id": 1}, {"email": "x@spam.example"}]}))
        .send();

    assert_eq!(
        reply.body(),
        br#"{"data":[{"email":"ada@example.com","id":1}],"errors":[]}"#
    );
}
