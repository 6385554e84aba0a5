//! Every bad input of the README's "Error policy" gets its own error, naming
//! the field and the rule, and no error, `Debug` or `Display` ever shows the
//! secret.

use helpscout_beacon::template;
use helpscout_beacon::{Error, Field, Identity, LimitPolicy, Signer};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t-Key-from-beacon-settings";

fn signer() -> Signer {
    Signer::new(SECRET).unwrap()
}

fn strict() -> Signer {
    signer().with_policy(LimitPolicy::Strict)
}

/// The message of deserializing `value` as an identity (serde reports our
/// error through its own type, by message).
fn deserialize_error(value: Value) -> String {
    match serde_json::from_value::<Identity>(value.clone()) {
        Ok(identity) => panic!("{value} deserialized as {identity:?}"),
        Err(error) => error.to_string(),
    }
}

fn identify_error(signer: &Signer, identity: Identity) -> Error {
    match signer.identify(&identity) {
        Ok(call) => panic!("{identity:?} gave {call}"),
        Err(error) => error,
    }
}

#[test]
fn empty_secret() {
    assert_eq!(Signer::new("").unwrap_err(), Error::EmptySecret);
    assert_eq!(Signer::new(b"").unwrap_err(), Error::EmptySecret);
    assert_eq!(
        Error::EmptySecret.to_string(),
        "secret key: must not be empty (copy it from the Beacon's Secure Mode settings)"
    );
}

#[test]
fn missing_or_null_email() {
    let missing = "email: required, but missing, null or undefined (pass a user with an email, or an email string)";
    assert_eq!(deserialize_error(json!({"name": "Jane"})), missing);
    assert_eq!(deserialize_error(json!({"email": null})), missing);
    assert_eq!(deserialize_error(Value::Null), missing);
    assert_eq!(Error::MissingEmail.to_string(), missing);
}

#[test]
fn non_string_email() {
    assert_eq!(
        deserialize_error(json!({"email": 42})),
        "email: must be a string, found a number"
    );
    assert_eq!(
        deserialize_error(json!({"email": ["a@b.c"]})),
        "email: must be a string, found a list"
    );
    assert_eq!(
        deserialize_error(json!({"email": {"address": "a@b.c"}})),
        "email: must be a string, found a map"
    );
    assert_eq!(
        deserialize_error(json!({"email": true})),
        "email: must be a string, found a boolean"
    );
    assert_eq!(
        deserialize_error(json!(17)),
        "email: must be a string, or a user map with an email, found a number"
    );
    assert_eq!(
        deserialize_error(json!(["a@b.c"])),
        "email: must be a string, or a user map with an email, found a list"
    );
}

#[test]
fn empty_email() {
    let error = identify_error(&signer(), Identity::new(""));
    assert_eq!(error, Error::EmptyEmail);
    assert_eq!(error.to_string(), "email: must not be empty");
}

#[test]
fn object_or_array_where_a_string_belongs() {
    for (field, label) in [
        ("name", "name"),
        ("company", "company"),
        ("jobTitle", "jobTitle"),
        ("job_title", "jobTitle"),
        ("avatar", "avatar"),
    ] {
        assert_eq!(
            deserialize_error(json!({"email": "a@b.c", field: {"first": "Jane"}})),
            format!("{label}: must be a string, found a map")
        );
        assert_eq!(
            deserialize_error(json!({"email": "a@b.c", field: ["Jane"]})),
            format!("{label}: must be a string, found a list")
        );
        assert_eq!(
            deserialize_error(json!({"email": "a@b.c", field: 3.5})),
            format!("{label}: must be a string, found a number")
        );
    }
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "attributes": {"plan": {"tier": 1}}})),
        "attributes.plan: must be a string, a number or a boolean, found a map"
    );
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "attributes": {"plan": []}})),
        "attributes.plan: must be a string, a number or a boolean, found a list"
    );
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "attributes": ["plan"]})),
        "attributes: must be a map of custom attributes, found a list"
    );
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "attributes": "plan=pro"})),
        "attributes: must be a map of custom attributes, found a string"
    );
}

