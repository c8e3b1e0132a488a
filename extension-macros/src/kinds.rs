//! The kinds as the macros see them, from the shared table (`extension_kinds::kinds!`): the
//! attribute entry points with their documentation, and what messages need of each kind.
//! Everything else about a kind (its group, options and response types) reaches the user's
//! code through extension-core's marker type of the same name.

/// What the expansion needs to know of one attribute.
pub struct KindSpec {
    /// The attribute's name, also the name of the kind's marker type at extension-core's root.
    pub attr: &'static str,
    /// The expected return type, for the message when a function returns nothing.
    pub returns: &'static str,
    /// Whether the function chooses its group (`group = "..."`).
    pub takes_group: bool,
    /// Whether a record that does not fit the function's record type becomes that record's
    /// error (`misfits = "..."` chooses).
    pub has_misfits: bool,
}

/// Group names a `group = "..."` argument accepts: (module property, `type` spelling, the
/// `Group` variant).
pub struct GroupSpec {
    pub property: &'static str,
    pub type_: &'static str,
    pub variant: &'static str,
}

macro_rules! attributes {
    (
        groups: [$($group:ident: $property:literal / $type_:literal,)*]
        typed: [$(
            $(#[doc = $doc:literal])*
            $attr:ident => $variant:ident {
                wire: $wire:literal, group: $kind_group:ident, stack: $stack:ident,
                options: <$($og:ident),*> $options:ty => $shown_options:ty,
                response: <$($rg:ident),*> $response:ty => $shown_response:ty $(, options: $tie:path)?,
                records: [$($field:ident as $field_wire:literal)?],
                misfits: [$($misfit:ident as $misfit_wire:literal)?],
            },
        )*]
        free_form: [$(
            $(#[doc = $free_doc:literal])*
            $free_attr:ident => $free_variant:ident { wire: $free_wire:literal, group: $free_group:ident },
        )*]
    ) => {
        pub const GROUPS: &[GroupSpec] = &[
            $(GroupSpec { property: $property, type_: $type_, variant: stringify!($group) },)*
        ];

        #[allow(non_upper_case_globals)]
        pub mod specs {
            use super::KindSpec;
            $(
                pub const $attr: KindSpec = KindSpec {
                    attr: stringify!($attr),
                    returns: concat!("Result<", stringify!($shown_response), ", E>"),
                    takes_group: false,
                    has_misfits: false $(|| { let _ = stringify!($misfit); true })?,
                };
            )*
            $(
                pub const $free_attr: KindSpec = KindSpec {
                    attr: stringify!($free_attr),
                    returns: "Result<T, E> (`Value`, `()` for no value, `Option<Value>`, or `Json<T>` of any serialisable `T`)",
                    takes_group: super::chooses_group(stringify!($free_group)),
                    has_misfits: false,
                };
            )*
        }

        /// Defines the `#[proc_macro_attribute]` entry points at the crate root.
        macro_rules! entry_points {
            () => {
                $(
                    $(#[doc = $doc])*
                    #[proc_macro_attribute]
                    pub fn $attr(args: TokenStream, item: TokenStream) -> TokenStream {
                        expand::expand(&kinds::specs::$attr, args.into(), item.into()).into()
                    }
                )*
                $(
                    $(#[doc = $free_doc])*
                    #[proc_macro_attribute]
                    pub fn $free_attr(args: TokenStream, item: TokenStream) -> TokenStream {
                        expand::expand(&kinds::specs::$free_attr, args.into(), item.into()).into()
                    }
                )*
            };
        }
        pub(crate) use entry_points;
    };
}

const fn chooses_group(group: &str) -> bool {
    // `Chosen`: the function names its group; any other is fixed by the kind.
    matches!(group.as_bytes(), b"Chosen")
}

extension_kinds::kinds!(attributes);
