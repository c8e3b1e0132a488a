//! The AWS Lambda host ([protocol section 7](crate::protocol)): the function options are the
//! event, the envelope is the invocation's client context.
//!
//! It talks to the Lambda Runtime API itself (hyper's client, one kept-alive connection) instead
//! of using `lambda_runtime`: that crate parses the client context into the mobile-SDK struct
//! (`client`, `custom`, `environment`), silently dropping integrator.io's top-level keys, and a
//! context it cannot parse ends its loop and the process. Here the raw
//! `Lambda-Runtime-Client-Context` JSON is the envelope, and a missing or malformed one is a
//! 422 like any other bad envelope: the loop never stops on bad input.
//!
//! Every failure (configuration, validation, function error, panic, result checks) is posted
//! as a function error whose `errorMessage` is the compact JSON text
//! `{"statusCode":422,"errors":[...]}` (7.4) and whose `errorType` is the first error's code.
//! Logs go through `tracing` to stderr, as JSON objects when the function's
//! `AWS_LAMBDA_LOG_FORMAT` is `JSON`.

mod api;

use crate::hosts::cli::{self, Common, LogFormat};
use crate::States;
use crate::{
    Context, Dispatcher, Envelope, ExtensionError, Failure, Host, JsonText, Outcome, Reply,
};
use api::RuntimeApi;
use bytes::Bytes;
use clap::Args;
use std::process::ExitCode;
use std::time::Instant;

/// The Lambda host's command line: the settings every host shares, read from the function's
/// environment (`INTEGRATOR_EXTENSION_DIY=true` or `INTEGRATOR_EXTENSION_CONNECTORS=id1,id2`).
#[derive(Args, Clone, Debug)]
pub struct LambdaArgs {
    #[command(flatten)]
    pub common: Common,
}

/// One invocation as the Runtime API hands it over.
#[derive(Debug)]
pub struct Invocation {
    /// `Lambda-Runtime-Aws-Request-Id`.
    pub request_id: String,
    /// `Lambda-Runtime-Client-Context`: the raw JSON text, when present.
    pub client_context: Option<Bytes>,
    /// The event: the function options.
    pub event: Bytes,
    /// `Lambda-Runtime-Deadline-Ms`, when the invocation must have answered.
    pub deadline: Option<Instant>,
}

/// Answers one invocation: the envelope from the client context, the event as options.
///
/// `dispatcher` is built once at start; a configuration error instead answers every
/// invocation, as Node re-validates on each one.
pub async fn handle(
    dispatcher: &Result<Dispatcher, ExtensionError>,
    invocation: Invocation,
) -> Outcome {
    let dispatcher = dispatcher.as_ref().map_err(|e| Failure::from(e.clone()))?;
    let context = invocation
        .client_context
        .filter(|text| !text.iter().all(u8::is_ascii_whitespace));
    let envelope = match context {
        None => Envelope::default(),
        Some(text) => {
            let object = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            let envelope = Envelope::read(text, &[]).map_err(|e| {
                Failure::single(
                    "invalid_client_context",
                    format!("The client context is not valid JSON: {e}."),
                )
            })?;
            if !object {
                return Err(Failure::single(
                    "invalid_client_context",
                    "The client context must be a JSON object.",
                ));
            }
            envelope
        }
    };
    let event = if invocation.event.iter().all(u8::is_ascii_whitespace) {
        Bytes::from_static(b"null")
    } else {
        invocation.event
    };
    let options = JsonText::parse(event).map_err(|e| {
        Failure::single(
            "invalid_event",
            format!("The event is not valid JSON: {e}."),
        )
    })?;
    let context =
        Context::new(Host::Lambda, invocation.request_id).with_deadline(invocation.deadline);
    dispatcher
        .dispatch(&envelope.with_options(Some(options)), context)
        .await
}

