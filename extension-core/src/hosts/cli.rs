//! The command line every host binary shares (clap), and what a host needs of it at start:
//! the module configuration checked with the texts of protocol section 2.1, logging, and the
//! runtime. Flags win over `INTEGRATOR_EXTENSION_*` variables.

use super::commands;
use crate::{Configuration, ExtensionError, States};
use clap::builder::BoolishValueParser;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, ValueEnum};
use std::fmt;
use std::process::ExitCode;

/// What every host is configured with: which module it serves, how it logs, and how many
/// threads may run plain `fn`s at once.
#[derive(Args, Clone, Debug)]
pub struct Common {
    /// Serve the functions as the DIY module.
    #[arg(long, env = "INTEGRATOR_EXTENSION_DIY", value_parser = BoolishValueParser::new(),
          action = clap::ArgAction::SetTrue)]
    pub diy: bool,

    /// Serve them for this `_connectorId` (repeat, or comma-separate).
    #[arg(
        long = "connector",
        value_name = "ID",
        env = "INTEGRATOR_EXTENSION_CONNECTORS",
        value_delimiter = ','
    )]
    pub connectors: Vec<String>,

    /// Log lines as text or as JSON objects (one per line, durations as numbers).
    #[arg(
        long,
        value_enum,
        env = "INTEGRATOR_EXTENSION_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,

    /// Threads that may run plain (non-async) functions at once; calls beyond wait their turn.
    #[arg(long, value_name = "N", env = "INTEGRATOR_EXTENSION_BLOCKING_THREADS",
          default_value_t = DEFAULT_BLOCKING_THREADS,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub blocking_threads: u16,

    /// How many times their own size a call's options may take in memory once decoded (at
    /// least 16 MiB); past it the call is a 422 `options_too_large`.
    #[arg(long, value_name = "FACTOR", env = "INTEGRATOR_EXTENSION_EXPANSION_LIMIT",
          default_value_t = crate::budget::DEFAULT_EXPANSION_LIMIT,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub expansion_limit: u32,
}

/// Default size of the pool that runs plain `fn`s: each thread can hold a connection of a
/// blocking database driver, so this is about the size of such a pool, not of the machine.
pub const DEFAULT_BLOCKING_THREADS: u16 = 64;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl Common {
    /// The module configuration, checked as section 2.1 says.
    pub fn modules(&self) -> Result<Configuration, ConfigError> {
        let connectors: Vec<serde_json::Value> = self
            .connectors
            .iter()
            .map(|id| id.trim())
            .filter(|id| !id.is_empty())
            .map(|id| serde_json::Value::String(id.to_owned()))
            .collect();
        let connectors =
            (!self.connectors.is_empty()).then_some(serde_json::Value::Array(connectors));
        Configuration::from_members(self.diy, connectors.as_ref()).map_err(ConfigError)
    }

    /// A runtime for a host: plain `fn`s run on its blocking pool of `blocking_threads`.
    pub fn runtime(&self, multi_thread: bool) -> std::io::Result<tokio::runtime::Runtime> {
        let mut builder = if multi_thread {
            tokio::runtime::Builder::new_multi_thread()
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        builder
            .max_blocking_threads(usize::from(self.blocking_threads))
            .enable_all()
            .build()
    }

    /// Logs to stderr in the chosen format; `RUST_LOG` filters (default `info`).
    pub fn init_logging(&self) {
        init_logging(self.log_format);
    }
}

pub(crate) fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Section 2.1, check 1: whether anything at all was configured, on the command line or in
/// the environment (defaults do not count).
pub(crate) fn configured(matches: &ArgMatches) -> bool {
    matches.ids().any(|id| {
        matches!(
            matches.value_source(id.as_str()),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    })
}

/// A configuration error: a section 2 error (`code`, `message`) or a bad setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub ExtensionError);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code(), self.0.message())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// What to do about it, for the command line (the code and message stay Node's).
    pub fn hint(&self) -> &'static str {
        match (self.0.code(), self.0.message()) {
            (_, "systemToken not provided in options.") => {
                "pass --system-token TOKEN (or INTEGRATOR_EXTENSION_SYSTEM_TOKEN): \
                 an address other than loopback needs the stack's token"
            }
            _ => {
                "pass --diy, or --connector ID once per connector (or INTEGRATOR_EXTENSION_DIY=true, \
                 INTEGRATOR_EXTENSION_CONNECTORS=id1,id2); see --help"
            }
        }
    }
}

