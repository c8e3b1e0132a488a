//! The HTTP host's settings: [`HttpConfig`] for programs that build one, [`HttpArgs`] for the
//! command line (its flags and `INTEGRATOR_EXTENSION_*` variables), checked with the texts of
//! protocol section 2.

use crate::hosts::cli::{Common, ConfigError};
use crate::{Configuration, ExtensionError};
use clap::Args;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// How the HTTP host runs. Defaults follow the Node server (section 6.6) except the address,
/// which is loopback unless you choose otherwise.
#[derive(Clone)]
pub struct HttpConfig {
    /// Address to listen on (`127.0.0.1` by default).
    pub bind: IpAddr,
    /// Port to listen on (`0` picks a free one).
    pub port: u16,
    /// The stack's system token: the only credential `/function` accepts.
    pub system_token: String,
    /// DIY or the connector ids served.
    pub modules: Configuration,
    /// Largest request body (50 MiB).
    pub body_limit: usize,
    /// Request bytes decoded at once, across calls (twice the body limit): a call whose body
    /// would pass it waits up to 5 s for others to finish, then is answered 503
    /// `server_busy` with `Retry-After`. Memory at worst is about this times one plus the
    /// expansion limit, above idle (README, "Limits and memory").
    pub decode_budget: usize,
    /// When a still-running call gets its `102 Processing` (270 s).
    pub heartbeat: Duration,
    /// Socket inactivity timeout while a request is in flight (315 s).
    pub socket_timeout: Duration,
    /// Idle keep-alive timeout between requests (301 s).
    pub keep_alive_timeout: Duration,
    /// Time allowed to receive a request's headers (305 s).
    pub headers_timeout: Duration,
    /// How long a graceful shutdown waits for calls in flight (60 s).
    pub shutdown_grace: Duration,
    /// How long a function may take before its call is answered with a 422
    /// `function_timeout` (none by default, as in Node); functions see it as their
    /// `Context::deadline`.
    pub call_timeout: Option<Duration>,
    /// Connections the kernel queues before they are accepted (511, as Node's `listen`;
    /// the kernel caps it at `net.core.somaxconn`). A burst larger than the queue gets
    /// refused or reset connections, so a small one loses calls under load.
    pub backlog: u32,
    /// Let anyone drain (`/openConnections?terminate=true`) or stop (`/stopServer`) the
    /// server without the system token, as the Node server does.
    pub open_operations: bool,
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("system_token", &"<redacted>")
            .field("modules", &self.modules)
            .field("body_limit", &self.body_limit)
            .field("decode_budget", &self.decode_budget)
            .field("heartbeat", &self.heartbeat)
            .field("socket_timeout", &self.socket_timeout)
            .field("keep_alive_timeout", &self.keep_alive_timeout)
            .field("headers_timeout", &self.headers_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("call_timeout", &self.call_timeout)
            .field("backlog", &self.backlog)
            .field("open_operations", &self.open_operations)
            .finish()
    }
}

/// Default port of the command line: the Node server's 80 needs privileges on most hosts.
pub const DEFAULT_PORT: u16 = 7000;

impl HttpConfig {
    /// A configuration with the defaults, for `modules` and `system_token`.
    pub fn new(modules: Configuration, system_token: impl Into<String>) -> Self {
        HttpConfig {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: DEFAULT_PORT,
            system_token: system_token.into(),
            modules,
            body_limit: 52_428_800,
            decode_budget: 2 * 52_428_800,
            heartbeat: Duration::from_millis(270_000),
            socket_timeout: Duration::from_millis(315_000),
            keep_alive_timeout: Duration::from_millis(301_000),
            headers_timeout: Duration::from_millis(305_000),
            shutdown_grace: Duration::from_secs(60),
            call_timeout: None,
            backlog: 511,
            open_operations: false,
        }
    }
}

/// The HTTP host's command line: the settings every host shares, then its own.
#[derive(Args, Clone, Debug)]
pub struct HttpArgs {
    #[command(flatten)]
    pub common: Common,

