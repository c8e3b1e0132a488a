//! The expansion: the user's function unchanged, then, inside `const _`, a type-erased entry
//! point whose calls carry the type checks (each bound spanned at the user's own type) and
//! its `inventory` registration.

use crate::args::{self, Args};
use crate::kinds::KindSpec;
use crate::signature::{self, split_result, Signature};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::ReturnType;

/// Expands `#[attr(args)] item` for one kind. Never fails: errors become `compile_error!`s
/// next to the unchanged function, so that the IDE keeps seeing it.
pub fn expand(spec: &KindSpec, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let args = args::parse(spec, args, &mut errors);
    let signature = signature::parse(spec.attr, item.clone(), &mut errors);
    if let Some(sig) = &signature {
        if let ReturnType::Default = sig.output {
            errors.push(syn::Error::new(
                sig.args_span,
                format!(
                    "a `#[{}]` function must return `{}`",
                    spec.attr, spec.returns
                ),
            ));
        }
    }
    if let Some(sig) = &signature {
        if args.name.is_none() {
            // The wire name comes from the Rust name: it must be one integrator.io can send.
            if let Err(message) = args::validate_name(&sig.ident.unraw().to_string()) {
                errors.push(syn::Error::new(
                    sig.ident.span(),
                    format!("{message}; give one with `name = \"...\"`"),
                ));
            }
        }
    }
    match (signature, errors.is_empty()) {
        (Some(sig), true) => {
            let mut out = item;
            out.extend(registration(spec, &args, &sig));
            out
        }
        _ => {
            let mut out = without_const(item);
            out.extend(errors.into_iter().map(syn::Error::into_compile_error));
            out
        }
    }
}

/// The function as written, minus a `const` qualifier (already reported): kept, rustc would
/// add its own errors about the body not being const-evaluable.
fn without_const(item: TokenStream) -> TokenStream {
    let mut before_fn = true;
    item.into_iter()
        .filter(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) if before_fn && i == "fn" => {
                before_fn = false;
                true
            }
            proc_macro2::TokenTree::Ident(i) => !(before_fn && i == "const"),
            _ => true,
        })
        .collect()
}

