//! Property tests: phone normalisation round trips, and no parser panics on any input.

use proptest::prelude::*;

fn mobile_nsn() -> impl Strategy<Value = String> {
    prop_oneof![
        "7[0-9]{8}",
        "10[0-8][0-9]{6}",
        "11[0-9]{7}",
        "18[0-9]{7}",
        "12[014][0-9]{6}",
        "130[0-9]{6}",
        "14[0-5][0-9]{6}",
    ]
}

proptest! {
    #[test]
    fn every_accepted_form_normalises_to_the_same_number(nsn in mobile_nsn(), sep in prop_oneof![Just(""), Just(" "), Just("-")]) {
        let canonical = format!("254{nsn}");
        let spaced = |prefix: &str| format!("{prefix}{}{sep}{}{sep}{}", &nsn[..3], &nsn[3..6], &nsn[6..]);
        for input in [
            spaced("0"),
            spaced(""),
            spaced("+254"),
            spaced("254"),
            spaced("00254"),
        ] {
            prop_assert_eq!(tuma::phone::normalize(&input).unwrap(), canonical.clone());
        }
        // Normalising the canonical form is the identity.
        prop_assert_eq!(tuma::phone::normalize(&canonical).unwrap(), canonical.clone());
    }

    #[test]
    fn the_phone_parser_never_panics(input in ".{0,40}") {
        if let Ok(p) = tuma::Phone::parse(&input) {
            prop_assert_eq!(p.as_str().len(), 12);
            prop_assert!(p.as_str().starts_with("2547") || p.as_str().starts_with("2541"));
        }
    }

    #[test]
    fn callback_parsers_never_panic_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        for kind in tuma::ops::callback_kinds() {
            let _ = tuma::ops::parse_callback(kind, &body);
        }
    }

    #[test]
    fn callback_parsers_never_panic_on_json(body in json_value(3)) {
        let bytes = body.to_string().into_bytes();
        for kind in tuma::ops::callback_kinds() {
            if let Err(e) = tuma::ops::parse_callback(kind, &bytes) {
                prop_assert_eq!(e.kind(), "invalid_callback");
            }
        }
    }
}

fn json_value(depth: u32) -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("0".to_string()),
            Just("200".to_string()),
            Just("1032".to_string()),
            "[A-Za-z0-9_ ]{0,12}".prop_map(String::from)
        ]
        .prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("Body"),
        Just("stkCallback"),
        Just("ResultCode"),
        Just("ResultDesc"),
        Just("CallbackMetadata"),
        Just("Item"),
        Just("Name"),
        Just("Value"),
        Just("Result"),
        Just("ResultParameters"),
        Just("ResultParameter"),
        Just("Key"),
        Just("request_id"),
        Just("result_code"),
        Just("charge"),
        Just("account_balance"),
        Just("ResponseCode"),
        Just("TransactionID"),
        Just("event"),
        Just("TransID"),
        Just("TransAmount"),
        Just("CheckoutRequestID"),
        Just("MerchantRequestID"),
        Just("OriginatorConversationID"),
    ];
    leaf.prop_recursive(depth, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(keys.clone().prop_map(String::from), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