    /// The stack's system token, the only credential `/function` accepts. Without one, on a
    /// loopback address, a token is generated and printed once.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "INTEGRATOR_EXTENSION_SYSTEM_TOKEN",
        hide_env_values = true
    )]
    pub system_token: Option<String>,

    /// Port to listen on (0: any free one).
    #[arg(long, env = "INTEGRATOR_EXTENSION_PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// Address to listen on.
    #[arg(
        long,
        value_name = "ADDRESS",
        env = "INTEGRATOR_EXTENSION_BIND",
        default_value = "127.0.0.1"
    )]
    pub bind: IpAddr,

    /// Largest request body, in bytes.
    #[arg(
        long,
        value_name = "BYTES",
        env = "INTEGRATOR_EXTENSION_BODY_LIMIT",
        default_value_t = 52_428_800
    )]
    pub body_limit: usize,

    /// Request bytes decoded at once, across calls; past it calls wait, then get a 503
    /// (default: twice the body limit).
    #[arg(long, value_name = "BYTES", env = "INTEGRATOR_EXTENSION_DECODE_BUDGET",
          value_parser = clap::value_parser!(u64).range(1024..))]
    pub decode_budget: Option<u64>,

    /// Milliseconds after which a running call gets its `102 Processing`.
    #[arg(
        long,
        value_name = "MS",
        env = "INTEGRATOR_EXTENSION_HEARTBEAT_MS",
        default_value_t = 270_000
    )]
    pub heartbeat_ms: u64,

    /// Socket inactivity timeout while a request is in flight, in milliseconds.
    #[arg(
        long,
        value_name = "MS",
        env = "INTEGRATOR_EXTENSION_TIMEOUT_MS",
        default_value_t = 315_000
    )]
    pub timeout_ms: u64,

    /// Idle keep-alive timeout between requests, in milliseconds.
    #[arg(
        long,
        value_name = "MS",
        env = "INTEGRATOR_EXTENSION_KEEP_ALIVE_TIMEOUT_MS",
        default_value_t = 301_000
    )]
    pub keep_alive_timeout_ms: u64,

    /// Time allowed to receive a request's headers, in milliseconds.
    #[arg(
        long,
        value_name = "MS",
        env = "INTEGRATOR_EXTENSION_HEADERS_TIMEOUT_MS",
        default_value_t = 305_000
    )]
    pub headers_timeout_ms: u64,

    /// How long SIGTERM waits for calls in flight, in milliseconds.
    #[arg(
        long,
        value_name = "MS",
        env = "INTEGRATOR_EXTENSION_SHUTDOWN_GRACE_MS",
        default_value_t = 60_000
    )]
    pub shutdown_grace_ms: u64,

    /// How long a function may take before its call is answered with a 422 `function_timeout`
    /// (its `Context::deadline`); none by default, as in Node.
    #[arg(long, value_name = "MS", env = "INTEGRATOR_EXTENSION_CALL_TIMEOUT_MS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub call_timeout_ms: Option<u64>,

    /// Pending-connection queue of the listening socket.
    #[arg(long, value_name = "N", env = "INTEGRATOR_EXTENSION_BACKLOG", default_value_t = 511,
          value_parser = clap::value_parser!(u32).range(1..=0x7fff_ffff))]
    pub backlog: u32,

    /// Allow `/stopServer` and `?terminate=true` without the system token (Node's behaviour).
    #[arg(long, env = "INTEGRATOR_EXTENSION_OPEN_OPERATIONS",
          value_parser = clap::builder::BoolishValueParser::new(),
          action = clap::ArgAction::SetTrue)]
    pub open_operations: bool,
}

impl HttpArgs {
    /// The configuration, after the checks of section 2 in order; `true` with it when the
    /// system token was generated (loopback only).
    pub fn config(&self) -> Result<(HttpConfig, bool), ConfigError> {
        let modules = self.common.modules()?;
        let (system_token, generated) = match &self.system_token {
            Some(token) if !token.is_empty() => (token.clone(), false),
            _ if self.bind.is_loopback() => (generate_token(), true),
            _ => {
                return Err(ConfigError(ExtensionError::new(
                    "missing_required_field",
                    "systemToken not provided in options.",
                )))
            }
        };
        let config = HttpConfig {
            bind: self.bind,
            port: self.port,
            system_token,
            modules,
            body_limit: self.body_limit,
            decode_budget: self
                .decode_budget
                .map_or(self.body_limit.saturating_mul(2), |b| {
                    usize::try_from(b).unwrap_or(usize::MAX)
                }),
            heartbeat: Duration::from_millis(self.heartbeat_ms),
            socket_timeout: Duration::from_millis(self.timeout_ms),
            keep_alive_timeout: Duration::from_millis(self.keep_alive_timeout_ms),
            headers_timeout: Duration::from_millis(self.headers_timeout_ms),
            shutdown_grace: Duration::from_millis(self.shutdown_grace_ms),
            call_timeout: self.call_timeout_ms.map(Duration::from_millis),
            backlog: self.backlog,
            open_operations: self.open_operations,
        };
        Ok((config, generated))
    }
}

