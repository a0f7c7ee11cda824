//! Request documents: how an operation's request struct is read from JSON (with errors that
//! name the field and the rule) and described to the binding generator.
//!
//! A request struct is declared once, inside the crate-internal `request!` macro: its
//! fields, their Rust types and their doc comments become the struct, its JSON reader
//! ([`Request::from_args`]) and its description ([`Request::fields`]). What a field accepts
//! follows from its type ([`FieldType`]):
//!
//! | Rust type | JSON | described as |
//! |---|---|---|
//! | `String` / `Option<String>` | a string | `string` |
//! | `u64` / `Option<u64>` | whole shillings: a positive number without fraction, or a numeric string | `amount` |
//! | `u32` / `Option<u32>` | a non-negative whole number | `integer` |
//! | `bool` / `Option<bool>` | `true` or `false` | `boolean` |
//! | a choice enum (`choice!`) | one of its names; optional, with the enum's default | `enum` |
//! | `Vec<T>` of a request struct | a list of objects | `list` |
//!
//! Unknown fields are refused, so a misspelt argument is an error, not a silently ignored one.

use std::cell::RefCell;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// How a field is described to the bindings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FieldKind {
    /// Text.
    String,
    /// Whole shillings (a positive whole number; numeric strings accepted).
    Amount,
    /// A non-negative whole number.
    Integer,
    /// True or false.
    Boolean,
    /// One of the listed names.
    Enum {
        /// The accepted names.
        values: Vec<&'static str>,
    },
    /// A list of objects, each with the listed fields.
    List {
        /// The item's type name.
        item: &'static str,
        /// The item's fields.
        fields: Vec<FieldInfo>,
    },
}

/// One field of a request, as [`crate::ops::describe`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// The JSON (and Python, PHP) name; Node uses its camelCase form.
    pub name: &'static str,
    /// Its type.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// False when it may be left out.
    pub required: bool,
    /// Its doc comment.
    pub doc: String,
}

/// A type a request field can have: how it is read from JSON and described.
pub trait FieldType: Sized {
    /// Reads the field `name` (absent and `null` are the same).
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self>;
    /// Its description (without name and doc).
    fn kind() -> FieldKind;
    /// False when the field may be left out.
    fn required() -> bool {
        true
    }
}

/// A request struct declared with the crate-internal `request!` macro.
pub trait Request: Sized {
    /// Reads the struct from a JSON request document.
    fn from_args(args: &Args<'_>) -> Result<Self>;
    /// The fields, in declaration order.
    fn fields() -> Vec<FieldInfo>;
    /// The struct's doc comment.
    fn doc() -> &'static str;
    /// Reads the struct from a JSON object (or null), refusing unknown fields.
    fn from_json(value: &Value) -> Result<Self> {
        let args = Args::new(value)?;
        let request = Self::from_args(&args)?;
        args.finish()?;
        Ok(request)
    }
}

/// Declares request structs: each becomes the struct (with serde's `Serialize` and
/// `Deserialize`, unknown fields refused), a [`Request`] implementation that reads it from
/// JSON, and its description for the generator. Field docs come first, then an optional
/// `#[serde(...)]` attribute.
macro_rules! request {
    ($(
        $(#[doc = $doc:literal])*
        #[derive($($derive:ident),*)]
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $(#[serde($($serde:tt)*)])?
                pub $field:ident : $ty:ty,
            )*
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[derive($($derive,)* serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde($($serde)*)])?
                pub $field: $ty,
            )*
        }

        impl $crate::request::Request for $name {
            fn from_args(args: &$crate::request::Args<'_>) -> $crate::Result<Self> {
                let _ = args;
                Ok($name {
                    $($field: <$ty as $crate::request::FieldType>::read(args, stringify!($field))?,)*
                })
            }
            fn fields() -> Vec<$crate::request::FieldInfo> {
                vec![$($crate::request::FieldInfo {
                    name: stringify!($field),
                    kind: <$ty as $crate::request::FieldType>::kind(),
                    required: <$ty as $crate::request::FieldType>::required(),
                    doc: $crate::request::join_doc(&[$($fdoc),*]),
                },)*]
            }
            fn doc() -> &'static str {
                concat!($($doc, "\n"),*)
            }
        }

        impl $crate::request::FieldType for Vec<$name> {
            fn read(args: &$crate::request::Args<'_>, name: &'static str) -> $crate::Result<Self> {
                args.list(name, |item| <$name as $crate::request::Request>::from_json(item))
            }
            fn kind() -> $crate::request::FieldKind {
                $crate::request::FieldKind::List {
                    item: stringify!($name),
                    fields: <$name as $crate::request::Request>::fields(),
                }
            }
        }
    )*};
}
pub(crate) use request;