#[test]
fn avatar_that_is_not_an_http_url() {
    let rule = "avatar: must be an absolute http:// or https:// URL with a host and no spaces";
    for avatar in [
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://example.com/a.png",
        "//example.com/a.png",
        "/a.png",
        "example.com/a.png",
        "https://",
        "https:///a.png",
        "https:\\\\example.com/a.png",
        "https://example.com\\@evil.com/",
        "https://?q=1",
        "https:example.com/a.png",
        "https://exa mple.com/a.png",
        " https://example.com/a.png",
        "https://example.com/a.png\n",
        "https://example.com/\ta.png",
        "",
    ] {
        let error = identify_error(&strict(), Identity::new("a@b.c").avatar(avatar));
        assert_eq!(error, Error::InvalidAvatar, "{avatar:?}");
        assert_eq!(error.to_string(), rule);
        // One user's bad avatar must not break their pages: the default
        // policy leaves it out, as Beacon would ignore it.
        let call = signer()
            .identify(&Identity::new("a@b.c").avatar(avatar))
            .unwrap();
        assert_eq!(call, signer().identify(&Identity::new("a@b.c")).unwrap());
        let html = template::render(
            &signer(),
            Some(&json!({"email": "a@b.c", "avatar": avatar})),
            json!({}),
        )
        .unwrap();
        assert!(!html.contains("avatar"), "{html}");
    }
    for avatar in [
        "https://example.com/a.png",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/A.PNG",
        "https://user@example.com:8443/a.png?s=80#x",
        "https://[::1]/a.png",
    ] {
        assert!(
            signer()
                .identify(&Identity::new("a@b.c").avatar(avatar))
                .is_ok(),
            "{avatar}"
        );
    }
}

#[test]
fn avatar_over_200_characters_under_either_policy() {
    let at_limit = format!("https://example.com/{}", "a".repeat(200 - 20));
    assert_eq!(at_limit.chars().count(), 200);
    let over = format!("{at_limit}b");
    // Counted in UTF-16 code units: 179 + one astral character is 201.
    let astral_over = format!("https://example.com/{}\u{1F600}", "a".repeat(200 - 21));
    assert_eq!(astral_over.chars().count(), 200);
    for signer in [signer(), strict()] {
        assert!(
            signer
                .identify(&Identity::new("a@b.c").avatar(&at_limit))
                .is_ok()
        );
    }
    // The default policy leaves an over-long avatar out.
    for over in [&over, &astral_over] {
        let call = signer()
            .identify(&Identity::new("a@b.c").avatar(over))
            .unwrap();
        assert!(!call.as_str().contains("avatar"), "{call}");
    }
    for over in [&over, &astral_over] {
        let signer = strict();
        let error = identify_error(&signer, Identity::new("a@b.c").avatar(over));
        assert_eq!(
            error,
            Error::TooLong {
                field: Field::Avatar,
                limit: 200,
                length: 201
            }
        );
        assert_eq!(
            error.to_string(),
            "avatar: at most 200 characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found 201"
        );
    }
}

#[test]
fn over_limit_fields_under_the_strict_policy() {
    type Setter = fn(Identity, String) -> Identity;
    let cases: [(Setter, Field, usize); 3] = [
        (|i, v| i.name(v), Field::Name, 80),
        (|i, v| i.company(v), Field::Company, 60),
        (|i, v| i.job_title(v), Field::JobTitle, 60),
    ];
    for (set, field, limit) in cases {
        // Multi-byte characters: the limit counts characters, not bytes.
        let at_limit = "é".repeat(limit);
        assert!(
            strict()
                .identify(&set(Identity::new("a@b.c"), at_limit.clone()))
                .is_ok()
        );
        let error = identify_error(
            &strict(),
            set(Identity::new("a@b.c"), format!("{at_limit}x")),
        );
        assert_eq!(
            error,
            Error::TooLong {
                field: field.clone(),
                limit,
                length: limit + 1
            }
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{field}: at most {limit} characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found {}",
                limit + 1
            )
        );
        // The default policy truncates the same input instead.
        assert!(
            signer()
                .identify(&set(Identity::new("a@b.c"), format!("{at_limit}x")))
                .is_ok()
        );
        // Lengths are UTF-16 code units: half the limit in emoji is at the
        // limit, one more is over it by two.
        let emoji = "😀".repeat(limit / 2);
        assert!(
            strict()
                .identify(&set(Identity::new("a@b.c"), emoji.clone()))
                .is_ok()
        );
        assert_eq!(
            identify_error(&strict(), set(Identity::new("a@b.c"), format!("{emoji}😀"))),
            Error::TooLong {
                field: field.clone(),
                limit,
                length: limit + 2
            }
        );
    }
}

