//! `id_ref!`: payloads that name one entity by id, sent either bare or as a one-field object.
//!
//! PROTOCOL.md gives some payloads as a bare string (`subscribe:vehicle` `vehicleId`,
//! `room:join` `roomId`) and others as `{tripId}`-style objects; the reference clients are not
//! consistent about it, so every such payload accepts both forms (like `MarkRead`). The macro
//! keeps the eight enums identical: same derives, an `id()` accessor and id validation. The
//! object form refuses unknown fields, like every other request payload (PROTOCOL.md §2:
//! `bad_request`).
//!
//! `tests/bindings.rs` finds the generated types by the first identifier after `id_ref!(` in
//! the sources, so always invoke the macro by that name with the type name first.

/// Declares an untagged enum accepting `{<json>: id}` or the bare id.
///
/// `id_ref!(Name, rust_field, "jsonField", "doc of the enum");`
macro_rules! id_ref {
    ($name:ident, $field:ident, $json:literal, $doc:literal) => {
        #[doc = concat!(" ", $doc)]
        #[doc = ""]
        #[doc = concat!(" Accepts `{", $json, "}` or the bare id; other fields are refused.")]
        #[derive(Debug, Clone, PartialEq, Eq, ::serde::Serialize, ::ts_rs::TS)]
        #[serde(untagged)]
        pub enum $name {
            #[doc = concat!(" `{", $json, "}`.")]
            Object {
                #[doc = " The id."]
                #[serde(rename = $json)]
                $field: String,
            },
            /// The bare id.
            Bare(String),
        }

        // By hand, through a private twin: ts-rs cannot parse `deny_unknown_fields` on an enum.
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(::serde::Deserialize)]
                #[serde(untagged, deny_unknown_fields)]
                enum Wire {
                    Object {
                        #[serde(rename = $json)]
                        $field: String,
                    },
                    Bare(String),
                }
                Ok(match <Wire as ::serde::Deserialize>::deserialize(d)? {
                    Wire::Object { $field } => Self::Object { $field },
                    Wire::Bare(id) => Self::Bare(id),
                })
            }
        }

        impl $name {
            /// The id, whichever way it was sent.
            pub fn id(&self) -> &str {
                match self {
                    Self::Object { $field } | Self::Bare($field) => $field,
                }
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self::Bare(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::Bare(id.to_owned())
            }
        }

        impl $crate::validate::Validate for $name {
            fn validate(&self) -> Result<(), $crate::validate::ValidationError> {
                $crate::validate::id($json, self.id())
            }
        }
    };
}

pub(crate) use id_ref;