fn registration(spec: &KindSpec, args: &Args, sig: &Signature) -> TokenStream {
    let kind_marker = format_ident!("{}", spec.attr);
    let kind = quote!(::extension_core::#kind_marker);
    let ident = &sig.ident;
    let rust_name = ident.unraw().to_string();
    let wire = args
        .name
        .as_ref()
        .map_or(rust_name.clone(), |(n, _)| n.clone());
    let group = if spec.takes_group {
        let group = match args.group {
            Some(variant) => {
                let variant = Ident::new(variant, Span::call_site());
                quote!(::core::option::Option::Some(::extension_core::__private::Group::#variant))
            }
            None => quote!(::core::option::Option::None),
        };
        Some(group)
    } else {
        None
    };
    let (Some(options), ReturnType::Type(_, output)) = (&sig.options, &sig.output) else {
        unreachable!("checked before expanding");
    };
    let private = quote!(::extension_core::__private);
    // The entry's type parameters carry the user's own tokens, so that an unmet bound (a wrong
    // options, response or error type) is reported on them.
    let with = if sig.extras.is_empty() { "" } else { "_with" };
    let entry = match (sig.asyncness.is_some(), split_result(output)) {
        (false, Some((ok, err))) => {
            let entry = format_ident!("sync_fn{with}");
            quote!(#private::#entry::<#kind, #options, #ok, #err>)
        }
        (false, None) => {
            let entry = format_ident!("sync_fn{with}_returning");
            quote!(#private::#entry::<#kind, #options, #output>)
        }
        (true, Some((ok, err))) => {
            let entry = format_ident!("async_fn{with}");
            quote!(#private::#entry::<#kind, #options, #ok, #err>)
        }
        (true, None) => {
            let entry = format_ident!("async_fn{with}_returning");
            quote!(#private::#entry::<#kind, #options, #output>)
        }
    };
    // Each extra argument is taken by a call spanned at its type: a type that cannot be one is
    // reported there.
    let extras = sig
        .extras
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> #private::from_call::<#ty>(__extension_call)));
    // The state each needs, read without requiring it to be an argument type (which
    // `from_call` reports, once).
    let needs = sig.extras.iter().map(|ty| {
        quote! {
            || {
                #[allow(unused_imports)]
                use #private::{ProbeFromCall as _, ProbeOther as _};
                (&&#private::Probe::<#ty>::NEW).requirement()
            }
        }
    });
    let call = quote!(#ident(__extension_options #(, #extras)*));
    // An `async fn`'s future is boxed by its shim, spanned at the function's name: a future
    // that is not `Send` is reported there, with the compiler's notes pointing at the `.await`
    // that holds the culprit.
    let (shim, shim_output, call) = if sig.asyncness.is_some() {
        let boxed = quote_spanned!(ident.span()=> #private::boxed(#call));
        (true, quote!(#private::BoxFuture<#output>), boxed)
    } else {
        (!sig.extras.is_empty(), quote!(#output), call)
    };
    let call_arg =
        (!sig.extras.is_empty()).then(|| quote!(, __extension_call: &#private::Call<'_>));
    let (shim, entry) = if shim {
        let shim = quote! {
            fn __extension_shim(__extension_options: #options #call_arg) -> #shim_output {
                #call
            }
        };
        (Some(shim), quote!(#entry(__extension_shim)))
    } else {
        (None, quote!(#entry(#ident)))
    };
    let line = quote_spanned!(ident.span()=> ::core::line!());
    let options_text = type_text(options);
    let output_text = type_text(output);
    let rest = quote! {
        (::core::module_path!(), #rust_name, ::core::file!(), #line),
        (#options_text, #output_text),
        &[#(#needs),*],
        #entry
    };
    let mut constructor = match group {
        Some(group) => quote!(#private::grouped::<#kind>(#wire, #group, #rest)),
        None => quote!(#private::typed::<#kind>(#wire, #rest)),
    };
    if args.fail_page == Some(true) {
        constructor = quote!(#constructor.failing_whole_page());
    }
    quote! {
        const _: () = {
            #shim
            #private::inventory::submit!(#constructor);
        };
    }
}

/// A type as the user wrote it, for `list`: tokens printed without the spaces `quote` adds.
fn type_text(ty: &syn::Type) -> String {
    let text = quote!(#ty).to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied();
            let prev = out.chars().last();
            let keep = matches!((prev, next), (Some(p), Some(n)) if (p.is_alphanumeric() || p == '_') && (n.is_alphanumeric() || n == '_'))
                || prev == Some(',');
            if keep {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::specs::{json_function as JSON_FUNCTION, pre_save_page as PRE_SAVE_PAGE};

    fn expand_str(spec: &KindSpec, args: TokenStream, item: TokenStream) -> String {
        expand(spec, args, item).to_string()
    }

    #[test]
    fn registers_under_the_rust_name_or_the_given_one() {
        let item = quote!(
            fn tag(o: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
                todo()
            }
        );
        let out = expand_str(&PRE_SAVE_PAGE, quote!(), item.clone());
        assert!(out.contains("(\"tag\" , (:: core :: module_path"), "{out}");
        assert!(
            out.contains(
                "(\"PreSavePageOptions\" , \"Result<PreSavePageResponse, ExtensionError>\")"
            ),
            "the signature as written, for `list`: {out}"
        );
        assert!(
            out.starts_with(&item.to_string()),
            "the function comes first, unchanged"
        );
        let out = expand_str(&PRE_SAVE_PAGE, quote!(name = "preSavePageFunction"), item);
        assert!(
            out.contains("(\"preSavePageFunction\" , (:: core :: module_path"),
            "{out}"
        );
    }

    #[test]
    fn splits_result_so_each_part_is_checked_on_its_own() {
        let out = expand_str(
            &PRE_SAVE_PAGE,
            quote!(),
            quote!(
                async fn f(o: A) -> Result<B, C> {
                    x
                }
            ),
        );
        assert!(
            out.contains("async_fn :: < :: extension_core :: pre_save_page , A , B , C >"),
            "{out}"
        );
        let out = expand_str(
            &PRE_SAVE_PAGE,
            quote!(),
            quote!(
                fn f(o: A) -> MyResult<B> {
                    x
                }
            ),
        );
        assert!(out.contains("sync_fn_returning"), "{out}");
    }

    #[test]
    fn every_error_is_reported_and_the_function_still_emitted() {
        let item = quote!(
            unsafe fn f<T>(&self, a: A, b: B) {
                body
            }
        );
        let out = expand_str(
            &JSON_FUNCTION,
            quote!(group = "nope", bogus = "1"),
            item.clone(),
        );
        assert!(out.starts_with(&item.to_string()), "{out}");
        for message in [
            "unknown group `nope`",
            "unknown argument `bogus`",
            "cannot be an `unsafe fn`",
            "cannot be generic",
            "cannot take `self`",
            "must return",
        ] {
            assert!(out.contains(message), "missing {message:?} in {out}");
        }
        assert!(
            !out.contains("inventory"),
            "no registration when the signature is wrong"
        );
    }

    #[test]
    fn extra_arguments_are_taken_through_a_shim_spanned_at_their_types() {
        let out = expand_str(
            &PRE_SAVE_PAGE,
            quote!(),
            quote!(
                fn f(o: A, cx: Context, db: State<Db>) -> Result<B, C> {
                    x
                }
            ),
        );
        assert!(out.contains("sync_fn_with :: <"), "{out}");
        assert!(
            out.contains("f (__extension_options , :: extension_core :: __private :: from_call :: < Context > (__extension_call) , :: extension_core :: __private :: from_call :: < State < Db > > (__extension_call))"),
            "{out}"
        );
        assert!(
            out.contains("Probe :: < State < Db > > :: NEW) . requirement ()"),
            "{out}"
        );
        let out = expand_str(
            &PRE_SAVE_PAGE,
            quote!(),
            quote!(
                fn f() -> Result<B, C> {
                    x
                }
            ),
        );
        assert!(
            out.contains("takes its options as its first argument"),
            "{out}"
        );
    }

    #[test]
    fn non_functions_are_rejected_but_kept() {
        let item = quote!(
            struct NotAFunction;
        );
        let out = expand_str(&PRE_SAVE_PAGE, quote!(), item.clone());
        assert!(out.starts_with(&item.to_string()));
        assert!(out.contains("goes on a function"), "{out}");
    }
}
