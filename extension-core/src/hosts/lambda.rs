//! The AWS Lambda host (PROTOCOL.md section 7): the function options are the event, the
//! envelope is the invocation's client context.
//!
//! It talks to the Lambda Runtime API itself instead of using `lambda_runtime`: that crate
//! parses the client context into the mobile-SDK struct (`client`, `custom`, `environment`),
//! silently dropping integrator.io's top-level keys, and a context it cannot parse ends its
//! loop and the process. Here the raw `Lambda-Runtime-Client-Context` JSON is the envelope,
//! and a missing or malformed one is a 422 like any other bad envelope: the loop never
//! stops on bad input.
//!
//! Every failure (configuration, validation, function error, panic, result checks) is
//! posted as a function error whose `errorMessage` is the compact JSON text
//! `{"statusCode":422,"errors":[...]}` (7.4) and whose `errorType` is the first error's code.

use crate::dispatch::Envelope;
use crate::error::Failure;
use crate::{Configuration, Dispatcher, ExtensionError, Registry, Reply};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

/// The configuration from the environment, as a Lambda function is configured:
/// `INTEGRATOR_EXTENSION_DIY=true` or `INTEGRATOR_EXTENSION_CONNECTORS=id1,id2`, checked
/// with the texts of section 2.1.
pub fn configuration_from_env(
    env: impl Fn(&str) -> Option<String>,
) -> Result<Configuration, ExtensionError> {
    let mut config = serde_json::Map::new();
    if let Some(diy) = env("INTEGRATOR_EXTENSION_DIY").filter(|v| !v.is_empty()) {
        config.insert("diy".into(), json!(super::env_flag(&diy)));
    }
    if let Some(ids) = env("INTEGRATOR_EXTENSION_CONNECTORS").filter(|v| !v.is_empty()) {
        let ids: serde_json::Map<String, Value> = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| (id.to_owned(), json!({})))
            .collect();
        config.insert("connectors".into(), Value::Object(ids));
    }
    Configuration::from_json(&Value::Object(config))
}

/// One invocation as the Runtime API hands it over.
#[derive(Debug)]
pub struct Invocation {
    /// `Lambda-Runtime-Aws-Request-Id`.
    pub request_id: String,
    /// `Lambda-Runtime-Client-Context`: the raw JSON text, when present.
    pub client_context: Option<String>,
    /// The event: the function options.
    pub event: Vec<u8>,
}

/// Answers one invocation: the envelope from the client context, the event as options.
///
/// `dispatcher` is built once at start; a configuration error instead answers every
/// invocation, as Node re-validates on each one.
pub async fn handle(
    dispatcher: &Result<Dispatcher, ExtensionError>,
    invocation: &Invocation,
) -> Result<Reply, Failure> {
    let dispatcher = dispatcher.as_ref().map_err(|e| Failure::from(e.clone()))?;
    let mut envelope = match invocation.client_context.as_deref().map(str::trim) {
        None | Some("") => Envelope::default(),
        // Parsed once; read again only to word an error.
        Some(text) => {
            Envelope::from_json(text).map_err(|e| match serde_json::from_str::<Value>(text) {
                Ok(other) if !other.is_object() => Failure::single(
                    "invalid_client_context",
                    format!("The client context must be a JSON object, not {other}."),
                ),
                _ => invalid_context(&e),
            })?
        }
    };
    let event = std::str::from_utf8(&invocation.event)
        .map_err(|_| Failure::single("invalid_event", "The event is not valid UTF-8."))?;
    let event = if event.trim().is_empty() {
        "null"
    } else {
        event
    };
    let options: &RawValue = serde_json::from_str(event).map_err(|e| {
        Failure::single(
            "invalid_event",
            format!("The event is not valid JSON: {e}."),
        )
    })?;
    envelope.options = Some(options);
    dispatcher.call(&envelope).await
}

fn invalid_context(e: &serde_json::Error) -> Failure {
    Failure::single(
        "invalid_client_context",
        format!("The client context is not valid JSON: {e}."),
    )
}