/// Makes a choice enum usable as a request field, read by its `parse(field, value)` and
/// described with the listed names: optional (its `Default` when left out), or with
/// `required` first, required.
macro_rules! choice {
    (required $ty:ty, [$($value:literal),* $(,)?]) => {
        impl $crate::request::FieldType for $ty {
            fn read(args: &$crate::request::Args<'_>, name: &'static str) -> $crate::Result<Self> {
                <$ty>::parse(name, &args.str(name)?)
            }
            fn kind() -> $crate::request::FieldKind {
                $crate::request::FieldKind::Enum { values: vec![$($value),*] }
            }
        }
    };
    ($ty:ty, [$($value:literal),* $(,)?]) => {
        impl $crate::request::FieldType for $ty {
            fn read(args: &$crate::request::Args<'_>, name: &'static str) -> $crate::Result<Self> {
                match args.opt_str(name)? {
                    Some(value) => <$ty>::parse(name, &value),
                    None => Ok(<$ty>::default()),
                }
            }
            fn kind() -> $crate::request::FieldKind {
                $crate::request::FieldKind::Enum { values: vec![$($value),*] }
            }
            fn required() -> bool {
                false
            }
        }
    };
}
pub(crate) use choice;

/// A field's doc comment lines joined into one paragraph.
#[doc(hidden)]
pub fn join_doc(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

impl FieldType for String {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.str(name)
    }
    fn kind() -> FieldKind {
        FieldKind::String
    }
}

impl FieldType for u64 {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.amount(name)
    }
    fn kind() -> FieldKind {
        FieldKind::Amount
    }
}

impl FieldType for u32 {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        Option::<u32>::read(args, name)?.ok_or_else(|| Error::invalid(name, "is required"))
    }
    fn kind() -> FieldKind {
        FieldKind::Integer
    }
}

impl FieldType for bool {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.opt_bool(name)?
            .ok_or_else(|| Error::invalid(name, "is required"))
    }
    fn kind() -> FieldKind {
        FieldKind::Boolean
    }
}

impl FieldType for Option<String> {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.opt_str(name)
    }
    fn kind() -> FieldKind {
        FieldKind::String
    }
    fn required() -> bool {
        false
    }
}

impl FieldType for Option<u64> {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.opt_amount(name)
    }
    fn kind() -> FieldKind {
        FieldKind::Amount
    }
    fn required() -> bool {
        false
    }
}

impl FieldType for Option<u32> {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        match args.opt_u64(name)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| Error::invalid(name, "is too large")),
        }
    }
    fn kind() -> FieldKind {
        FieldKind::Integer
    }
    fn required() -> bool {
        false
    }
}

impl FieldType for Option<bool> {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        args.opt_bool(name)
    }
    fn kind() -> FieldKind {
        FieldKind::Boolean
    }
    fn required() -> bool {
        false
    }
}

request! {
    /// No arguments.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NoArguments {}
}

/// The fields of a request document, read with typed accessors whose errors name the field.
pub struct Args<'a> {
    map: Option<&'a Map<String, Value>>,
    /// The fields read so far (a handful: a list beats hashing).
    used: RefCell<Vec<&'a str>>,
}

