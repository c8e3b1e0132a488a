// The expansion must not depend on names the user's crate may shadow: a `Result` alias with
// one parameter, items named like prelude items (`Ok`, `Err`, `Option`, `Some`, `None`,
// `Box`, `Vec`, `String`), constants named like pattern bindings, and crate-root modules
// named `core` and `std`.
#![allow(non_snake_case, non_camel_case_types, dead_code)]

use extension_core::prelude::*;

mod core {}
mod std {}

type Result<T, E = ExtensionError> = ::core::result::Result<T, E>;

fn Ok() {}
fn Err() {}
struct Option;
struct Some;
struct None;
struct Box;
struct Vec;
struct String;
struct line;
struct concat;
struct module_path;
struct file;
// Constants named like bindings a careless expansion would use in patterns.
const decoded: u8 = 0;
const failure: u8 = 1;

#[pre_save_page]
fn one_parameter(options: PreSavePageOptions) -> Result<PreSavePageResponse> {
    ::core::result::Result::Ok(PreSavePageResponse {
        data: options.data,
        ..::core::default::Default::default()
    })
}

#[pre_map]
async fn two_parameters(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    ::core::result::Result::Ok(options.data.into_iter().map(MapResult::keep).collect())
}

#[json_function(group = "utilities")]
fn json(options: Value) -> Result<::core::option::Option<Value>> {
    ::core::result::Result::Ok(::core::option::Option::Some(options))
}

fn main() {}
