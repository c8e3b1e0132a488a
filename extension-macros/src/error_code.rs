//! `#[derive(ErrorCode)]`: the `code` integrator.io receives for each variant of an error
//! type, from `#[code = "..."]` on the variant, else on the type, else the type's name; and the
//! registration that finds it wherever the error travels (`Box<dyn Error>`, `anyhow::Error`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Expr, ExprLit, Lit, LitStr};

/// Expands the derive; mistakes become `compile_error!`s on their tokens.
pub fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.into_compile_error(),
    };
    let mut errors = Vec::new();
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.generics.params.span(),
            "`#[derive(ErrorCode)]` needs a concrete type, to register it: implement `ErrorCode` \
             for each instance and register it with `register_error_code!`",
        ));
    }
    let ident = &input.ident;
    let own = code(&input.attrs, &mut errors)
        .unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
    let arms = match &input.data {
        Data::Struct(_) => quote!(_ => #own,),
        Data::Enum(data) => {
            let arms = data.variants.iter().map(|variant| {
                let code = code(&variant.attrs, &mut errors)
                    .unwrap_or_else(|| LitStr::new(&own.value(), own.span()));
                let name = &variant.ident;
                quote!(Self::#name { .. } => #code,)
            });
            quote!(#(#arms)*)
        }
        Data::Union(u) => {
            errors.push(syn::Error::new(
                u.union_token.span,
                "`#[derive(ErrorCode)]` goes on an enum or a struct",
            ));
            quote!()
        }
    };
    if !errors.is_empty() {
        return errors
            .into_iter()
            .map(syn::Error::into_compile_error)
            .collect();
    }
    quote! {
        const _: () = {
            impl ::extension_core::ErrorCode for #ident {
                fn code(&self) -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(match self { #arms })
                }
            }
            ::extension_core::register_error_code!(#ident);
        };
    }
}

/// The `#[code = "..."]` among `attrs`, checked.
fn code(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> Option<LitStr> {
    let attr = attrs.iter().find(|a| a.path().is_ident("code"))?;
    let value = match attr.meta.require_name_value() {
        Ok(name_value) => &name_value.value,
        Err(_) => {
            errors.push(syn::Error::new(attr.span(), "expected `#[code = \"...\"]`"));
            return None;
        }
    };
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(code),
            ..
        }) if !code.value().is_empty() => Some(LitStr::new(&code.value(), code.span())),
        other => {
            errors.push(syn::Error::new(
                other.span(),
                "expected a non-empty string: `#[code = \"not_found\"]`",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_gets_its_code_or_the_types_or_the_type_name() {
        let out = derive(quote! {
            #[code = "lookup_failed"]
            enum LookupError { #[code = "not_found"] NotFound(String), Offline }
        })
        .to_string();
        assert!(
            out.contains("Self :: NotFound { .. } => \"not_found\""),
            "{out}"
        );
        assert!(
            out.contains("Self :: Offline { .. } => \"lookup_failed\""),
            "{out}"
        );
        assert!(out.contains("register_error_code ! (LookupError)"), "{out}");
        let out = derive(quote!(
            struct Plain;
        ))
        .to_string();
        assert!(out.contains("_ => \"Plain\""), "{out}");
    }

    #[test]
    fn mistakes_are_reported() {
        let out = derive(quote! {
            enum E<T> { #[code = ""] A(T), #[code(x)] B }
        })
        .to_string();
        assert!(out.contains("needs a concrete type"), "{out}");
        assert!(out.contains("expected a non-empty string"), "{out}");
        assert!(out.contains("expected `#[code = \\\"...\\\"]`"), "{out}");
    }
}
