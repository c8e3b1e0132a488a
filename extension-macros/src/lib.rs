//! Attribute macros of `extension-core`. Depend on `extension-core`, which re-exports them;
//! the expansion reaches the runtime only through `extension_core::__private`.
//!
//! Each attribute takes an ordinary function with one argument, its options by value, that
//! returns `Result<Response, E>` (`E` is `ExtensionError` or any `std::error::Error`), `fn`
//! or `async fn`. It checks the signature at compile time, keeps the function as it is, and
//! registers it at link time under its wire name: the function's name, or
//! `name = "wireName"`. The attributes, one per kind, come from the shared table of kinds
//! (`extension-kinds`), documentation included.

mod args;
mod expand;
mod kinds;
mod signature;

use proc_macro::TokenStream;

kinds::entry_points!();
