//! The README's table of kinds is the kinds table (`extension-kinds`) as a user reads it:
//! generated here from `FunctionKind`, and compared with the README between its markers
//! (rewrite it with `UPDATE_README=1 cargo test -p extension-tests --test readme`).

use extension_core::{FunctionKind, Stack};
use std::path::Path;

const START: &str = "<!-- kinds: generated from the kinds table by tests/tests/readme.rs -->";
const END: &str = "<!-- end of kinds -->";

/// `PreMapOptions < R >` as the table stringifies it, written as Rust is.
fn tidy(ty: &str) -> String {
    ty.replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

fn row(kind: FunctionKind) -> String {
    let signature = match kind.signature() {
        Some((options, response)) => {
            let response = tidy(response);
            let shown = kind.response_type().unwrap_or_default();
            let alias = if !response.starts_with(shown) {
                format!(" (`{shown}`)")
            } else {
                String::new()
            };
            let nothing = if response == "()" { " (no value)" } else { "" };
            format!(
                "`{}` → `Result<{response}, E>`{alias}{nothing}",
                tidy(options)
            )
        }
        None => "any deserialisable `O` → `Result<T, E>`, `T` one of `Value`, `()` (no value), \
                 `Option<Value>` (`None` is no value), `Json<impl Serialize>`"
            .to_owned(),
    };
    let group = match (kind.group(), kind) {
        (Some(group), _) => format!("{} (`type: \"{}\"`)", group.property(), group.type_name()),
        (None, FunctionKind::JsonFunction) => {
            "the one given (`group = \"...\"`), or none".to_owned()
        }
        (None, _) => "none (flat)".to_owned(),
    };
    let stack = match kind.stack() {
        Stack::V1 => "1.0",
        Stack::V2 => "2.0",
        Stack::Both => "1.0, 2.0",
    };
    format!(
        "| `#[{}]` | `{}` | {signature} | {group} | {stack} |",
        kind.attribute(),
        kind.wire_name()
    )
}

fn table() -> String {
    let mut lines = vec![
        START.to_owned(),
        "| attribute | kind | options → return (`fn` or `async fn`) | group | stack |".to_owned(),
        "| --- | --- | --- | --- | --- |".to_owned(),
    ];
    lines.extend(FunctionKind::ALL.iter().copied().map(row));
    lines.push(END.to_owned());
    lines.join("\n")
}

#[test]
fn the_readme_lists_every_kind_as_the_table_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no generated kinds table ({START} ... {END})");
    };
    let current = &readme[start..end + END.len()];
    let expected = table();
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, readme.replace(current, &expected)).unwrap();
    } else {
        assert_eq!(
            current, expected,
            "README.md's kinds table differs from the kinds table; regenerate it with UPDATE_README=1"
        );
    }
}