/// The body and error type posted for a failure (section 7.4).
pub fn error_payload(failure: &Failure) -> (String, String) {
    let message = serde_json::to_string(failure).unwrap_or_default();
    let error_type = failure
        .errors
        .first()
        .map_or_else(|| "Error".to_owned(), |e| e.code.clone());
    let body = serde_json::json!({"errorMessage": message, "errorType": error_type}).to_string();
    (body, error_type)
}

/// A whole `main` for a Lambda function of this binary's functions (the `bootstrap` of a
/// custom runtime): serves invocations until the Runtime API goes away.
pub fn run_from_env() -> ExitCode {
    run_with(States::new())
}

/// [`run_from_env`] for functions that take state: `states` are their `State<T>` arguments.
pub fn run_with(states: States) -> ExitCode {
    cli::main::<LambdaArgs>(serve, states)
}

fn serve(mut args: LambdaArgs, configured: bool, states: States) -> ExitCode {
    let aws_json =
        std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if aws_json {
        args.common.log_format = LogFormat::Json;
    }
    args.common.init_logging();
    let Ok(address) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        eprintln!(
            "AWS_LAMBDA_RUNTIME_API is not set: run this binary as a Lambda function's bootstrap"
        );
        return ExitCode::from(2);
    };
    let runtime = match args.common.runtime(false) {
        Ok(r) => r,
        Err(e) => return cli::startup_error(&e),
    };
    crate::budget::tune_allocator();
    let code = runtime.block_on(async {
        let api = RuntimeApi::new(&address);
        let modules = if configured {
            args.common.modules().map_err(|e| e.0)
        } else {
            Err(cli::not_configured().0)
        };
        let dispatcher = match modules {
            Ok(modules) => match Dispatcher::builder(modules)
                .states(states)
                .expansion_limit(args.common.expansion_limit)
                .build()
            {
                Ok(d) => Ok(d),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start");
                    let body = serde_json::json!({"errorMessage": e.to_string(), "errorType": "RegistryError"});
                    let _ = api.init_error("RegistryError", body.to_string()).await;
                    return ExitCode::FAILURE;
                }
            },
            // Node re-validates on every invocation: each one answers this error.
            Err(e) => {
                tracing::error!(
                    code = e.code(),
                    message = e.message(),
                    "integrator-extension configuration error: set INTEGRATOR_EXTENSION_DIY=true, \
                     or INTEGRATOR_EXTENSION_CONNECTORS=id1,id2, in the function's environment"
                );
                Err(e)
            }
        };
        if let Ok(dispatcher) = &dispatcher {
            cli::log_loaded(dispatcher);
        }
        loop {
            let invocation = match api.next().await {
                Ok(i) => i,
                Err(e) => {
                    tracing::error!(error = %e, "the Runtime API is gone: exiting");
                    return ExitCode::FAILURE;
                }
            };
            let request_id = invocation.request_id.clone();
            let large = crate::budget::LargeCall::of(invocation.event.len());
            let posted = match handle(&dispatcher, invocation).await {
                Ok(Reply::Json(body)) => api.respond(&request_id, body).await,
                Ok(Reply::NoValue) => api.respond(&request_id, Bytes::from_static(b"null")).await,
                Err(failure) => {
                    let (body, error_type) = error_payload(&failure);
                    // Codes only: a message can quote option values (a malformed
                    // `connection.encrypted`, say), which must stay out of the logs.
                    let codes: Vec<&str> = failure.errors.iter().map(|e| e.code.as_str()).collect();
                    tracing::info!(request_id = %request_id, codes = %codes.join(", ").escape_debug(), "invocation failed");
                    api.fail(&request_id, &error_type, body).await
                }
            };
            if let Err(e) = posted {
                tracing::error!(request_id = %request_id, error = %e, "cannot post the result");
            }
            // The answer is out and the call's memory freed: give a large call's back before
            // the next invocation (or the freeze between invocations).
            if let Some(call) = large {
                call.release_memory();
            }
        }
    });
    runtime.shutdown_background();
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorItem;
    use serde_json::Value;

    /// The same memory rules as over HTTP: neither the client context nor the event is built
    /// into a tree before it is needed, and an event that would expand is refused.
    #[test]
    fn hostile_client_contexts_and_events_are_bounded() {
        let dispatcher = Ok(crate::Dispatcher::new(crate::Configuration::diy()).unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let tiny = format!("[{}]", vec![r#"{"k":1}"#; 200_000].join(","));
        let invocation = |context: String, event: String| Invocation {
            request_id: "r".into(),
            client_context: Some(Bytes::from(context)),
            event: Bytes::from(event),
            deadline: None,
        };
        // A large array where a string is expected names no function: an answer, no tree.
        let answer = runtime.block_on(handle(
            &dispatcher,
            invocation(
                format!(r#"{{"diy":true,"type":{tiny},"function":"echo"}}"#),
                "{}".into(),
            ),
        ));
        let failure = answer.unwrap_err();
        assert_eq!(failure.errors[0].code, "object_not_found");
        assert!(failure.errors[0].message.len() < 100);
        // An event of 200 000 tiny objects (about 80 MB as values) is refused.
        let answer = runtime.block_on(handle(
            &dispatcher,
            invocation(
                r#"{"diy":true,"type":"utility","function":"echo"}"#.into(),
                format!(r#"{{"big":{tiny}}}"#),
            ),
        ));
        assert_eq!(answer.unwrap_err().errors[0].code, "options_too_large");
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Order {
        id: String,
        total: i64,
    }

    #[crate::pre_map(name = "lambdaOrders")]
    fn lambda_orders(
        options: crate::hooks::PreMapOptions<Order>,
    ) -> Result<crate::hooks::PreMapResponse<Order>, crate::ExtensionError> {
        Ok(options
            .data
            .into_iter()
            .map(crate::hooks::MapResult::keep)
            .collect())
    }

    /// A record that does not fit the function's record type is that record's error on Lambda
    /// as over HTTP: the event is the options, the answer has one element per record.
    #[crate::post_submit(name = "lambdaEntries")]
    fn lambda_entries(
        options: crate::hooks::PostSubmitOptions,
    ) -> Result<crate::hooks::PostSubmitResponse, crate::ExtensionError> {
        Ok(options.response_data)
    }

    /// What `function` answers to `event` through the Lambda host.
    fn answer(function: &str, event: &'static str) -> String {
        let dispatcher = Ok(crate::Dispatcher::new(crate::Configuration::diy()).unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = runtime.block_on(handle(
            &dispatcher,
            Invocation {
                request_id: "r".into(),
                client_context: Some(Bytes::from(format!(
                    r#"{{"diy":true,"type":"hook","function":"{function}"}}"#
                ))),
                event: Bytes::from_static(event.as_bytes()),
                deadline: None,
            },
        ));
        let Ok(Reply::Json(body)) = answer else {
            panic!("an answer")
        };
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[test]
    fn a_misfit_record_is_its_own_error() {
        assert_eq!(
            answer(
                "lambdaOrders",
                r#"{"data":[{"id":"a","total":1},{"id":"b","total":1.5}]}"#
            ),
            r#"[{"data":{"id":"a","total":1}},{"errors":[{"code":"invalid_record","message":"Invalid record for lambdaOrders (preMap): field `data[1].total`: invalid type: floating point `1.5`, expected i64."}]}]"#
        );
    }

    #[test]
    fn typed_entries_echoed_keep_their_members_order() {
        assert_eq!(
            answer(
                "lambdaEntries",
                r#"{"postMapData":[{}],"responseData":[{"id":7,"x":1,"errors":[{"message":"m","code":"c"}],"statusCode":422}]}"#
            ),
            r#"[{"id":7,"x":1,"errors":[{"message":"m","code":"c"}],"statusCode":422}]"#
        );
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
}
