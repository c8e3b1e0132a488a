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
mod error_code;
mod expand;
mod kinds;
mod signature;

use proc_macro::TokenStream;

kinds::entry_points!();

/// Chooses the `code` integrator.io receives for each variant of an error type (see
/// `extension_core::ErrorCode`): `#[code = "..."]` on a variant, else on the type, else the
/// type's name. It also registers the type, so that the code is found wherever its errors
/// travel (`Box<dyn Error>`, `anyhow::Error`).
#[proc_macro_derive(ErrorCode, attributes(code))]
pub fn derive_error_code(item: TokenStream) -> TokenStream {
    error_code::derive(item.into()).into()
}
