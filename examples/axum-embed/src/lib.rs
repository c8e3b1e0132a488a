//! An axum app of your own that also answers integrator.io: its own routes, plus the
//! extension's `POST /function` and health routes from [`ExtensionService::builder`], which
//! needs only a dispatcher and the system token (no port, no server settings: the app is
//! yours, and so are its listener, timeouts and shutdown).

use axum::routing::get;
use axum::{Json, Router};
use extension_core::hosts::http::ExtensionService;
use extension_core::serde_json::{json, Value};
use extension_core::Dispatcher;

// The functions live in another crate: naming it links it, and with it its registrations.
use typed_hooks as _;

/// The app: `/` and `/orders/count` are its own; `/function`, `/healthCheck`, `/livez` and
/// `/readyz` are the extension's.
pub fn app(dispatcher: Dispatcher, system_token: &str) -> Router {
    let extension = ExtensionService::builder(dispatcher, system_token).build();
    Router::new()
        .route("/", get(|| async { "my service" }))
        .route("/orders/count", get(order_count))
        .route_service("/function", extension.clone())
        .route_service("/healthCheck", extension.clone())
        .route_service("/livez", extension.clone())
        .route_service("/readyz", extension)
}

async fn order_count() -> Json<Value> {
    Json(json!({"count": 42}))
}
