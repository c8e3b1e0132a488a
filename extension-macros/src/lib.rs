//! Attribute macros of `extension-core`. Depend on `extension-core`, which re-exports them;
//! the expansion reaches the runtime only through `extension_core::__private`.
//!
//! Each attribute takes an ordinary function with one argument, its options by value, that
//! returns `Result<Response, E>` (`E` is `ExtensionError` or any `std::error::Error`), `fn`
//! or `async fn`. It checks the signature at compile time, keeps the function as it is, and
//! registers it at link time under its wire name: the function's name, or
//! `name = "wireName"`.

mod args;
mod expand;
mod kinds;
mod signature;

use proc_macro::TokenStream;

/// A `preSavePage` hook: `fn(PreSavePageOptions) -> Result<PreSavePageResponse, E>`.
///
/// Runs on each page an export produced, before it is saved. Registered in `hooks`
/// (`type: "hook"`) and flat.
///
/// ```ignore
/// #[pre_save_page]
/// async fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
///     Ok(PreSavePageResponse { data: options.data, errors: options.errors, ..Default::default() })
/// }
/// ```
#[proc_macro_attribute]
pub fn pre_save_page(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_SAVE_PAGE, args.into(), item.into()).into()
}

/// A `preMap` hook: `fn(PreMapOptions) -> Result<PreMapResponse, E>`, one `MapResult` per
/// record of `options.data` (checked at run time).
#[proc_macro_attribute]
pub fn pre_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::PRE_MAP, args.into(), item.into()).into()
}

/// A `postMap` hook: `fn(PostMapOptions) -> Result<PostMapResponse, E>`, one `MapResult` per
/// record of `options.post_map_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_MAP, args.into(), item.into()).into()
}

/// A `postSubmit` hook: `fn(PostSubmitOptions) -> Result<PostSubmitResponse, E>`, one element
/// per element of `options.response_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_submit(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_SUBMIT, args.into(), item.into()).into()
}

/// A `postResponseMap` hook: `fn(PostResponseMapOptions) -> Result<PostResponseMapResponse, E>`,
/// one record per record of `options.post_response_map_data` (checked at run time).
#[proc_macro_attribute]
pub fn post_response_map(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_RESPONSE_MAP, args.into(), item.into()).into()
}

/// A `postAggregate` hook: `fn(PostAggregateOptions) -> Result<(), E>` (it answers nothing).
#[proc_macro_attribute]
pub fn post_aggregate(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::POST_AGGREGATE, args.into(), item.into()).into()
}

/// A free-form JSON function, in any group or none: `fn(O) -> Result<T, E>` where `O` is
/// `serde_json::Value` or any deserialisable type and `T` is any serialisable type, or `()`
/// for no value.
///
/// `group = "hooks"` (or `wrappers`, `installer`, `uninstaller`, `settings`, `utilities`,
/// or the `type` spelling: `hook`, `wrapper`, `setting`, `utility`) makes it reachable by
/// grouped requests; without a group it answers flat requests only.
///
/// ```ignore
/// #[json_function(group = "utilities", name = "myUtility")]
/// fn my_utility(options: Value) -> Result<Value, ExtensionError> {
///     Ok(options)
/// }
/// ```
#[proc_macro_attribute]
pub fn json_function(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&kinds::JSON_FUNCTION, args.into(), item.into()).into()
}
