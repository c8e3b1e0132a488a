//! The app answers its own routes and integrator.io's, through axum's router, as a client
//! would see them.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use extension_core::serde_json::{json, Value};
use extension_core::{Configuration, Dispatcher};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn send(request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let dispatcher = Dispatcher::new(Configuration::diy()).unwrap();
    let response = axum_embed::app(dispatcher, "tok")
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

fn call(token: &str) -> Request<Body> {
    let body = json!({"diy": true, "type": "hook", "function": "preSavePage",
        "options": {"data": [{"name": "ada"}], "errors": []}});
    Request::post("/function")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_apps_own_routes_answer() {
    let (status, body) = send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"my service"[..])
    );
    let (status, body) = send(Request::get("/orders/count").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        extension_core::serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"count": 42})
    );
}

#[tokio::test]
async fn integrator_io_calls_the_functions() {
    let (status, body) = send(call("tok")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        extension_core::serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"data": [{"name": "ADA", "processed": true}], "errors": []})
    );
    let (status, body) = send(call("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        br#"{"errors":[{"code":"unauthorized","message":"Invalid system token."}]}"#
    );
    let (status, body) = send(Request::get("/healthCheck").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &br#"{"success":true}"#[..])
    );
}