#[test]
fn the_email_is_never_truncated() {
    let email = format!("{}@example.com", "a".repeat(500));
    let call = strict().identify(&Identity::new(email.as_str())).unwrap();
    assert!(call.as_str().contains(&email));
}

#[test]
fn attribute_key_that_is_not_a_plain_identifier() {
    let too_long = "k".repeat(65);
    for key in [
        "",
        "a b",
        "plan!",
        "é",
        "<script>",
        "a.b",
        "\u{2028}",
        too_long.as_str(),
    ] {
        let error = identify_error(&signer(), Identity::new("a@b.c").attribute(key, "x"));
        assert_eq!(
            error,
            Error::InvalidAttributeKey {
                key: key.to_owned(),
                limit: 64
            }
        );
        assert_eq!(
            error.to_string(),
            format!("attributes: key {key:?} must be 1 to 64 ASCII letters, digits, '_' or '-'")
        );
    }
    let longest = "k".repeat(64);
    for key in ["a", "plan_tier", "plan-tier", "X9", longest.as_str()] {
        assert!(
            signer()
                .identify(&Identity::new("a@b.c").attribute(key, 1))
                .is_ok(),
            "{key}"
        );
    }
}

#[test]
fn attribute_named_like_a_beacon_field() {
    for key in [
        "email",
        "signature",
        "name",
        "company",
        "jobTitle",
        "avatar",
        "Email",
        "SIGNATURE",
    ] {
        let error = identify_error(&signer(), Identity::new("a@b.c").attribute(key, "x"));
        assert_eq!(
            error,
            Error::ReservedAttributeKey {
                key: key.to_owned()
            }
        );
        assert_eq!(
            error.to_string(),
            format!(
                "attributes: key {key:?} is a Beacon field name; set that field itself, or rename the attribute"
            )
        );
    }
    // Also when it arrives through deserialization.
    let identity: Identity =
        serde_json::from_value(json!({"email": "a@b.c", "attributes": {"signature": "forged"}}))
            .unwrap();
    assert_eq!(
        identify_error(&signer(), identity),
        Error::ReservedAttributeKey {
            key: "signature".into()
        }
    );
}

#[test]
fn too_many_attributes() {
    let mut identity = Identity::new("a@b.c");
    for i in 0..30 {
        identity = identity.attribute(format!("k{i}"), i);
    }
    assert!(signer().identify(&identity).is_ok());
    let identity = identity.attribute("one_more", true);
    let error = identify_error(&strict(), identity.clone());
    assert_eq!(
        error,
        Error::TooManyAttributes {
            count: 31,
            limit: 30
        }
    );
    assert_eq!(
        error.to_string(),
        "attributes: at most 30 custom attributes, found 31"
    );
    assert_eq!(
        identify_error(&signer(), identity),
        Error::TooManyAttributes {
            count: 31,
            limit: 30
        }
    );
}

#[test]
fn non_finite_numbers_cannot_be_attributes() {
    assert!(helpscout_beacon::AttributeValue::from_f64(f64::NAN).is_none());
    assert!(helpscout_beacon::AttributeValue::from_f64(f64::INFINITY).is_none());
    assert!(helpscout_beacon::AttributeValue::from_f64(1.5).is_some());
}

