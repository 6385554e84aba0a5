//! Tera 2, enabled by the `tera2` feature (on by default).

use std::sync::Arc;

use helpscout_beacon::Beacons;
use helpscout_beacon::template::{self, Function};
use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use tera::value::Key;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::core_message;

impl crate::sealed::Sealed for Tera {}

/// A Tera 2 instance.
impl crate::Engine for Tera {
    fn register_beacons(&mut self, beacons: Beacons) {
        let beacons = Arc::new(beacons);
        for function in Function::ALL {
            let name = function.name();
            if function.takes_input() {
                let beacons = Arc::clone(&beacons);
                self.register_filter(
                    name,
                    move |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
                        call(&beacons, function, Some(Lent(value)), &kwargs)
                    },
                );
            }
            // A filter only: `{{ user | beacon_identify }}`.
            if function != Function::Identify {
                let beacons = Arc::clone(&beacons);
                self.register_function(
                    name,
                    move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
                        call(&beacons, function, None, &kwargs)
                    },
                );
            }
        }
    }
}

/// One call of `function`: the input and the keyword arguments lent to the
/// core, its text copied into a safe Tera string.
fn call(
    beacons: &Beacons,
    function: Function,
    input: Option<Lent<'_>>,
    kwargs: &Kwargs,
) -> TeraResult<Value> {
    let args = lent_map(kwargs.iter());
    template::render_call_with(beacons, function, input, args, Value::safe_string)
        .map_err(|error| tera::Error::message(core_message(function.name(), error)))
}

/// Map entries (a user map's, or the keyword arguments), as a deserializer
/// that copies nothing.
fn lent_map<'a>(
    entries: impl Iterator<Item = (&'a Key<'static>, &'a Value)>,
) -> MapDeserializer<'a, impl Iterator<Item = (LentKey<'a>, Lent<'a>)>, DeError> {
    MapDeserializer::new(entries.map(|(key, value)| (LentKey(key), Lent(value))))
}

/// A Tera value for serde, lending its strings, map entries and list items
/// where Tera's own deserializer copies each of them (it clones every value
/// it visits and offers strings only for the length of a call). A value
/// that is skipped (serde's `IgnoredAny`, as for a user's fields that are
/// not Beacon's) is not looked into at all, where Tera's own deserializer
/// walks all of it, however large or deep. Everything else (numbers,
/// booleans, bytes, none) is left to Tera's own deserializer.
#[derive(Clone, Copy)]
struct Lent<'a>(&'a Value);

impl<'de> Deserializer<'de> for Lent<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Some(text) = self.0.as_str() {
            visitor.visit_borrowed_str(text)
        } else if let Some(map) = self.0.as_map() {
            visitor.visit_map(lent_map(map.iter()))
        } else if let Some(items) = self.0.as_array() {
            visitor.visit_seq(SeqDeserializer::new(items.iter().map(Lent)))
        } else {
            self.0.deserialize_any(visitor).map_err(de::Error::custom)
        }
    }

    /// Skipped unseen: not even its kind is looked at.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.0.is_none() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple tuple_struct
        map struct enum identifier
    }
}

impl<'de> IntoDeserializer<'de, DeError> for Lent<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// A Tera map key for serde: a string key lent, any other as Tera reads it.
struct LentKey<'a>(&'a Key<'static>);

impl<'de> Deserializer<'de> for LentKey<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0.as_str() {
            Some(text) => visitor.visit_borrowed_str(text),
            None => self
                .0
                .as_value()
                .deserialize_any(visitor)
                .map_err(de::Error::custom),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

impl<'de> IntoDeserializer<'de, DeError> for LentKey<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}
