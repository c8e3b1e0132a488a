//! The attribute's arguments: `name = "wireName"`, for `#[json_function]` `group = "hooks"`,
//! and for kinds with a slot for a record's own error `misfits = "fail_page"`. Every mistake
//! is collected, not just the first.

use crate::kinds::{KindSpec, GROUPS};
use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

/// Parsed arguments.
#[derive(Default)]
pub struct Args {
    /// `name = "..."`, validated.
    pub name: Option<(String, Span)>,
    /// `group = "..."`: the variant name of `Group`.
    pub group: Option<&'static str>,
    /// `misfits = "fail_page"`: a record that does not fit fails the whole call.
    pub fail_page: Option<bool>,
}

/// The values `misfits = "..."` accepts, and whether each fails the page.
const MISFITS: &[(&str, bool)] = &[("record_errors", false), ("fail_page", true)];

/// Parses `tokens`, pushing every error into `errors`.
pub fn parse(spec: &KindSpec, tokens: TokenStream, errors: &mut Vec<syn::Error>) -> Args {
    let mut args = Args::default();
    let parser = |input: ParseStream| {
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            // At the end of the arguments, syn's error would span the whole attribute: point
            // at the last token written instead.
            let eq: Token![=] = input.parse().map_err(|e| {
                let span = if input.is_empty() {
                    key.span()
                } else {
                    e.span()
                };
                syn::Error::new(span, format!("expected `{key} = \"...\"`"))
            })?;
            let value: LitStr = input.parse().map_err(|e| {
                let span = if input.is_empty() { eq.span } else { e.span() };
                syn::Error::new(
                    span,
                    format!("expected a string literal: `{key} = \"...\"`"),
                )
            })?;
            let seen = match key.to_string().as_str() {
                "name" => {
                    match validate_name(&value.value()) {
                        Ok(()) => {}
                        Err(message) => errors.push(syn::Error::new(value.span(), message)),
                    }
                    args.name.replace((value.value(), value.span())).is_some()
                }
                "group" if spec.takes_group => {
                    let variant = group_variant(&value.value());
                    if variant.is_none() {
                        let known: Vec<String> =
                            GROUPS.iter().map(|g| format!("`{}`", g.property)).collect();
                        errors.push(syn::Error::new(
                            value.span(),
                            format!(
                                "unknown group `{}`: expected one of {}",
                                value.value(),
                                known.join(", ")
                            ),
                        ));
                    }
                    let seen = args.group.is_some();
                    args.group = variant.or(args.group);
                    seen
                }
                "misfits" if spec.has_misfits => {
                    let chosen = MISFITS.iter().find(|(v, _)| *v == value.value());
                    if chosen.is_none() {
                        errors.push(syn::Error::new(
                            value.span(),
                            format!(
                                "unknown `misfits` value `{}`: expected `record_errors` (the \
                                 default: a record that does not fit becomes its own error) or \
                                 `fail_page` (it fails the whole call)",
                                value.value()
                            ),
                        ));
                    }
                    let seen = args.fail_page.is_some();
                    args.fail_page = chosen.map(|(_, fail)| *fail).or(args.fail_page);
                    seen
                }
                _ => {
                    let accepted = match (spec.takes_group, spec.has_misfits) {
                        (true, _) => "`name = \"...\"` and `group = \"...\"`",
                        (false, true) => "`name = \"...\"` and `misfits = \"...\"`",
                        (false, false) => "only `name = \"...\"`",
                    };
                    errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{key}`: `#[{}]` accepts {accepted}",
                            spec.attr
                        ),
                    ));
                    false
                }
            };
            if seen {
                errors.push(syn::Error::new(
                    key.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            if !input.is_empty() {
                let _: Token![,] = input.parse()?;
            }
        }
        Ok(())
    };
    if let Err(e) = parser.parse2(tokens) {
        errors.push(e);
    }
    args
}

fn group_variant(group: &str) -> Option<&'static str> {
    GROUPS
        .iter()
        .find(|g| g.property == group || g.type_ == group)
        .map(|g| g.variant)
}

/// A wire name must be something integrator.io can send as `function`: a JavaScript
/// identifier.
pub fn validate_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        None => false,
        Some(first) => {
            (first.is_ascii_alphabetic() || first == '_' || first == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        }
    };
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid function name: use ASCII letters, digits, `_` and `$`, not starting with a digit"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::specs::{json_function as JSON_FUNCTION, pre_save_page as PRE_SAVE_PAGE};
    use quote::quote;

    fn errors_of(spec: &KindSpec, tokens: TokenStream) -> (Args, Vec<String>) {
        let mut errors = Vec::new();
        let args = parse(spec, tokens, &mut errors);
        (args, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn accepts_names_and_groups() {
        let (args, errors) =
            errors_of(&JSON_FUNCTION, quote!(name = "doSomething", group = "hook"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(args.name.unwrap().0, "doSomething");
        assert_eq!(args.group, Some("Hooks"));
    }

    #[test]
    fn collects_every_mistake() {
        let (_, errors) = errors_of(
            &PRE_SAVE_PAGE,
            quote!(name = "1x", group = "hooks", name = "y"),
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("not a valid function name"));
        assert!(errors[1].contains("unknown argument `group`"));
        assert!(errors[2].contains("given twice"));
    }

    #[test]
    fn misfits_only_where_records_have_their_own_errors() {
        use crate::kinds::specs::{pre_map, wrapper_ping};
        let (args, errors) = errors_of(&pre_map, quote!(misfits = "fail_page"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(args.fail_page, Some(true));
        let (args, _) = errors_of(&pre_map, quote!(misfits = "record_errors"));
        assert_eq!(args.fail_page, Some(false));
        let (_, errors) = errors_of(&pre_map, quote!(misfits = "skip"));
        assert!(
            errors[0].contains("unknown `misfits` value `skip`"),
            "{errors:?}"
        );
        let (_, errors) = errors_of(
            &pre_map,
            quote!(misfits = "fail_page", misfits = "fail_page"),
        );
        assert!(errors[0].contains("given twice"), "{errors:?}");
        let (_, errors) = errors_of(&wrapper_ping, quote!(misfits = "fail_page"));
        assert!(
            errors[0].contains("unknown argument `misfits`"),
            "{errors:?}"
        );
        assert!(errors[0].contains("accepts only `name"), "{errors:?}");
    }

    #[test]
    fn names_are_javascript_identifiers() {
        assert!(validate_name("preSavePage").is_ok());
        assert!(validate_name("$x_1").is_ok());
        for bad in ["", "1a", "a-b", "a b", "é"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }
}
