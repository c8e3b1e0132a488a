//! The Lambda Runtime API client: `next`, `response`, `error` and `init/error` over one
//! kept-alive connection (hyper's client).

use super::Invocation;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Why talking to the Runtime API failed.
#[derive(Debug, thiserror::Error)]
pub(super) enum ApiError {
    #[error("cannot reach the Runtime API: {0}")]
    Request(#[from] hyper_util::client::legacy::Error),
    #[error("cannot read the Runtime API's answer: {0}")]
    Body(#[from] hyper::Error),
    #[error("{0} answered {1}: {2}")]
    Status(String, StatusCode, String),
    #[error("the next invocation has no Lambda-Runtime-Aws-Request-Id")]
    NoRequestId,
    #[error("bad Runtime API address: {0}")]
    Address(#[from] hyper::http::Error),
}

pub(super) struct RuntimeApi {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

impl RuntimeApi {
    pub(super) fn new(address: &str) -> Self {
        RuntimeApi {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{address}"),
        }
    }

    /// Waits for the next invocation (a long poll).
    pub(super) async fn next(&self) -> Result<Invocation, ApiError> {
        let (status, headers, body) = self.request(Method::GET, NEXT, None, Bytes::new()).await?;
        if status != StatusCode::OK {
            return Err(ApiError::Status(
                NEXT.into(),
                status,
                String::from_utf8_lossy(&body).into(),
            ));
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let request_id = header("lambda-runtime-aws-request-id")
            .ok_or(ApiError::NoRequestId)?
            .to_owned();
        let client_context = headers
            .get("lambda-runtime-client-context")
            .map(|v| Bytes::copy_from_slice(v.as_bytes()));
        let deadline = header("lambda-runtime-deadline-ms")
            .and_then(|ms| ms.parse::<u64>().ok())
            .map(deadline_from_epoch_ms);
        Ok(Invocation {
            request_id,
            client_context,
            event: body,
            deadline,
        })
    }

    /// Posts a result.
    pub(super) async fn respond(&self, request_id: &str, body: Bytes) -> Result<(), ApiError> {
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/response");
        self.post(&path, None, body).await
    }

    /// Posts a function error (section 7.4).
    pub(super) async fn fail(
        &self,
        request_id: &str,
        error_type: &str,
        body: String,
    ) -> Result<(), ApiError> {
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/error");
        self.post(&path, Some(error_type), body.into()).await
    }

    /// Reports that the function cannot start.
    pub(super) async fn init_error(&self, error_type: &str, body: String) -> Result<(), ApiError> {
        self.post(
            "/2018-06-01/runtime/init/error",
            Some(error_type),
            body.into(),
        )
        .await
    }

    async fn post(
        &self,
        path: &str,
        error_type: Option<&str>,
        body: Bytes,
    ) -> Result<(), ApiError> {
        let (status, _, answer) = self.request(Method::POST, path, error_type, body).await?;
        if !status.is_success() {
            return Err(ApiError::Status(
                path.into(),
                status,
                String::from_utf8_lossy(&answer).into(),
            ));
        }
        Ok(())
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        error_type: Option<&str>,
        body: Bytes,
    ) -> Result<(StatusCode, hyper::HeaderMap, Bytes), ApiError> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(error_type) = error_type {
            request = request.header("Lambda-Runtime-Function-Error-Type", error_type);
        }
        let response = self.client.request(request.body(Full::new(body))?).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok((parts.status, parts.headers, body))
    }
}

/// The instant of an epoch-milliseconds deadline, by this process's clock.
fn deadline_from_epoch_ms(ms: u64) -> Instant {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let left = Duration::from_millis(ms).saturating_sub(now);
    Instant::now() + left
}