/// Check 1 of section 2.1: nothing was configured at all.
pub(crate) fn not_configured() -> ConfigError {
    ConfigError(crate::config::options_not_provided())
}

/// A host binary's command line: `serve` unless another subcommand is named, so that a
/// command line without one keeps serving.
#[derive(clap::Parser, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli<S: Args> {
    #[command(subcommand)]
    command: Option<Command<S>>,

    #[command(flatten)]
    serve: S,
}

#[derive(clap::Subcommand, Debug)]
enum Command<S: Args> {
    /// Serve this binary's functions (what runs when no subcommand is given).
    Serve(S),
    /// List the registered functions: wire name, kind, group, Rust path, source, types.
    List {
        /// Print a JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run one function here, through the same dispatcher as the servers, and print its
    /// answer: the response JSON (exit 0), or `{"errors":[...]}` (exit 1, status on stderr).
    Invoke(commands::InvokeArgs),
    /// Print the JSON Schemas of a function's options and response.
    Schema {
        /// The function's wire name.
        name: String,
    },
}

/// What a host binary's command line asks for.
#[derive(Debug)]
pub(crate) enum Run<S> {
    /// Serve, with the settings and whether anything was configured at all (section 2.1,
    /// check 1: defaults do not count).
    Serve(S, bool),
    /// Anything else: a command that runs here and exits.
    Command(commands::Command),
}

/// Parses a host binary's command line (`args` starts with the program's name).
pub(crate) fn parse<S: Args + clap::FromArgMatches>(
    args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
) -> Result<Run<S>, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `--version` and the help name the binary, not this crate.
    let program = args
        .first()
        .and_then(|p| std::path::Path::new(p).file_name())
        .map_or_else(
            || "extension".to_owned(),
            |p| p.to_string_lossy().into_owned(),
        );
    let version = concat!("(extension-core ", env!("CARGO_PKG_VERSION"), ")");
    let command = Cli::<S>::command()
        .name(program)
        .version(version)
        .about("Serves this binary's integrator.io extension functions; `list`, `invoke` and `schema` look at them here.");
    let matches = command.try_get_matches_from(args)?;
    let cli = Cli::<S>::from_arg_matches(&matches)?;
    Ok(match cli.command {
        None => Run::Serve(cli.serve, configured(&matches)),
        Some(Command::Serve(args)) => {
            let configured = matches.subcommand_matches("serve").is_some_and(configured);
            Run::Serve(args, configured)
        }
        Some(Command::List { json }) => Run::Command(commands::Command::List { json }),
        Some(Command::Invoke(args)) => Run::Command(commands::Command::Invoke(args)),
        Some(Command::Schema { name }) => Run::Command(commands::Command::Schema { name }),
    })
}

/// Runs a host binary: parses the command line, then does what it asks. `states` are what its
/// functions' `State<T>` arguments are given, when serving and when invoked here.
pub(crate) fn main<S: Args + clap::FromArgMatches>(
    serve: fn(S, bool, States) -> ExitCode,
    states: States,
) -> ExitCode {
    match parse::<S>(std::env::args_os()) {
        Ok(Run::Serve(args, configured)) => serve(args, configured, states),
        Ok(Run::Command(command)) => command.run(states),
        // Usage errors exit with 2, --help and --version with 0.
        Err(e) => e.exit(),
    }
}

/// Prints a configuration error with what to do about it; exit code 2.
pub(crate) fn config_error(e: &ConfigError) -> ExitCode {
    eprintln!("{e}\n  {}", e.hint());
    ExitCode::from(2)
}

/// Prints why the host cannot start (nothing registered, no runtime); exit code 2.
pub(crate) fn startup_error(e: &dyn fmt::Display) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(2)
}

/// The start-up lines (Node logs the first two too).
pub(crate) fn log_loaded(dispatcher: &crate::Dispatcher) {
    let modules = dispatcher.configuration();
    tracing::info!("Loaded integrator-extension configuration.");
    if modules.is_diy() {
        tracing::info!("DIY module loaded.");
    }
    for id in modules.connector_ids() {
        tracing::info!(connector_id = %id.escape_debug(), "connector module loaded");
    }
    for f in dispatcher.registry().iter() {
        tracing::info!(
            function = f.name(),
            kind = f.kind().wire_name(),
            group = f.group().map_or("(flat)", |g| g.property()),
            "registered"
        );
    }
}
