//! The commands every host binary has besides `serve`: `list`, `invoke` and `schema`. They
//! look at the binary's own functions, here, with no server.

use super::local::Local;
use crate::{Configuration, Dispatcher, FunctionKind, Registration, Registry, Reply, States};
use bytes::Bytes;
use clap::Args;
use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::process::ExitCode;

/// `invoke NAME [--type T] [--options FILE|-] [--envelope FILE|-] [--connector ID | --diy]`.
#[derive(Args, Clone, Debug)]
pub struct InvokeArgs {
    /// The function's wire name.
    pub name: String,

    /// Send this `type` (a grouped, 1.0-style request); without it the request is flat.
    #[arg(long = "type", value_name = "TYPE")]
    pub type_: Option<String>,

    /// The function options: a JSON file, or `-` for standard input (default: the envelope's
    /// `options`, else `{}`).
    #[arg(long, value_name = "FILE|-")]
    pub options: Option<String>,

    /// An envelope to start from (`maxResponseSize` and other members, its `options`): a JSON
    /// file, or `-` for standard input.
    #[arg(long, value_name = "FILE|-")]
    pub envelope: Option<String>,

    /// Call the functions as this connector's module (`_connectorId`).
    #[arg(long, value_name = "ID", conflicts_with = "diy")]
    pub connector: Option<String>,

    /// Call the functions as the DIY module (the default).
    #[arg(long)]
    pub diy: bool,
}

/// A command that runs here and exits.
#[derive(Debug)]
pub(crate) enum Command {
    List { json: bool },
    Invoke(InvokeArgs),
    Schema { name: String },
}

impl Command {
    pub(crate) fn run(self, states: States) -> ExitCode {
        let result = match self {
            Command::List { json } => list(json),
            Command::Invoke(args) => invoke(args, states),
            Command::Schema { name } => schema(&name),
        };
        result.unwrap_or_else(|message| {
            eprintln!("{message}");
            ExitCode::from(2)
        })
    }
}

/// What a failed write to stdout means: nothing when the reader went away (`| head`).
fn written(result: std::io::Result<()>, what: &str) -> Result<(), String> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the {what}: {e}"))
        }
        _ => Ok(()),
    }
}

fn registry() -> Result<std::sync::Arc<Registry>, String> {
    Registry::global().map_err(|e| e.to_string())
}

fn describe(r: &Registration) -> Value {
    json!({
        "name": r.name(),
        "kind": r.kind().wire_name(),
        "group": r.group().map(|g| g.property()),
        "rustPath": r.rust_path(),
        "file": r.file(),
        "line": r.line(),
        "options": r.options_type(),
        "returns": r.return_type(),
        "states": r.state_types().collect::<Vec<_>>(),
    })
}

fn list(as_json: bool) -> Result<ExitCode, String> {
    let registry = registry()?;
    let mut out = std::io::stdout().lock();
    let written_list = if as_json {
        let all: Vec<Value> = registry.iter().map(describe).collect();
        writeln!(out, "{}", Value::Array(all))
    } else {
        registry.iter().try_for_each(|r| {
            let group = r.group().map_or("(flat)", |g| g.property());
            let states: Vec<_> = r.state_types().map(|s| format!("State<{s}>")).collect();
            let states = if states.is_empty() {
                String::new()
            } else {
                format!(" + {}", states.join(" + "))
            };
            writeln!(
                out,
                "{:<24} {:<20} {group:<12} {}  {}:{}\n{:<58}{}{states} -> {}",
                r.name(),
                r.kind().wire_name(),
                r.rust_path(),
                r.file(),
                r.line(),
                "",
                r.options_type(),
                r.return_type(),
            )
        })
    };
    written(written_list, "list")?;
    Ok(ExitCode::SUCCESS)
}

fn read_json(source: &str, what: &str) -> Result<Value, String> {
    let mut text = String::new();
    let read = if source == "-" {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::read_to_string(source).map(|t| text = t)
    };
    read.map_err(|e| format!("cannot read the {what} from {source}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the {what} in {source} is not JSON: {e}"))
}

fn invoke(args: InvokeArgs, states: States) -> Result<ExitCode, String> {
    let mut envelope = match &args.envelope {
        Some(source) => match read_json(source, "envelope")? {
            Value::Object(members) => members,
            _ => return Err(format!("the envelope in {source} must be a JSON object")),
        },
        None => Map::new(),
    };
    let modules = match &args.connector {
        Some(id) => {
            envelope.remove("diy");
            envelope.insert("_connectorId".into(), json!(id));
            Configuration::connectors([id.clone()]).map_err(|e| e.message().to_owned())?
        }
        None if !args.diy && envelope.contains_key("_connectorId") => {
            let id = envelope["_connectorId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Configuration::connectors([id]).map_err(|e| e.message().to_owned())?
        }
        None => {
            envelope.insert("diy".into(), json!(true));
            Configuration::diy()
        }
    };
    envelope.insert("function".into(), json!(args.name));
    if let Some(type_) = &args.type_ {
        envelope.insert("type".into(), json!(type_));
    }
    if let Some(source) = &args.options {
        envelope.insert("options".into(), read_json(source, "options")?);
    }
    envelope.entry("options").or_insert_with(|| json!({}));

    let dispatcher = Dispatcher::builder(modules)
        .states(states)
        .build()
        .map_err(|e| e.to_string())?;
    let local = Local::new(dispatcher).map_err(|e| format!("cannot start a runtime: {e}"))?;
    let body = Bytes::from(Value::Object(envelope).to_string());
    let mut out = std::io::stdout().lock();
    let (result, code) = match local.call(body) {
        Ok(Reply::Json(json)) => (out.write_all(&json).and_then(|()| writeln!(out)), 0),
        Ok(Reply::NoValue) => {
            eprintln!("200 (no value)");
            (Ok(()), 0)
        }
        Err(failure) => {
            eprintln!("{}", failure.status_code);
            let body = json!({ "errors": failure.errors });
            (writeln!(out, "{body}"), 1)
        }
    };
    written(result, "answer")?;
    Ok(ExitCode::from(code))
}

fn schema(name: &str) -> Result<ExitCode, String> {
    let registry = registry()?;
    let Some(function) = registry.flat(name) else {
        let names: Vec<_> = registry.iter().map(Registration::name).collect();
        return Err(format!(
            "no function is registered as `{name}`; the registered ones are: {}",
            names.join(", ")
        ));
    };
    let kind: FunctionKind = function.kind();
    let schemas = json!({
        "function": name,
        "kind": kind.wire_name(),
        "options": crate::schema::options(kind),
        "response": crate::schema::response(kind),
    });
    let text = serde_json::to_string_pretty(&schemas).unwrap_or_default();
    written(writeln!(std::io::stdout().lock(), "{text}"), "schemas")?;
    Ok(ExitCode::SUCCESS)
}
