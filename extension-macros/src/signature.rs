//! Reads the annotated item far enough to check its signature, without parsing the body:
//! the body stays unparsed tokens so that a half-typed body never breaks the expansion (and
//! syn needs no `full` feature).

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, Generics, Ident, ReturnType, Token, Type, Visibility};

/// The parts of a function signature the expansion needs.
pub struct Signature {
    /// `async` keyword, if any.
    pub asyncness: Option<Token![async]>,
    /// The function's name.
    pub ident: Ident,
    /// The options argument's type: the first argument's.
    pub options: Option<Type>,
    /// The types of the arguments after the options (`Context`, `State<T>`).
    pub extras: Vec<Type>,
    /// The declared return type.
    pub output: ReturnType,
    /// Span of the argument list, for messages about it.
    pub args_span: Span,
}

/// Reads `item`; signature mistakes go to `errors` and still give a [`Signature`] when the
/// name is known, so that later checks run too.
pub fn parse(attr: &str, item: TokenStream, errors: &mut Vec<syn::Error>) -> Option<Signature> {
    let parser = |input: ParseStream| -> syn::Result<Option<Signature>> {
        let _attrs = input.call(Attribute::parse_outer)?;
        let _vis: Visibility = input.parse()?;
        let mut asyncness = None;
        loop {
            if input.peek(Token![async]) {
                asyncness = Some(input.parse()?);
            } else if input.peek(Token![const]) {
                let t: Token![const] = input.parse()?;
                errors.push(syn::Error::new(
                    t.span,
                    format!(
                        "`#[{attr}]` cannot be a `const fn`: extension functions run at run time"
                    ),
                ));
            } else if input.peek(Token![unsafe]) {
                let t: Token![unsafe] = input.parse()?;
                errors.push(syn::Error::new(
                    t.span,
                    format!("`#[{attr}]` cannot be an `unsafe fn`: the dispatcher calls it with no safety contract to uphold; use `unsafe` blocks inside"),
                ));
            } else if input.peek(Token![extern]) {
                let t: Token![extern] = input.parse()?;
                let abi: Option<syn::LitStr> = input.parse()?;
                let span = abi.map_or(t.span, |a| t.span.join(a.span()).unwrap_or(t.span));
                errors.push(syn::Error::new(
                    span,
                    format!("`#[{attr}]` cannot be an `extern` fn: write a plain Rust `fn`"),
                ));
            } else {
                break;
            }
        }
        if !input.peek(Token![fn]) {
            let found: TokenTree = input.parse()?;
            return Err(syn::Error::new(
                found.span(),
                format!("`#[{attr}]` goes on a function: `fn name(options: ...) -> Result<...>`"),
            ));
        }
        let _: Token![fn] = input.parse()?;
        let ident: Ident = input.parse()?;
        let generics: Generics = input.parse()?;
        if !generics.params.is_empty() {
            errors.push(syn::Error::new(
                generics.params.span(),
                format!("`#[{attr}]` cannot be generic: the dispatcher needs one concrete function; name the record type instead (for example `PreSavePageOptions<MyRecord>`)"),
            ));
        }
        let content;
        let paren = syn::parenthesized!(content in input);
        let (options, extras) = arguments(attr, &content, paren.span.join(), errors)?;
        let output: ReturnType = input.parse()?;
        let where_clause: Option<syn::WhereClause> = input.parse()?;
        if let Some(w) = where_clause {
            errors.push(syn::Error::new(
                w.where_token.span,
                format!("`#[{attr}]` cannot have a `where` clause: the dispatcher needs one concrete function"),
            ));
        }
        // The body is kept as it is; only its braces are required.
        match input.parse::<TokenTree>()? {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {}
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected the function's body `{ ... }`",
                ))
            }
        }
        Ok(Some(Signature {
            asyncness,
            ident,
            options,
            extras,
            output,
            args_span: paren.span.join(),
        }))
    };
    match parser.parse2(item) {
        Ok(signature) => signature,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Reads the argument list: `pattern: Type`s, the options first, no receiver.
fn arguments(
    attr: &str,
    input: ParseStream,
    span: Span,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<(Option<Type>, Vec<Type>)> {
    let mut types = Vec::new();
    let mut typeless = false;
    while !input.is_empty() {
        let mut pattern = TokenStream::new();
        let mut receiver = None;
        while !input.is_empty() && !input.peek(Token![,]) {
            if input.peek(Token![::]) {
                let t: Token![::] = input.parse()?;
                quote::ToTokens::to_tokens(&t, &mut pattern);
                continue;
            }
            if input.peek(Token![:]) {
                break;
            }
            let tt: TokenTree = input.parse()?;
            if matches!(&tt, TokenTree::Ident(i) if i == "self") {
                receiver = Some(tt.span());
            }
            pattern.extend([tt]);
        }
        if let Some(self_span) = receiver {
            errors.push(syn::Error::new(
                self_span,
                format!("`#[{attr}]` cannot take `self`: write a free function, not a method"),
            ));
        }
        if input.peek(Token![:]) {
            let _: Token![:] = input.parse()?;
            let ty: Type = input.parse()?;
            if let Type::ImplTrait(impl_trait) = &ty {
                errors.push(syn::Error::new(
                    impl_trait.impl_token.span,
                    format!("`#[{attr}]` cannot be generic: take a concrete options type, not `impl Trait`"),
                ));
            }
            if receiver.is_none() {
                types.push(ty);
            }
        } else if receiver.is_none() {
            typeless = true;
            errors.push(syn::Error::new(
                pattern.span(),
                "expected `name: Type` for this argument",
            ));
        }
        if !input.is_empty() {
            let _: Token![,] = input.parse()?;
        }
    }
    let mut types = types.into_iter();
    let options = types.next();
    if options.is_none() && !typeless {
        errors.push(syn::Error::new(
            span,
            format!("`#[{attr}]` takes its options as its first argument, then any of `Context` and `State<T>` (found no argument)"),
        ));
    }
    Ok((options, types.collect()))
}

/// Splits a return type spelled `Result<T, E>` into `T` and `E`, so that each can be checked
/// (and reported) on its own.
pub fn split_result(ty: &Type) -> Option<(&Type, &Type)> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next(), types.next(), args.args.len()) {
        (Some(ok), Some(err), None, 2) => Some((ok, err)),
        _ => None,
    }
}