/// The body and error type posted for a failure (section 7.4).
pub fn error_payload(failure: &Failure) -> (String, String) {
    let message = serde_json::to_string(failure).unwrap_or_default();
    let error_type = failure
        .errors
        .first()
        .map_or_else(|| "Error".to_owned(), |e| e.code.clone());
    let body = json!({"errorMessage": message, "errorType": error_type}).to_string();
    (body, error_type)
}

/// A whole `main` for a Lambda function of this binary's functions (the `bootstrap` of a
/// custom runtime): serves invocations until the Runtime API goes away.
pub fn run_from_env() -> ExitCode {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        eprintln!(
            "AWS_LAMBDA_RUNTIME_API is not set: run this binary as a Lambda function's bootstrap"
        );
        return ExitCode::from(2);
    };
    let api = RuntimeApi { address: api };
    let registry = match Registry::global() {
        Ok(r) => r,
        Err(e) => {
            let _ = api.post(
                "/2018-06-01/runtime/init/error",
                "RegistryError",
                &json!({"errorMessage": e.to_string(), "errorType": "RegistryError"}).to_string(),
            );
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let config = configuration_from_env(|name| std::env::var(name).ok());
    match &config {
        Ok(c) if c.is_diy() => {
            eprintln!("Loaded integrator-extension configuration. DIY module loaded.")
        }
        Ok(c) => eprintln!(
            "Loaded integrator-extension configuration. Connectors: {}",
            c.connector_ids().join(", ")
        ),
        // Node re-validates on every invocation: each one answers this error.
        Err(e) => eprintln!(
            "integrator-extension configuration error: {}: {}\n  set INTEGRATOR_EXTENSION_DIY=true, \
             or INTEGRATOR_EXTENSION_CONNECTORS=id1,id2, in the function's environment",
            e.code(),
            e.message()
        ),
    }
    let dispatcher = config.map(|c| Dispatcher::with_registry(c, registry));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    loop {
        let invocation = match api.next() {
            Ok(i) => i,
            Err(e) => {
                eprintln!("the Runtime API is gone ({e}): exiting");
                return ExitCode::FAILURE;
            }
        };
        let result = runtime.block_on(handle(&dispatcher, &invocation));
        let path = |kind: &str| {
            format!(
                "/2018-06-01/runtime/invocation/{}/{kind}",
                invocation.request_id
            )
        };
        let posted = match result {
            Ok(Reply::Json(body)) => {
                api.post(&path("response"), "", &String::from_utf8_lossy(&body))
            }
            Ok(Reply::NoValue) => api.post(&path("response"), "", "null"),
            Err(failure) => {
                let (body, error_type) = error_payload(&failure);
                // Codes only: a message can quote option values (a malformed
                // `connection.encrypted`, say), which must stay out of the logs.
                let codes: Vec<&str> = failure.errors.iter().map(|e| e.code.as_str()).collect();
                eprintln!(
                    "invocation {} failed: {}",
                    invocation.request_id,
                    codes.join(", ")
                );
                api.post(&path("error"), &error_type, &body)
            }
        };
        if let Err(e) = posted {
            eprintln!("cannot post the result of {}: {e}", invocation.request_id);
        }
    }
}

/// Status, headers and body of a Runtime API response.
type RawResponse = (u16, Vec<(String, String)>, Vec<u8>);

/// The Runtime API over plain HTTP/1.1, one connection per request (it is on loopback).
struct RuntimeApi {
    address: String,
}

impl RuntimeApi {
    fn next(&self) -> io::Result<Invocation> {
        let (status, headers, body) =
            self.request("GET", "/2018-06-01/runtime/invocation/next", &[], b"")?;
        if status != 200 {
            return Err(io::Error::other(format!(
                "next invocation answered {status}"
            )));
        }
        let request_id = header(&headers, "Lambda-Runtime-Aws-Request-Id")
            .ok_or_else(|| io::Error::other("no Lambda-Runtime-Aws-Request-Id"))?
            .to_owned();
        Ok(Invocation {
            request_id,
            client_context: header(&headers, "Lambda-Runtime-Client-Context").map(str::to_owned),
            event: body,
        })
    }

    fn post(&self, path: &str, error_type: &str, body: &str) -> io::Result<()> {
        let mut headers = vec![("Content-Type", "application/json")];
        if !error_type.is_empty() {
            headers.push(("Lambda-Runtime-Function-Error-Type", error_type));
        }
        let (status, _, answer) = self.request("POST", path, &headers, body.as_bytes())?;
        if status >= 300 {
            return Err(io::Error::other(format!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&answer)
            )));
        }
        Ok(())
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<RawResponse> {
        let mut stream = TcpStream::connect(&self.address)?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse_response(&raw)
    }
}

