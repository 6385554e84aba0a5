//! The adapter, written once for both majors: MiniJinja 2 and 3 share the
//! API it uses, so the two modules differ only in the crate they name.

/// Expands to the [`Engine`](crate::Engine) implementation and its
/// helpers for the MiniJinja crate `$mj`.
macro_rules! minijinja_adapter {
    ($mj:ident, $major:literal) => {
        use std::collections::BTreeMap;
        use std::sync::Arc;

        use helpscout_beacon::Beacons;
        use helpscout_beacon::template::{self, Function};
        use serde::de::value::{MapDeserializer, SeqDeserializer};
        use serde::de::{Deserializer, IntoDeserializer, Visitor};
        use serde::forward_to_deserialize_any;
        use $mj::value::{Kwargs, Value, ValueKind};
        use $mj::{Environment, Error, ErrorKind};

        impl crate::sealed::Sealed for Environment<'_> {}

        #[doc = concat!("A MiniJinja ", $major, " environment.")]
        impl crate::Engine for Environment<'_> {
            fn register_beacons(&mut self, beacons: Beacons) {
                let beacons = Arc::new(beacons);
                for function in Function::ALL {
                    let name = function.name();
                    if function.takes_input() {
                        let beacons = Arc::clone(&beacons);
                        self.add_filter(name, move |value: &Value, kwargs: Kwargs| {
                            call(&beacons, function, Some(value), &kwargs)
                        });
                    }
                    let beacons = Arc::clone(&beacons);
                    match function {
                        // A filter only: `{{ user | beacon_identify }}`.
                        Function::Identify => {}
                        Function::Init | Function::Logout => {
                            self.add_function(name, move |kwargs: Kwargs| {
                                call(&beacons, function, None, &kwargs)
                            });
                        }
                        // `beacon_session_data(data)` or `(data=data)`, and
                        // the same for `beacon_prefill`.
                        _ => {
                            self.add_function(
                                name,
                                move |input: Option<&Value>, kwargs: Kwargs| {
                                    call(&beacons, function, input, &kwargs)
                                },
                            );
                        }
                    }
                }
            }
        }

        /// One call of `function`: the input and the keyword arguments
        /// lent to the core, its text marked safe.
        fn call(
            beacons: &Beacons,
            function: Function,
            input: Option<&Value>,
            kwargs: &Kwargs,
        ) -> Result<Value, Error> {
            let input = input.map(Lent::Borrowed);
            let html = template::render_call(beacons, function, input, lent_kwargs(kwargs))
                .map_err(failed(function.name()))?;
            Ok(Value::from_safe_string(html))
        }

        /// The keyword arguments, each value lent (a `user=` is read as
        /// the filter's input is, its ignored fields unseen).
        fn lent_kwargs(
            kwargs: &Kwargs,
        ) -> MapDeserializer<'_, impl Iterator<Item = (&str, Lent<'_>)>, Error> {
            MapDeserializer::new(kwargs.args().filter_map(|key| {
                let value = kwargs.peek::<&Value>(key).ok()?;
                Some((key, Lent::Borrowed(value)))
            }))
        }

        /// A MiniJinja value for serde, lending its strings, and the
        /// entries and items of the maps and lists MiniJinja makes from
        /// serde data, where MiniJinja's own deserializer copies each
        /// string. A value that is skipped (serde's `IgnoredAny`, as for a
        /// user's fields that are not Beacon's) is not looked into at all,
        /// where MiniJinja's own deserializer walks all of it, however
        /// large or deep.
        ///
        /// Other maps and lists (a struct's fields, a custom object, the
        /// maps of the `preserve_order` feature) hand out their entries
        /// only as owned values: those are read the same way, their strings
        /// copied. Everything else (numbers, booleans, bytes, none,
        /// undefined, plain objects) is left to MiniJinja's own
        /// deserializer, as are map keys that are not strings.
        enum Lent<'a> {
            Borrowed(&'a Value),
            Owned(Value),
        }

        impl<'de> Deserializer<'de> for Lent<'de> {
            type Error = Error;

            fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                let value = match self {
                    Lent::Borrowed(value) => value,
                    Lent::Owned(value) => return read_owned(value, visitor),
                };
                match value.kind() {
                    ValueKind::String => {
                        if let Some(text) = value.as_str() {
                            return visitor.visit_borrowed_str(text);
                        }
                    }
                    ValueKind::Map => {
                        if let Some(map) = value.downcast_object_ref::<BTreeMap<Value, Value>>() {
                            let entries = map
                                .iter()
                                .map(|(key, value)| (Lent::Borrowed(key), Lent::Borrowed(value)));
                            return visitor.visit_map(MapDeserializer::new(entries));
                        }
                    }
                    ValueKind::Seq => {
                        if let Some(items) = value.downcast_object_ref::<Vec<Value>>() {
                            let items = items.iter().map(Lent::Borrowed);
                            return visitor.visit_seq(SeqDeserializer::new(items));
                        }
                    }
                    _ => {}
                }
                read_owned(value.clone(), visitor)
            }

            /// Skipped unseen: not even its kind is looked at.
            fn deserialize_ignored_any<V: Visitor<'de>>(
                self,
                visitor: V,
            ) -> Result<V::Value, Error> {
                visitor.visit_unit()
            }

            /// As MiniJinja's own: none and undefined are a unit.
            fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.value().kind() {
                    ValueKind::None | ValueKind::Undefined => visitor.visit_unit(),
                    _ => visitor.visit_some(self),
                }
            }

            fn deserialize_newtype_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                visitor: V,
            ) -> Result<V::Value, Error> {
                visitor.visit_newtype_struct(self)
            }

            fn deserialize_enum<V: Visitor<'de>>(
                self,
                name: &'static str,
                variants: &'static [&'static str],
                visitor: V,
            ) -> Result<V::Value, Error> {
                self.value().deserialize_enum(name, variants, visitor)
            }

            forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
                identifier
            }
        }

        impl Lent<'_> {
            fn value(&self) -> &Value {
                match self {
                    Lent::Borrowed(value) => value,
                    Lent::Owned(value) => value,
                }
            }
        }

        /// A value that is not lent: a map's entries and a list's items as
        /// the object hands them out, each read as a [`Lent::Owned`], and
        /// everything else by MiniJinja's own deserializer.
        fn read_owned<'de, V: Visitor<'de>>(value: Value, visitor: V) -> Result<V::Value, Error> {
            match value.kind() {
                ValueKind::Map => {
                    let entries = value.as_object().and_then(|map| map.try_iter_pairs());
                    let entries = entries.into_iter().flatten();
                    let entries = entries.map(|(key, value)| (Lent::Owned(key), Lent::Owned(value)));
                    visitor.visit_map(MapDeserializer::new(entries))
                }
                ValueKind::Seq | ValueKind::Iterable => {
                    let items = value.as_object().and_then(|list| list.try_iter());
                    let items = items.into_iter().flatten().map(Lent::Owned);
                    visitor.visit_seq(SeqDeserializer::new(items))
                }
                _ => value.deserialize_any(visitor),
            }
        }

        impl<'de> IntoDeserializer<'de, Error> for Lent<'de> {
            type Deserializer = Self;
            fn into_deserializer(self) -> Self {
                self
            }
        }

        /// The function's name and the core's own message, without the
        /// "cannot deserialize" that MiniJinja's serde errors carry as their
        /// kind.
        fn failed(function: &'static str) -> impl Fn(Error) -> Error {
            move |error| {
                let core = error.detail().map_or_else(|| error.to_string(), str::to_owned);
                Error::new(ErrorKind::InvalidOperation, format!("{function}: {core}"))
            }
        }

        #[cfg(test)]
        mod tests {
            use std::collections::BTreeMap;
            use std::sync::Arc;

            use helpscout_beacon::Signer;
            use serde::Deserialize;
            use serde::de::IgnoredAny;
            use $mj::value::{Enumerator, Object, ObjectRepr};

            use super::*;

            /// A list that fails the test when anything looks into it.
            #[derive(Debug)]
            struct Tripwire;

            impl Object for Tripwire {
                fn repr(self: &Arc<Self>) -> ObjectRepr {
                    ObjectRepr::Seq
                }
                fn enumerate(self: &Arc<Self>) -> Enumerator {
                    panic!("a skipped value was looked into")
                }
                fn get_value(self: &Arc<Self>, _: &Value) -> Option<Value> {
                    panic!("a skipped value was looked into")
                }
            }

            fn from_json(json: serde_json::Value) -> Value {
                serde_json::from_value(json).unwrap()
            }

            #[test]
            fn skipped_values_are_not_looked_into() {
                let tripwire = Value::from_object(Tripwire);
                IgnoredAny::deserialize(Lent::Borrowed(&tripwire)).unwrap();
                IgnoredAny::deserialize(Lent::Owned(tripwire.clone())).unwrap();
                let beacons = Beacons::from(Signer::new("k").unwrap());
                let expected = template::render_call(
                    &beacons,
                    Function::Identify,
                    Some(&serde_json::json!({"email": "a@b.c"})),
                    serde_json::json!({}),
                )
                .unwrap();
                // A map MiniJinja makes from serde data is lent, a struct's
                // or a string-keyed map's is read from owned entries.
                let lent = Value::from_object(BTreeMap::from([
                    (Value::from("email"), Value::from("a@b.c")),
                    (Value::from("orders"), tripwire.clone()),
                ]));
                let owned = Value::from_object(BTreeMap::from([
                    ("email".to_owned(), Value::from("a@b.c")),
                    ("orders".to_owned(), tripwire),
                ]));
                for user in [&lent, &owned] {
                    let input = Some(Lent::Borrowed(user));
                    let html =
                        template::render_call(&beacons, Function::Identify, input, Value::from(()));
                    assert_eq!(html.unwrap(), expected);
                }
            }

            /// `beacon_init(user=…)`: the keyword arguments are lent too,
            /// so the user's ignored fields are not looked into either.
            #[test]
            fn keyword_arguments_skip_ignored_fields_unseen() {
                let signer = Signer::new("k").unwrap();
                let beacons = Beacons::from(helpscout_beacon::Beacon::new("id", signer).unwrap());
                let user = Value::from_object(BTreeMap::from([
                    (Value::from("email"), Value::from("a@b.c")),
                    (Value::from("orders"), Value::from_object(Tripwire)),
                ]));
                let kwargs = Kwargs::from_iter([("user", user)]);
                let html = call(&beacons, Function::Init, None, &kwargs).unwrap();
                let identify = r#"window.Beacon('identify', {"email":"a@b.c","signature":""#;
                assert!(html.as_str().unwrap().contains(identify), "{html}");
            }

            #[test]
            fn strings_maps_and_lists_from_serde_data_are_lent() {
                let text = Value::from("jane@example.com");
                let lent: &str = Deserialize::deserialize(Lent::Borrowed(&text)).unwrap();
                assert_eq!(lent, "jane@example.com");
                let user = from_json(serde_json::json!({"email": "j@x.y", "tags": ["a", "b"]}));
                #[derive(Deserialize)]
                struct User<'a> {
                    email: &'a str,
                    #[serde(borrow)]
                    tags: Vec<&'a str>,
                }
                let lent = User::deserialize(Lent::Borrowed(&user)).unwrap();
                assert_eq!((lent.email, lent.tags), ("j@x.y", vec!["a", "b"]));
            }

            #[test]
            fn reads_as_minijinja_reads() {
                let values = [
                    serde_json::json!({"a": [1, -2, 2.5, "s", null, true, {"b": "c"}], "n": 3}),
                    serde_json::json!([[], {}, "", 18446744073709551615u64]),
                    serde_json::json!(null),
                ];
                for json in values {
                    let value = from_json(json.clone());
                    for read in [
                        serde_json::Value::deserialize(Lent::Borrowed(&value)),
                        serde_json::Value::deserialize(Lent::Owned(value.clone())),
                        Option::<serde_json::Value>::deserialize(Lent::Borrowed(&value))
                            .map(Option::unwrap_or_default),
                    ] {
                        assert_eq!(read.unwrap(), json);
                    }
                }
                // Keys that are not strings, bytes and plain objects: as
                // MiniJinja's own deserializer has them.
                let odd = Value::from_object(BTreeMap::from([
                    (Value::from(1), Value::from(())),
                    (Value::from(()), Value::from_bytes(b"xy".to_vec())),
                ]));
                let theirs = BTreeMap::<Option<i64>, Value>::deserialize(&odd).unwrap();
                let ours = BTreeMap::<Option<i64>, Value>::deserialize(Lent::Borrowed(&odd)).unwrap();
                assert_eq!(ours, theirs);
                let bytes = Value::from_bytes(b"xy".to_vec());
                let error = <&str>::deserialize(Lent::Borrowed(&bytes)).unwrap_err();
                assert_eq!(error.to_string(), <&str>::deserialize(&bytes).unwrap_err().to_string());
            }
        }
    };
}

pub(crate) use minijinja_adapter;