#[test]
fn bad_nonce() {
    let call = signer().identify(&Identity::new("a@b.c")).unwrap();
    for nonce in [
        "",
        "a b",
        "abc\"",
        "abc'",
        "<script>",
        "abc>",
        "nonce\n",
        "ünïcode",
        "a;b",
        "a&b",
    ] {
        assert_eq!(
            call.script_tag(Some(nonce)).unwrap_err(),
            Error::InvalidNonce,
            "{nonce:?}"
        );
    }
    // The CSP grammar: base64 or base64url, then at most two '='.
    for nonce in ["=", "==", "a===", "a=b", "=abc", "ab=c=", "a = "] {
        assert_eq!(
            call.script_tag(Some(nonce)).unwrap_err(),
            Error::InvalidNonce,
            "{nonce:?}"
        );
    }
    for nonce in ["AZaz09+/-_", "AZaz09+/-_=", "AZaz09+/-_==", "a"] {
        assert!(call.script_tag(Some(nonce)).is_ok(), "{nonce:?}");
    }
    assert_eq!(
        Error::InvalidNonce.to_string(),
        "nonce: must be a CSP nonce, one or more of A-Z a-z 0-9 + / - _ then at most two '='; pass the request's nonce or leave nonce out"
    );
}

fn args_error(args: Value) -> String {
    match template::render(&signer(), Some(&json!("a@b.c")), &args) {
        Ok(html) => panic!("{args} gave {html}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_template_arguments() {
    assert_eq!(
        args_error(json!({"nonce": null})),
        "nonce: null or undefined (is the request's nonce in the template's context?); pass it, or leave nonce out"
    );
    assert_eq!(
        args_error(json!({"nonce": 12})),
        "nonce: must be a string, found a number"
    );
    assert_eq!(
        args_error(json!({"nonse": "abc"})),
        r#"unknown argument "nonse" (beacon_identify takes email, name, company, jobTitle, avatar, attributes, nonce and beacon)"#
    );
    assert_eq!(
        args_error(json!({"name": {"first": "Jane"}})),
        "name: must be a string, found a map"
    );
    // Neither an input nor email=; a null input is no input.
    let render = |input: Option<Value>, args: Value| {
        template::render(&signer(), input.as_ref(), &args)
            .unwrap_err()
            .to_string()
    };
    let missing = Error::MissingEmail.to_string();
    assert_eq!(render(None, json!({"name": "Jane"})), missing);
    assert_eq!(render(Some(Value::Null), json!({"name": "Jane"})), missing);
    // A user map without an email, even with email=: the map is broken.
    assert_eq!(
        render(Some(json!({"name": "Jane"})), json!({"email": "a@b.c"})),
        missing
    );
    // A bad nonce given as a string is refused when the tag is built.
    assert_eq!(
        render(Some(json!("a@b.c")), json!({"nonce": "\"><script>"})),
        Error::InvalidNonce.to_string()
    );
}

#[test]
fn a_whole_user_struct_leaks_nothing_but_beacon_fields() {
    #[derive(serde::Serialize)]
    struct User {
        id: u64,
        email: String,
        name: String,
        password_hash: String,
        api_token: String,
        nonce: String,
        roles: Vec<String>,
    }
    let user = User {
        id: 7,
        email: "jane@example.com".into(),
        name: "Jane".into(),
        password_hash: "$argon2id$v=19$m=65536,t=3,p=4$SECRETHASH".into(),
        api_token: "tok_LEAKME".into(),
        nonce: "NONCELEAK".into(),
        roles: vec!["admin".into()],
    };
    let identity: Identity = serde_json::from_value(serde_json::to_value(&user).unwrap()).unwrap();
    assert_eq!(identity, Identity::new("jane@example.com").name("Jane"));
    let text = signer().identify(&identity).unwrap().to_string();
    for leak in [
        "argon2id",
        "SECRETHASH",
        "tok_LEAKME",
        "NONCELEAK",
        "admin",
        "password_hash",
    ] {
        assert!(!text.contains(leak), "{leak} leaked into {text}");
    }
}

#[test]
fn the_secret_never_shows() {
    let signer = signer();
    let hex_secret = hex::encode(SECRET);
    let mut texts = vec![
        format!("{signer:?}"),
        format!("{:?}", signer.clone().with_policy(LimitPolicy::Strict)),
        format!("{:?}", signer.sign("a@b.c")),
        signer.sign("a@b.c").to_string(),
    ];
    let call = signer
        .identify(&Identity::new("a@b.c").name("Jane"))
        .unwrap();
    texts.push(call.to_string());
    texts.push(format!("{call:?}"));
    texts.push(call.script_tag(Some("n0nce")).unwrap());
    let failing = [
        Identity::new(""),
        Identity::new("a@b.c").avatar("javascript:alert(1)"),
        Identity::new("a@b.c").attribute("a b", 1),
        Identity::new("a@b.c").attribute("signature", 1),
        Identity::new("a@b.c").name("x".repeat(81)),
    ];
    for identity in failing {
        let error = strict().identify(&identity).unwrap_err();
        texts.push(error.to_string());
        texts.push(format!("{error:?}"));
    }
    texts.push(Signer::new("").unwrap_err().to_string());
    texts.push(call.script_tag(Some("bad nonce")).unwrap_err().to_string());
    assert!(format!("{signer:?}").contains("<redacted>"));
    for text in &texts {
        assert!(!text.contains(SECRET), "secret in {text}");
        assert!(!text.contains(&hex_secret), "hex secret in {text}");
        assert!(!text.contains("s3cr3t"), "part of the secret in {text}");
    }
}

fn logout_args_error(args: Value) -> String {
    match template::render_logout(&args) {
        Ok(html) => panic!("{args} gave {html}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_logout_arguments() {
    assert_eq!(
        logout_args_error(json!({"endActiveChat": "yes"})),
        "endActiveChat: must be a boolean, found a string"
    );
    assert_eq!(
        logout_args_error(json!({"nonce": null})),
        Error::NullNonce.to_string()
    );
    assert_eq!(
        logout_args_error(json!({"email": "a@b.c"})),
        r#"unknown argument "email" (beacon_logout takes endActiveChat, nonce and beacon)"#
    );
    assert_eq!(
        logout_args_error(json!({"endActiveChats": true})),
        r#"unknown argument "endActiveChats" (beacon_logout takes endActiveChat, nonce and beacon)"#
    );
    assert_eq!(
        logout_args_error(json!({"nonce": "a b"})),
        Error::InvalidNonce.to_string()
    );
}

#[test]
fn logout_calls() {
    let render = |args: Value| template::render_logout(&args).unwrap();
    assert_eq!(render(json!({})), "window.Beacon('logout');");
    assert_eq!(
        render(json!({"endActiveChat": false})),
        "window.Beacon('logout');"
    );
    assert_eq!(
        render(json!({"endActiveChat": null})),
        "window.Beacon('logout');"
    );
    assert_eq!(
        render(json!({"endActiveChat": true})),
        r#"window.Beacon('logout', {"endActiveChat":true});"#
    );
    assert_eq!(
        render(json!({"end_active_chat": true, "nonce": "abc="})),
        r#"<script nonce="abc=">window.Beacon('logout', {"endActiveChat":true});</script>"#
    );
}

#[test]
fn reading_attributes_stops_at_the_first_one_too_many() {
    let mut attributes = serde_json::Map::new();
    for i in 0..30 {
        attributes.insert(format!("k{i}"), json!(i));
    }
    let user = json!({"email": "a@b.c", "attributes": attributes.clone()});
    assert!(serde_json::from_value::<Identity>(user).is_ok());
    // Null values are absent, so they do not count.
    attributes.insert("gone".into(), Value::Null);
    assert!(
        serde_json::from_value::<Identity>(
            json!({"email": "a@b.c", "attributes": attributes.clone()})
        )
        .is_ok()
    );
    // A million more: an error at the 31st, whatever follows (a value after
    // it that is not even an attribute value is never read).
    let mut text = String::from(r#"{"email":"a@b.c","attributes":{"#);
    for i in 0..31 {
        text.push_str(&format!(r#""k{i}":{i},"#));
    }
    text.push_str(r#""bad":{"deep":[1,2,3]}}}"#);
    let error = serde_json::from_str::<Identity>(&text)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("attributes: at most 30 custom attributes, found 31"),
        "{error}"
    );
}

#[test]
fn integers_beyond_javascripts_exact_range() {
    let message = "attributes.orderId: integer 1234567890123456789 is beyond JavaScript's exact range (±9007199254740991); pass it as a string";
    let identity = Identity::new("a@b.c").attribute("orderId", 1_234_567_890_123_456_789_u64);
    let error = identify_error(&signer(), identity);
    assert_eq!(error.to_string(), message);
    assert_eq!(
        deserialize_error(
            json!({"email": "a@b.c", "attributes": {"orderId": 1_234_567_890_123_456_789_u64}})
        ),
        message
    );
    for (value, ok) in [
        (json!(9_007_199_254_740_991_u64), true),
        (json!(-9_007_199_254_740_991_i64), true),
        (json!(9_007_199_254_740_992_u64), false),
        (json!(-9_007_199_254_740_992_i64), false),
        (json!(i64::MIN), false),
        (json!(u64::MAX), false),
        // Floats are read by JavaScript as the same double.
        (json!(1e300), true),
        (json!(-0.5), true),
    ] {
        let identity = Identity::new("a@b.c").attribute(
            "n",
            serde_json::from_value::<Value>(value.clone())
                .map(|v| match v {
                    Value::Number(n) => helpscout_beacon::AttributeValue::Number(n),
                    _ => unreachable!(),
                })
                .unwrap(),
        );
        assert_eq!(signer().identify(&identity).is_ok(), ok, "{value}");
        let user = json!({"email": "a@b.c", "attributes": {"n": value}});
        assert_eq!(
            serde_json::from_value::<Identity>(user).is_ok(),
            ok,
            "{value}"
        );
    }
}

/// A deserializer offering one i128 or u128, as Tera 2's values do.
fn wide_integer_user(value: i128) -> Result<Identity, serde::de::value::Error> {
    use serde::Deserialize;
    use serde::de::value::{MapAccessDeserializer, MapDeserializer};
    let map = MapDeserializer::<_, serde::de::value::Error>::new(
        vec![
            ("email", Wide::Str("a@b.c")),
            ("attributes", Wide::Map(value)),
        ]
        .into_iter(),
    );
    Identity::deserialize(MapAccessDeserializer::new(map))
}

#[derive(Clone, Copy)]
enum Wide {
    Str(&'static str),
    Map(i128),
}

impl<'de> serde::de::IntoDeserializer<'de, serde::de::value::Error> for Wide {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Wide {
    type Error = serde::de::value::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            Wide::Str(s) => visitor.visit_borrowed_str(s),
            Wide::Map(value) => visitor.visit_map(serde::de::value::MapDeserializer::new(
                vec![("orderId", WideInt(value))].into_iter(),
            )),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[derive(Clone, Copy)]
struct WideInt(i128);

impl<'de> serde::de::IntoDeserializer<'de, serde::de::value::Error> for WideInt {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for WideInt {
    type Error = serde::de::value::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if self.0 >= 0 {
            visitor.visit_u128(self.0 as u128)
        } else {
            visitor.visit_i128(self.0)
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[test]
fn wide_integers_name_the_attribute() {
    assert!(wide_integer_user(5).is_ok());
    assert!(wide_integer_user(-9_007_199_254_740_991).is_ok());
    for value in [1_i128 << 70, -(1_i128 << 70), 9_007_199_254_740_992] {
        let error = wide_integer_user(value).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "attributes.orderId: integer {value} is beyond JavaScript's exact range (±9007199254740991); pass it as a string"
            )
        );
    }
}

#[test]
fn both_spellings_with_different_values() {
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "jobTitle": "CTO", "job_title": "CEO"})),
        "jobTitle and job_title: both given, with different values; give only one"
    );
    assert_eq!(
        deserialize_error(json!({"email": "a@b.c", "job_title": "CEO", "jobTitle": "CTO"})),
        "jobTitle and job_title: both given, with different values; give only one"
    );
    // Equal values, or one of them null, are fine.
    for user in [
        json!({"email": "a@b.c", "jobTitle": "CTO", "job_title": "CTO"}),
        json!({"email": "a@b.c", "jobTitle": "CTO", "job_title": null}),
        json!({"email": "a@b.c", "job_title": null, "jobTitle": "CTO"}),
    ] {
        let identity: Identity = serde_json::from_value(user.clone()).unwrap();
        assert_eq!(identity, Identity::new("a@b.c").job_title("CTO"), "{user}");
    }
    assert_eq!(
        args_error(json!({"jobTitle": "CTO", "job_title": "CEO"})),
        "jobTitle and job_title: both given, with different values; give only one"
    );
    assert_eq!(
        logout_args_error(json!({"endActiveChat": true, "end_active_chat": false})),
        "endActiveChat and end_active_chat: both given, with different values; give only one"
    );
    for args in [
        json!({"endActiveChat": true, "end_active_chat": true}),
        json!({"end_active_chat": true, "endActiveChat": null}),
    ] {
        assert_eq!(
            template::render_logout(&args).unwrap(),
            r#"window.Beacon('logout', {"endActiveChat":true});"#
        );
    }
}

#[test]
fn map_keys_that_are_not_strings_are_skipped() {
    use serde::Deserialize;
    use serde::de::value::{MapAccessDeserializer, MapDeserializer};
    // Float, unit (none), integer, boolean and char keys, as engines such
    // as MiniJinja allow, around a user's email.
    let entries: Vec<(Key, &str)> = vec![
        (Key::F(1.5), "x"),
        (Key::Unit, "x"),
        (Key::I(7), "x"),
        (Key::B(true), "x"),
        (Key::S("email"), "a@b.c"),
    ];
    let map = MapDeserializer::<_, serde::de::value::Error>::new(entries.into_iter());
    let identity = Identity::deserialize(MapAccessDeserializer::new(map)).unwrap();
    assert_eq!(identity, Identity::new("a@b.c"));
}

#[derive(Clone, Copy)]
enum Key {
    F(f64),
    Unit,
    I(i64),
    B(bool),
    S(&'static str),
}

impl<'de> serde::de::IntoDeserializer<'de, serde::de::value::Error> for Key {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Key {
    type Error = serde::de::value::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            Key::F(v) => visitor.visit_f64(v),
            Key::Unit => visitor.visit_unit(),
            Key::I(v) => visitor.visit_i64(v),
            Key::B(v) => visitor.visit_bool(v),
            Key::S(v) => visitor.visit_borrowed_str(v),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[test]
fn a_padded_secret_is_refused_like_from_env_refuses_it() {
    for padded in ["secret\n", " secret", "secret\r\n", "\tsecret"] {
        let error = Signer::new(padded).unwrap_err();
        assert_eq!(error, Error::PaddedSecret);
        assert_eq!(
            error.to_string(),
            "secret key: has leading or trailing whitespace; remove it (a key copied with a newline makes Beacon reject every signature)"
        );
        assert!(!error.to_string().contains("secret\n"));
    }
}

#[test]
fn each_spelling_s_last_value_counts_whatever_the_order() {
    let conflict = "jobTitle and job_title: both given, with different values; give only one";
    // Repeated keys need raw JSON: serde_json's `json!` keeps one of each.
    let read = |text: &str| serde_json::from_str::<Identity>(text).map_err(|e| e.to_string());
    let cases = [
        (
            r#"{"email":"e","job_title":"a","jobTitle":"a","jobTitle":"c"}"#,
            Err(conflict),
        ),
        (
            r#"{"email":"e","jobTitle":"c","job_title":"a"}"#,
            Err(conflict),
        ),
        (
            r#"{"email":"e","jobTitle":"a","job_title":"a","job_title":null}"#,
            Ok(Some("a")),
        ),
        (
            r#"{"email":"e","job_title":"b","jobTitle":"a","jobTitle":null}"#,
            Ok(Some("b")),
        ),
        (
            r#"{"email":"e","jobTitle":"a","job_title":"b","job_title":"a"}"#,
            Ok(Some("a")),
        ),
        (
            r#"{"email":"e","jobTitle":null,"job_title":null}"#,
            Ok(None),
        ),
    ];
    for (text, expected) in cases {
        let got = read(text).map(|identity| {
            let call = signer().identify(&identity).unwrap();
            call.as_str().contains("jobTitle").then(|| {
                let start = call.as_str().find(r#""jobTitle":""#).unwrap() + 12;
                call.as_str()[start..start + 1].to_owned()
            })
        });
        match expected {
            Err(message) => assert!(
                got.as_ref().is_err_and(|e| e.starts_with(message)),
                "{text}: {got:?}"
            ),
            Ok(title) => assert_eq!(got, Ok(title.map(str::to_owned)), "{text}"),
        }
    }
}