impl<'a> Args<'a> {
    /// Wraps a request document; it must be an object (or null for no arguments).
    pub fn new(value: &'a Value) -> Result<Args<'a>> {
        let map = match value {
            Value::Object(m) => Some(m),
            Value::Null => None,
            _ => return Err(Error::invalid("request", "must be a JSON object")),
        };
        Ok(Args {
            map,
            used: RefCell::new(Vec::new()),
        })
    }

    fn get(&self, field: &'a str) -> Option<&'a Value> {
        let mut used = self.used.borrow_mut();
        if !used.contains(&field) {
            used.push(field);
        }
        self.map.and_then(|m| m.get(field)).filter(|v| !v.is_null())
    }

    /// A required string.
    pub fn str(&self, field: &'a str) -> Result<String> {
        self.opt_str(field)?
            .ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional string.
    pub fn opt_str(&self, field: &'a str) -> Result<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(field, "must be a string")),
        }
    }

    /// A required amount in whole shillings: a JSON number (or a numeric string) that is
    /// positive and has no fraction.
    pub fn amount(&self, field: &'a str) -> Result<u64> {
        self.opt_amount(field)?
            .ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional amount (see [`Args::amount`]).
    pub fn opt_amount(&self, field: &'a str) -> Result<Option<u64>> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|f| f.is_finite())
        .ok_or_else(|| Error::invalid(field, "must be a number"))?;
        if n <= 0.0 {
            return Err(Error::invalid(field, "must be greater than 0"));
        }
        if n.fract() != 0.0 {
            return Err(Error::invalid(field, "must be a whole number of shillings"));
        }
        if n > 1e12 {
            return Err(Error::invalid(field, "is too large"));
        }
        Ok(Some(n as u64))
    }

    /// An optional whole number.
    pub fn opt_u64(&self, field: &'a str) -> Result<Option<u64>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| Error::invalid(field, "must be a non-negative whole number")),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, field: &'a str) -> Result<Option<bool>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(field, "must be true or false")),
        }
    }

    /// A required list, each item read by `item`; an item's error names `field[index].name`.
    pub fn list<T>(&self, field: &'a str, item: impl Fn(&Value) -> Result<T>) -> Result<Vec<T>> {
        match self.get(field) {
            None => Err(Error::invalid(field, "is required")),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    item(v).map_err(|e| match e {
                        Error::InvalidInput { field: inner, rule } => {
                            Error::invalid(format!("{field}[{i}].{inner}"), rule)
                        }
                        other => other,
                    })
                })
                .collect(),
            Some(_) => Err(Error::invalid(field, "must be a list")),
        }
    }

    /// Fails when the document holds a field no accessor asked for.
    pub fn finish(&self) -> Result<()> {
        let used = self.used.borrow();
        if let Some(m) = self.map {
            if let Some(extra) = m.keys().find(|k| !used.contains(&k.as_str())) {
                return Err(Error::invalid(
                    extra.chars().take(64).collect::<String>(),
                    "is not a field of this request",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    request! {
        /// A test request.
        #[derive(Debug, PartialEq, Eq)]
        pub struct Sample {
            /// Who.
            pub phone: String,
            /// How much.
            pub amount: u64,
            /// Optional note,
            /// over two lines.
            pub note: Option<String>,
            pub size: Option<u32>,
        }
    }

    #[test]
    fn reads_and_describes() {
        let r = Sample::from_json(&json!({"phone": "0712", "amount": "15", "size": 3})).unwrap();
        assert_eq!(
            r,
            Sample {
                phone: "0712".into(),
                amount: 15,
                note: None,
                size: Some(3)
            }
        );
        let e = Sample::from_json(&json!({"phone": "0712", "amount": 1.5})).unwrap_err();
        assert_eq!(e.field(), Some("amount"));
        let e = Sample::from_json(&json!({"phone": "0712", "amount": 1, "bogus": 1})).unwrap_err();
        assert_eq!(e.field(), Some("bogus"));
        let fields = Sample::fields();
        assert_eq!(fields[2].doc, "Optional note, over two lines.");
        assert!(!fields[2].required && fields[1].required);
        assert_eq!(fields[1].kind, FieldKind::Amount);
        assert_eq!(Sample::doc().trim(), "A test request.");
    }
}
