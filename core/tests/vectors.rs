//! Known-answer tests: Help Scout's reference signatures and RFC 4231.

use helpscout_beacon::{Error, Signer};
use serde::Deserialize;

/// (secret, email, signature) cases on which Help Scout's reference code in
/// Python, Node, PHP and Ruby agrees.
const HELPSCOUT_VECTORS: &str = include_str!("data/signatures.jsonl");

#[derive(Deserialize)]
struct Vector {
    secret: String,
    email: String,
    signature: String,
}

fn vectors() -> Vec<Vector> {
    HELPSCOUT_VECTORS
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("a vector line is JSON"))
        .collect()
}

/// Whether a secret starts or ends with (Unicode) whitespace: the keys
/// `Signer::new` refuses and `Signer::new_exact` takes as they are.
fn padded(secret: &str) -> bool {
    let white = |c: Option<char>| c.is_some_and(char::is_whitespace);
    white(secret.chars().next()) || white(secret.chars().next_back())
}

/// The signer for a vector's secret: `Signer::new` refuses exactly the
/// padded ones (with `PaddedSecret`), so those go through `new_exact`, and
/// both give the same signatures for the others.
fn vector_signer(v: &Vector) -> Signer {
    let exact = Signer::new_exact(&v.secret).unwrap();
    match Signer::new(&v.secret) {
        Ok(signer) => {
            assert!(!padded(&v.secret), "Signer::new took {:?}", v.secret);
            assert_eq!(signer.sign(&v.email), exact.sign(&v.email));
        }
        Err(error) => {
            assert!(padded(&v.secret), "Signer::new({:?}): {error}", v.secret);
            assert_eq!(error, Error::PaddedSecret);
        }
    }
    exact
}

#[test]
fn reproduces_every_helpscout_reference_signature() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 300, "the vector file was cut short");
    // The file keeps secrets with leading or trailing whitespace (tab,
    // space, U+2028, U+2029): each must still be reproduced, by `new_exact`.
    let padded_count = vectors.iter().filter(|v| padded(&v.secret)).count();
    assert_eq!(padded_count, 29, "the padded secrets of the vector file");
    for (i, v) in vectors.iter().enumerate() {
        let signer = vector_signer(v);
        let signature = signer.sign(&v.email);
        assert_eq!(
            signature.as_str(),
            v.signature,
            "vector {i}: email {:?}",
            v.email
        );
        assert!(
            signer.verify(&v.email, &v.signature),
            "vector {i} does not verify"
        );
    }
}

#[test]
fn verify_rejects_every_near_miss() {
    for v in vectors().iter().take(50) {
        let signer = vector_signer(v);
        let good = &v.signature;
        let mut flipped = good.clone().into_bytes();
        flipped[63] = if flipped[63] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        let near_misses = [
            good.to_uppercase(),
            good[..63].to_owned(),
            format!("{good}0"),
            format!(" {good}"),
            flipped,
            String::new(),
            "zz".repeat(32),
            good.replace(|c: char| c.is_ascii_digit(), "g"),
        ];
        for bad in &near_misses {
            if bad != good {
                assert!(!signer.verify(&v.email, bad), "accepted {bad:?}");
            }
        }
        assert!(!signer.verify(&format!("{}x", v.email), good));
    }
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// RFC 4231, section 4: HMAC-SHA-256 test cases 1 to 7.
#[test]
fn rfc4231_hmac_sha256_test_cases() {
    let long_key = vec![0xaa; 131];
    let cases: [(Vec<u8>, Vec<u8>, &str); 7] = [
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        // Test case 5 publishes only the first 128 bits.
        (
            vec![0x0c; 20],
            b"Test With Truncation".to_vec(),
            "a3b6167473100ee06e0c796c2955552b",
        ),
        (
            long_key.clone(),
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            long_key,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (i, (key, data, expected)) in cases.iter().enumerate() {
        // The keys of test cases 1 and 5 are twenty 0x0b (vertical tab)
        // and twenty 0x0c (form feed) bytes, which `Signer::new` refuses as
        // padding; `new_exact` takes any key.
        assert_eq!(
            Signer::new(key).err(),
            matches!(i, 0 | 4).then_some(Error::PaddedSecret),
            "RFC 4231 test case {}: Signer::new",
            i + 1
        );
        let signature = Signer::new_exact(key).unwrap().sign_bytes(data);
        assert!(
            signature.as_str().starts_with(expected),
            "RFC 4231 test case {}: got {signature}",
            i + 1
        );
    }
}

#[test]
fn sign_of_text_is_sign_of_its_utf8_bytes() {
    let signer = Signer::new("k").unwrap();
    for email in ["jane@example.com", "jöhn@exämple.com", "😀@example.com", ""] {
        assert_eq!(signer.sign(email), signer.sign_bytes(email.as_bytes()));
    }
}