/// A token for a local run: 32 hexadecimal digits from the operating system's random source.
fn generate_token() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness there is no safe token: refuse to start rather than guess one.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hosts::cli::{self, Run};

    /// The configuration a command line gives, or the section 2 error.
    fn config(args: &[&str]) -> Result<(HttpConfig, bool), (String, String)> {
        let run = cli::parse::<HttpArgs>(std::iter::once("server").chain(args.iter().copied()));
        let Ok(Run::Serve(args, configured)) = run else {
            panic!("{args:?} is a usage error: {run:?}");
        };
        let checked = if configured {
            args.config()
        } else {
            Err(cli::not_configured())
        };
        checked.map_err(|e| (e.0.code().to_owned(), e.0.message().to_owned()))
    }

    fn code(args: &[&str]) -> String {
        config(args).unwrap_err().0
    }

    fn usage_error(args: &[&str]) -> clap::error::ErrorKind {
        cli::parse::<HttpArgs>(std::iter::once("server").chain(args.iter().copied()))
            .unwrap_err()
            .kind()
    }

    // One test: the environment is the process's, so its cases must not run side by side.
    #[test]
    fn section_2_checks_flags_and_environment() {
        assert_eq!(
            config(&[]).unwrap_err(),
            (
                "missing_parameter".into(),
                "Options parameter is not provided.".into()
            )
        );
        assert_eq!(
            config(&["--port", "7001"]).unwrap_err(),
            (
                "missing_required_field".into(),
                "Either DIY or connectors field needs to be set.".into()
            )
        );
        assert_eq!(
            code(&["--diy", "--connector", "c1"]),
            "invalid_configuration"
        );
        assert_eq!(
            config(&["--connector", ""]).unwrap_err(),
            (
                "invalid_field".into(),
                "No connector modules provided in the connectors field.".into()
            )
        );
        assert_eq!(
            config(&["--diy", "--bind", "0.0.0.0"]).unwrap_err(),
            (
                "missing_required_field".into(),
                "systemToken not provided in options.".into()
            )
        );

        let (c, generated) = config(&["--diy", "--port=7100", "--heartbeat-ms", "50"]).unwrap();
        assert!(c.modules.is_diy() && generated && c.system_token.len() == 32);
        assert!(c.system_token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            (c.port, c.heartbeat, c.backlog),
            (7100, Duration::from_millis(50), 511)
        );
        assert!(c.bind.is_loopback());
        let (c, _) = config(&["serve", "--connector", "a,b", "--connector", " c "]).unwrap();
        assert_eq!(c.modules.connector_ids(), ["a", "b", "c"]);
        assert!(
            !format!("{c:?}").contains(&c.system_token),
            "the token stays out of Debug"
        );

        assert_eq!(
            usage_error(&["--diy", "--backlog", "0"]),
            clap::error::ErrorKind::ValueValidation
        );
        assert_eq!(
            usage_error(&["--diy", "--nope"]),
            clap::error::ErrorKind::UnknownArgument
        );
        assert_eq!(
            usage_error(&["--diy", "--port", "x"]),
            clap::error::ErrorKind::ValueValidation
        );
        assert_eq!(
            usage_error(&["--help"]),
            clap::error::ErrorKind::DisplayHelp
        );
        assert_eq!(
            usage_error(&["--version"]),
            clap::error::ErrorKind::DisplayVersion
        );

        // The environment, where a flag is not given; any setting there counts as configured.
        let vars = [
            ("INTEGRATOR_EXTENSION_CONNECTORS", "x, y"),
            ("INTEGRATOR_EXTENSION_SYSTEM_TOKEN", "tok"),
            ("INTEGRATOR_EXTENSION_PORT", "7200"),
            ("INTEGRATOR_EXTENSION_BACKLOG", "64"),
            ("INTEGRATOR_EXTENSION_OPEN_OPERATIONS", "yes"),
        ];
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
        let result = config(&["--port", "7300"]);
        let heartbeat_only = {
            for (name, _) in vars {
                std::env::remove_var(name);
            }
            std::env::set_var("INTEGRATOR_EXTENSION_HEARTBEAT_MS", "5");
            let result = config(&[]);
            std::env::remove_var("INTEGRATOR_EXTENSION_HEARTBEAT_MS");
            result
        };
        let (c, generated) = result.unwrap();
        assert_eq!(c.modules.connector_ids(), ["x", "y"]);
        assert_eq!(
            (
                c.system_token.as_str(),
                generated,
                c.port,
                c.backlog,
                c.open_operations
            ),
            ("tok", false, 7300, 64, true)
        );
        assert_eq!(heartbeat_only.unwrap_err().0, "missing_required_field");
    }
}
