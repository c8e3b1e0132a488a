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
//! Records are `serde_json::Value` unless you name a type of your own
//! (`PreSavePageOptions<MyRecord>`), and the error may be [`ExtensionError`] or any
//! `std::error::Error`.

mod config;
pub mod connectors;
mod dispatch;
mod error;
pub mod hooks;
pub mod hosts;
pub mod js;
mod kind;
mod registry;
pub mod schema;
pub mod time;
pub mod types;
pub mod wrappers;

#[doc(hidden)]
pub mod __private;

pub use config::Configuration;
pub use dispatch::{Dispatcher, Envelope, DEFAULT_MAX_RESPONSE_SIZE};
pub use error::{ErrorItem, ExtensionError, Failure, ResultExt};
pub use kind::{Group, IntoExtensionError, Kind, OptionsFor, ResponseFor, ReturnFor};

// The kind markers share their names with the attributes (other namespace), so that messages
// about a kind print a path that is the attribute's own.
#[doc(hidden)]
pub use kind::markers::*;
pub use registry::{Invoke, Pending, Registration, Registry, RegistryError, Reply};
pub use time::ExportTime;

/// The attribute macros: see each one's documentation.
pub use extension_macros::*;

/// `serde_json`, re-exported so that your code and ours agree on one version.
pub use serde_json;

/// Everything a module of extension functions needs: `use extension_core::prelude::*;`.
pub mod prelude {
    pub use crate::connectors::*;
    pub use crate::hooks::*;
    pub use crate::time::ExportTime;
    pub use crate::types::{BearerToken, Json, Record, RecordError};
    pub use crate::wrappers::*;
    pub use crate::{ExtensionError, ResultExt};
    pub use extension_macros::*;
    pub use serde_json::{json, Value};
}

/// Runs a future to completion on the current thread. For tests and command-line tools that
/// call the dispatcher directly; servers run calls on their own runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}
