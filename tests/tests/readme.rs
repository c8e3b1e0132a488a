//! The README's table of kinds is the kinds table (`extension-kinds`) as a user reads it:
//! generated here from `FunctionKind`, and compared with the README between its markers
//! (rewrite it with `UPDATE_README=1 cargo test -p extension-tests --test readme`).

use extension_core::{FunctionKind, Stack};
use std::path::Path;

/// Both tests read and may rewrite README.md: one at a time.
static README: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _one_at_a_time = README.lock().unwrap_or_else(|e| e.into_inner());
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

const FILE: &str = "<!-- file: ";

/// The README's code blocks that show a file of the repository, as `(path, block)`: each
/// `<!-- file: PATH -->` line followed by a fenced block.
fn shown_files(readme: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut shown = Vec::new();
    let mut at = 0;
    while let Some(found) = readme[at..].find(FILE) {
        let start = at + found + FILE.len();
        let end = start + readme[start..].find(" -->").expect("a closed marker");
        let path = readme[start..end].to_owned();
        let fence = end
            + readme[end..]
                .find("```")
                .expect("a code block after the marker");
        let body = fence + readme[fence..].find('\n').expect("a fence line") + 1;
        let close = body + readme[body..].find("```\n").expect("a closed code block");
        shown.push((path, body..close));
        at = close;
    }
    shown
}

#[test]
fn the_readmes_examples_are_the_files_ci_builds_and_tests() {
    let _one_at_a_time = README.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join("README.md");
    let mut readme = std::fs::read_to_string(&path).unwrap();
    let shown = shown_files(&readme);
    assert!(shown.len() >= 3, "the README shows {} files", shown.len());
    let update = std::env::var_os("UPDATE_README").is_some();
    // From the last, so that the ranges before stay valid while rewriting.
    for (file, range) in shown.into_iter().rev() {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        if update {
            readme.replace_range(range, &text);
        } else {
            assert_eq!(
                &readme[range], text,
                "README.md's copy of {file} differs; regenerate it with UPDATE_README=1"
            );
        }
    }
    if update {
        std::fs::write(&path, readme).unwrap();
    }
}

/// The README's table of what a record that does not fit does, per kind, says "own error"
/// for exactly the kinds the kinds table gives a slot for one (`misfits`), with their
/// record option, and lists the others that take records as failing the call.
#[test]
fn the_readme_says_which_kinds_answer_a_misfit_record_with_its_own_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme.find("<!-- misfits:").expect("a misfits table");
    let end = readme[start..].find("<!-- end of misfits -->").unwrap() + start;
    let rows: Vec<(String, String, bool)> = readme[start..end]
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().split(" | ").collect();
            let attr = cells.first()?.strip_prefix("| `#[")?.strip_suffix("]`")?;
            let field = cells.get(1)?.trim_matches('`').split('`').next()?;
            Some((
                attr.to_owned(),
                field.to_owned(),
                cells.get(2)?.starts_with("own error"),
            ))
        })
        .collect();
    for kind in FunctionKind::ALL {
        let row = rows.iter().find(|(attr, ..)| attr == kind.attribute());
        match (kind.misfits_field(), row) {
            (Some(field), Some((_, shown, true))) => assert_eq!(field, shown, "{kind}"),
            (None, Some((_, _, own))) => assert!(!own, "{kind} has no slot for a record's error"),
            (None, None) => assert!(
                kind.record_field().is_none() || kind.is_free_form(),
                "{kind} takes records: the README must say what a misfit does"
            ),
            (Some(_), _) => panic!("the README must list {kind} as answering its own error"),
        }
    }
}
