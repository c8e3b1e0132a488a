//! Write integrator.io extension functions (hooks, wrappers, installers, settings,
//! utilities) as plain Rust functions. An attribute checks each function against its
//! documented signature at compile time and registers it at link time; a [`Dispatcher`]
//! finds and calls it from the JSON envelope integrator.io sends, exactly as Celigo's Node
//! `integrator-extension` does, so any host (HTTP, Lambda, a test) can serve it.
//!
//! ```
//! use extension_core::prelude::*;
//!
//! #[pre_save_page]
//! async fn tag_records(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
//!     let data = options
//!         .data
//!         .into_iter()
//!         .map(|mut record| {
//!             record["tagged"] = json!(true);
//!             record
//!         })
//!         .collect();
//!     Ok(PreSavePageResponse { data, errors: options.errors, ..Default::default() })
//! }
//! # fn main() {}
//! ```
//!
//! Records are [`Record`]s (kept as their text, decoded member by member as the function
//! touches them) unless you name a type of your own
//! (`PreSavePageOptions<MyRecord>`), and the error may be [`ExtensionError`] or any
//! `std::error::Error`.

#![cfg_attr(docsrs, feature(doc_cfg))]

// The expansion names `::extension_core`: let the crate's own tests use the attributes.
extern crate self as extension_core;

mod budget;
mod call;
mod codes;
mod config;
pub mod connectors;
mod context;
mod dispatch;
mod envelope;
mod error;
#[cfg(all(feature = "split-heap", not(feature = "mimalloc")))]
mod heap;
pub mod hooks;
pub mod hosts;
#[doc(hidden)]
pub mod isolate;
pub(crate) mod js;
mod json;
mod kinds;
mod members;
pub mod protocol;
mod registration;
mod registry;
mod reply;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod schema;
mod state;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod time;
pub mod types;
pub mod wrappers;

#[doc(hidden)]
pub mod __private;

// Pages allocate and free many small values and a few large buffers per call: mimalloc keeps
// both in per-thread pages where glibc's allocator consolidates and returns memory each time.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The default: small blocks per thread, big ones in one shared arena (heap.rs says why). The
// `mimalloc` feature, asked for by name, takes its place.
#[cfg(all(feature = "split-heap", not(feature = "mimalloc")))]
#[global_allocator]
static ALLOCATOR: heap::SplitHeap = heap::SplitHeap;

pub use codes::ErrorCode;
pub use config::Configuration;
pub use context::{Context, Host};
pub use dispatch::{Dispatcher, DispatcherBuilder, DEFAULT_MAX_RESPONSE_SIZE};
pub use envelope::{Envelope, JsonText, Member};
pub use error::{ErrorItem, ExtensionError, Failure, IntoExtensionError, ResultExt};
pub use json::Record;
pub use kinds::{FunctionKind, Group, Kind, OptionsFor, ResponseFor, ReturnFor, Stack};
pub use registration::Registration;
pub use registry::{Registry, RegistryError};
#[doc(hidden)]
pub use reply::SizeLimit;
pub use reply::{Outcome, Reply};
pub use state::{FromCall, State, StateValue, States};
pub use time::ExportTime;

// The kind markers share their names with the attributes (other namespace), so that messages
// about a kind print a path that is the attribute's own.
#[doc(hidden)]
pub use kinds::markers::*;

/// The attribute macros: see each one's documentation.
pub use extension_macros::*;

/// `serde_json`, re-exported so that your code and ours agree on one version.
pub use serde_json;

/// Everything a module of extension functions needs: `use extension_core::prelude::*;`.
pub mod prelude {
    pub use crate::connectors::*;
    pub use crate::hooks::*;
    pub use crate::time::ExportTime;
    pub use crate::types::{BearerToken, FromJson, Json, RecordError, RecordId, RecordType};
    pub use crate::wrappers::*;
    pub use crate::Record;
    pub use crate::{Context, ErrorCode, ExtensionError, ResultExt, State};
    pub use extension_macros::*;
    pub use serde_json::{json, Value};
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// Gives the crate's own tests a registry of one function.
    #[json_function(group = "utilities")]
    fn echo(options: Value) -> Result<Value, ExtensionError> {
        Ok(options)
    }

    #[cfg(feature = "rt")]
    #[test]
    fn a_function_registered_in_the_crate_answers_through_the_local_host() {
        let dispatcher = crate::Dispatcher::new(crate::Configuration::diy()).unwrap();
        let local = crate::hosts::local::Local::new(dispatcher).unwrap();
        let reply = local
            .call(r#"{"diy":true,"type":"utility","function":"echo","options":{"a":[1,2]}}"#)
            .unwrap();
        assert_eq!(reply.json(), Some(&br#"{"a":[1,2]}"#[..]));
    }

    /// A host that sends answers in parts gets a long one in parts and a short one whole
    /// (with or without a place for parts); either way the bytes are those of the answer in
    /// one buffer.
    #[cfg(feature = "rt")]
    #[test]
    fn a_long_answer_is_written_in_parts_for_a_host_that_sends_them() {
        let dispatcher = crate::Dispatcher::new(crate::Configuration::diy()).unwrap();
        let local = crate::hosts::local::Local::new(dispatcher.clone()).unwrap();
        for (length, place, cut) in [
            (10, false, false),
            (1_000, true, false),
            (20_000, true, true),
        ] {
            let body = serde_json::json!({"diy": true, "type": "utility", "function": "echo",
                "options": {"a": vec!["é".repeat(50); length]}})
            .to_string();
            let whole = local.call(body.clone()).unwrap();
            let envelope = crate::Envelope::read(bytes::Bytes::from(body.clone()), &[]).unwrap();
            let parts = crate::reply::Parts::for_body(body.len());
            assert_eq!(parts.is_some(), place);
            let context = crate::Context::new(crate::Host::Http, "parts");
            let reply = local
                .block_on(dispatcher.dispatch_in_parts(&envelope, context, parts.clone()))
                .unwrap();
            let mut sent = parts.map(|p| p.take()).unwrap_or_default();
            assert_eq!(sent.len() > 1, cut, "{length} elements");
            let crate::Reply::Json(last) = reply else {
                panic!("an answer")
            };
            sent.push(last);
            assert_eq!(whole.json(), Some(&sent.concat()[..]));
        }
    }
}