/// Status, headers and body of a complete HTTP/1.1 response (`Content-Length`, chunked, or
/// until the connection closed).
fn parse_response(raw: &[u8]) -> io::Result<RawResponse> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let body = if header(&headers, "transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        let mut body = Vec::new();
        let mut at = 0;
        loop {
            let line_end = rest
                .get(at..)
                .ok_or_else(|| bad("short chunk"))?
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| bad("bad chunk"))?
                + at;
            let size_text =
                std::str::from_utf8(&rest[at..line_end]).map_err(|_| bad("bad chunk size"))?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| bad("bad chunk size"))?;
            at = line_end + 2;
            if size == 0 {
                break;
            }
            let end = at.checked_add(size).ok_or_else(|| bad("bad chunk size"))?;
            body.extend_from_slice(rest.get(at..end).ok_or_else(|| bad("short chunk"))?);
            at = end + 2;
        }
        body
    } else if let Some(len) =
        header(&headers, "content-length").and_then(|v| v.parse::<usize>().ok())
    {
        rest.get(..len).ok_or_else(|| bad("short body"))?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok((status, headers, body))
}

/// A header's value, its name compared case-insensitively.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorItem;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn configuration_follows_section_2_1() {
        let code = |pairs| {
            configuration_from_env(env(pairs))
                .unwrap_err()
                .code()
                .to_owned()
        };
        assert_eq!(code(&[]), "missing_parameter");
        assert_eq!(
            code(&[("INTEGRATOR_EXTENSION_DIY", "false")]),
            "missing_required_field"
        );
        assert_eq!(
            code(&[
                ("INTEGRATOR_EXTENSION_DIY", "true"),
                ("INTEGRATOR_EXTENSION_CONNECTORS", "a")
            ]),
            "invalid_configuration"
        );
        assert_eq!(
            code(&[("INTEGRATOR_EXTENSION_CONNECTORS", ",")]),
            "invalid_field"
        );
        assert!(
            configuration_from_env(env(&[("INTEGRATOR_EXTENSION_DIY", "true")]))
                .unwrap()
                .is_diy()
        );
        let c =
            configuration_from_env(env(&[("INTEGRATOR_EXTENSION_CONNECTORS", "a, b")])).unwrap();
        assert_eq!(c.connector_ids(), ["a", "b"]);
    }

    #[test]
    fn errors_are_posted_as_section_7_4_says() {
        let (body, error_type) =
            error_payload(&Failure::unprocessable(vec![ErrorItem::new("c1", "m1")]));
        assert_eq!(error_type, "c1");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body["errorMessage"],
            r#"{"statusCode":422,"errors":[{"code":"c1","message":"m1"}]}"#
        );
    }

    #[test]
    fn responses_are_parsed_whole() {
        let (status, headers, body) = parse_response(
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap();
        assert_eq!(
            (status, headers[0].1.as_str(), body.as_slice()),
            (200, "r1", &b"{}"[..])
        );
        let (_, _, body) = parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!(body, b"abcde");
        // Truncated or absurd chunks are errors, not panics.
        for raw in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab"[..],
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabcdef",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
        ] {
            assert!(parse_response(raw).is_err());
        }
    }
}
