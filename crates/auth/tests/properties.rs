//! Property tests for the id lists and identity-header stripping.

use alphaguard_auth::{IdList, is_identity_header, strip_identity_headers};
use http::{HeaderMap, HeaderName};
use proptest::prelude::*;

proptest! {
    #[test]
    fn id_lists_round_trip(ids in proptest::collection::vec(1u64.., 0..20), spaces in "[ ]{0,3}") {
        let text = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(&format!(",{spaces}"));
        let list = IdList::parse(&text).unwrap();
        prop_assert_eq!(list.ids(), ids.as_slice());
    }

    #[test]
    fn a_bad_entry_is_named_never_dropped(ids in proptest::collection::vec(1u64.., 0..5), bad in "[a-z_+-]{1,8}|0|-[0-9]{1,5}|[0-9]{21,25}") {
        let mut entries: Vec<String> = ids.iter().map(u64::to_string).collect();
        entries.push(bad.clone());
        let err = IdList::parse(&entries.join(",")).unwrap_err();
        prop_assert_eq!(err.entry, bad);
    }

    #[test]
    fn any_text_never_panics(text in ".{0,100}") {
        let _ = IdList::parse(&text);
    }

    #[test]
    fn stripping_leaves_only_other_headers(names in proptest::collection::vec("[a-z_-]{1,24}", 0..12)) {
        let mut headers = HeaderMap::new();
        for name in &names {
            if let Ok(n) = HeaderName::from_bytes(name.as_bytes()) {
                headers.append(n, "v".parse().unwrap());
            }
        }
        headers.append("x-user-id", "admin".parse().unwrap());
        headers.append("X_Auth_Request_User".to_ascii_lowercase().as_str().parse::<HeaderName>().unwrap(), "admin".parse().unwrap());
        strip_identity_headers(&mut headers);
        prop_assert!(headers.keys().all(|k| !is_identity_header(k.as_str())));
        for name in &names {
            if !is_identity_header(name) {
                prop_assert!(headers.contains_key(name.as_str()));
            }
        }
    }
}
