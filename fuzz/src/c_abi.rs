//! libjwtkit's C ABI, called as a C program calls it: raw pointers, lengths, NUL-terminated
//! JSON, out-pointers, and every returned string, byte buffer and handle freed.

use std::ffi::{CStr, CString, c_char};
use std::ptr;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtkit::*;

/// Handles built once, as a service builds them at start-up.
struct Handles {
    /// The default validator and a strict one (issuer, audience, subject, iat, typ, leeway).
    validators: [*const jwtkit_validator; 2],
    /// The vectors' 32-byte HMAC secret.
    hmac: *const jwtkit_key,
    /// The vectors' `service-jwks`.
    set: *const jwtkit_keyset,
    /// One private key per family but RSA, to re-sign fuzzed tokens.
    signers: Vec<*const jwtkit_key>,
    /// A key source holding the vectors' `service-jwks`, as a rotating service holds it.
    source: *const jwtkit_key_source,
}

// SAFETY: libjwtkit documents keys, key sets and validators as immutable and shareable across
// threads; the fuzzer runs one input at a time anyway.
unsafe impl Send for Handles {}
// SAFETY: as above.
unsafe impl Sync for Handles {}

fn ok(status: jwtkit_status, what: &str) {
    assert_eq!(status, JWTKIT_OK, "{what}: {}", last_error());
}

fn last_error() -> String {
    let message = jwtkit_last_error_message();
    assert!(!message.is_null());
    // SAFETY: jwtkit returns a NUL-terminated string that lives until the next call.
    unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned()
}

fn key_from_pem(pem: &str) -> *const jwtkit_key {
    let mut key = ptr::null();
    // SAFETY: a live buffer of that length and a writable out-pointer.
    ok(
        unsafe { jwtkit_key_from_pem(pem.as_ptr().cast(), pem.len(), &mut key) },
        "key_from_pem",
    );
    key
}

fn key_from_secret(secret: &[u8]) -> *const jwtkit_key {
    let mut key = ptr::null();
    // SAFETY: as above.
    ok(
        unsafe { jwtkit_key_from_secret(secret.as_ptr(), secret.len(), &mut key) },
        "key_from_secret",
    );
    key
}

fn validator(strict: bool) -> *const jwtkit_validator {
    let algs: Vec<jwtkit_alg> = (JWTKIT_ALG_HS256..=JWTKIT_ALG_EDDSA).collect();
    let mut builder = ptr::null_mut();
    // SAFETY: `algs` holds `algs.len()` values; the builder is live until built.
    unsafe {
        ok(
            jwtkit_validator_builder_new(algs.as_ptr(), algs.len(), &mut builder),
            "builder_new",
        );
        ok(
            jwtkit_validator_builder_set_now(builder, crate::NOW),
            "set_now",
        );
        if strict {
            ok(
                jwtkit_validator_builder_add_issuer(builder, c"https://issuer.example".as_ptr()),
                "add_issuer",
            );
            ok(
                jwtkit_validator_builder_add_audience(builder, c"api".as_ptr()),
                "add_audience",
            );
            ok(
                jwtkit_validator_builder_set_subject(builder, c"user-1".as_ptr()),
                "set_subject",
            );
            ok(
                jwtkit_validator_builder_set_typ(builder, c"JWT".as_ptr()),
                "set_typ",
            );
            ok(
                jwtkit_validator_builder_require_claim(builder, c"iat".as_ptr()),
                "require_claim",
            );
            ok(
                jwtkit_validator_builder_set_leeway(builder, 60),
                "set_leeway",
            );
            ok(
                jwtkit_validator_builder_enable_checks(builder, JWTKIT_CHECK_IAT),
                "enable_checks",
            );
        } else {
            ok(
                jwtkit_validator_builder_clear_required(builder),
                "clear_required",
            );
        }
        let mut validator = ptr::null();
        ok(
            jwtkit_validator_builder_build(&mut builder, &mut validator),
            "build",
        );
        assert!(builder.is_null(), "build leaves the builder pointer set");
        validator
    }
}

static HANDLES: LazyLock<Handles> = LazyLock::new(|| {
    let secret = |name: &str| {
        let file: serde_json::Value = serde_json::from_str(crate::ALGORITHMS).unwrap();
        URL_SAFE_NO_PAD
            .decode(file["keys"][name]["secret_b64u"].as_str().unwrap())
            .unwrap()
    };
    let jwks = CString::new(crate::service_jwks()).unwrap();
    let mut set = ptr::null();
    // SAFETY: a NUL-terminated string and a writable out-pointer.
    ok(
        unsafe { jwtkit_keyset_from_jwks(jwks.as_ptr(), &mut set) },
        "keyset_from_jwks",
    );
    let ed25519: serde_json::Value = serde_json::from_str(crate::ALGORITHMS).unwrap();
    let mut source = ptr::null();
    // SAFETY: a live set and a writable out-pointer.
    ok(
        unsafe { jwtkit_key_source_new_keyset(set, &mut source) },
        "key_source_new_keyset",
    );
    Handles {
        source,
        validators: [validator(false), validator(true)],
        hmac: key_from_secret(&secret("hmac-32")),
        set,
        signers: vec![
            key_from_secret(&secret("hmac-64")),
            key_from_pem(include_str!(
                "../../crates/jwt-crypto/tests/data/ecp256.pkcs8.pem"
            )),
            key_from_pem(include_str!(
                "../../crates/jwt-crypto/tests/data/ecp384.pkcs8.pem"
            )),
            key_from_pem(
                ed25519["keys"]["ed25519-private-pem"]["pem"]
                    .as_str()
                    .unwrap(),
            ),
        ],
    }
});

/// `jwtkit_verify` or `jwtkit_verify_with_keyset` on `token`; checks the output contract and
/// frees the claims. Returns the status.
fn verify(
    validator: *const jwtkit_validator,
    key: Option<*const jwtkit_key>,
    set: Option<*const jwtkit_keyset>,
    token: &[u8],
) -> jwtkit_status {
    let mut claims: *mut c_char = ptr::null_mut();
    // SAFETY: live handles, `token.len()` readable bytes, a writable out-pointer.
    let status = unsafe {
        match (key, set) {
            (Some(key), _) => jwtkit_verify(
                validator,
                key,
                token.as_ptr().cast(),
                token.len(),
                &mut claims,
            ),
            (None, Some(set)) => jwtkit_verify_with_keyset(
                validator,
                set,
                token.as_ptr().cast(),
                token.len(),
                &mut claims,
            ),
            (None, None) => unreachable!(),
        }
    };
    check_status(status);
    if status == JWTKIT_OK {
        assert!(!claims.is_null());
        // SAFETY: on success, a NUL-terminated string from jwtkit.
        let text = unsafe { CStr::from_ptr(claims) }.to_str().unwrap();
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(value.is_object());
        // Reading a claim a token chose is never an internal error: a `sub` that is missing,
        // not a string, or holds a NUL has a status of its own.
        let mut sub: *mut c_char = ptr::null_mut();
        // SAFETY: the NUL-terminated claims from jwtkit, a NUL-terminated name, a writable out.
        let status = unsafe { jwtkit_claims_get_string(claims, c"sub".as_ptr(), &mut sub) };
        check_status(status);
        assert_eq!(status == JWTKIT_OK, !sub.is_null());
        // SAFETY: NULL or a string from jwtkit, freed once.
        unsafe { jwtkit_string_free(sub) };
        // SAFETY: a string from jwtkit, freed once.
        unsafe { jwtkit_string_free(claims) };
    } else {
        assert!(claims.is_null(), "claims_out written on failure");
    }
    status
}

/// Every status has a name, an error has a message, and no input is an internal error. A
/// token is attacker input: whatever its bytes, a failure is a rejection (1xx or 2xx), never
/// an invalid argument (non-UTF-8 is a malformed token) nor a key error a service would
/// answer with 500. Key loaders may call non-UTF-8 text an invalid argument.
fn check_status(status: jwtkit_status) {
    check_loader_status(status);
    assert!(
        status == JWTKIT_OK || jwtkit_status_is_rejection(status) != 0,
        "a token caused {:?}: {}",
        // SAFETY: jwtkit_status_str returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(jwtkit_status_str(status)) },
        last_error()
    );
}

/// The check for calls whose inputs are the caller's own (keys, claims, headers to sign).
fn check_loader_status(status: jwtkit_status) {
    assert!(!jwtkit_status_str(status).is_null());
    assert_ne!(status, JWTKIT_ERR_INTERNAL, "{}", last_error());
    if status != JWTKIT_OK {
        let _ = last_error();
    }
}

pub fn c_abi(data: &[u8]) {
    let h = &*HANDLES;
    let validator = h.validators[data.len() % 2];

    // The token as it arrives: with a key, with a set, at the JWS layer, and inspected.
    verify(validator, Some(h.hmac), None, data);
    verify(validator, None, Some(h.set), data);
    verify_objects(validator, h.source, data);
    // SAFETY: readable bytes and a writable out-pointer.
    let mut header: *const jwtkit_object = ptr::null();
    let status = unsafe {
        jwtkit_decode_header_unverified_object(data.as_ptr().cast(), data.len(), &mut header)
    };
    check_status(status);
    assert_eq!(status == JWTKIT_OK, !header.is_null());
    if !header.is_null() {
        read_members(header);
    }
    // SAFETY: NULL or a live object, freed once.
    unsafe { jwtkit_object_free(header) };
    build_claims(data);
    let mut payload: *mut u8 = ptr::null_mut();
    let mut payload_len = 0usize;
    // SAFETY: live handles, readable bytes, writable out-pointers.
    let status = unsafe {
        jwtkit_jws_verify(
            validator,
            h.hmac,
            data.as_ptr().cast(),
            data.len(),
            &mut payload,
            &mut payload_len,
        )
    };
    check_status(status);
    // SAFETY: NULL or the buffer jwtkit returned with its length, freed once.
    unsafe { jwtkit_bytes_free(payload, payload_len) };
    let mut header: *mut c_char = ptr::null_mut();
    // SAFETY: readable bytes and a writable out-pointer.
    let status =
        unsafe { jwtkit_decode_header_unverified(data.as_ptr().cast(), data.len(), &mut header) };
    check_status(status);
    assert_eq!(status == JWTKIT_OK, !header.is_null());
    // SAFETY: NULL or a string from jwtkit, freed once.
    unsafe { jwtkit_string_free(header) };

    // The input as key material, in every form a C caller can pass it.
    load_keys(data);

    // The token re-signed by the family's key, so fuzzed headers and claims get past the
    // signature: it must never fail on the signature.
    if let Some((header_json, payload)) = split(data) {
        for &signer in &h.signers {
            let mut token: *mut c_char = ptr::null_mut();
            // SAFETY: live key, NUL-terminated header, readable payload, writable out.
            let status = unsafe {
                jwtkit_jws_sign(
                    signer,
                    header_json.as_ptr(),
                    payload.as_ptr(),
                    payload.len(),
                    &mut token,
                )
            };
            check_loader_status(status);
            if status == JWTKIT_OK {
                // SAFETY: a string from jwtkit.
                let bytes = unsafe { CStr::from_ptr(token) }.to_bytes().to_vec();
                let status = verify(validator, Some(signer), None, &bytes);
                assert_ne!(status, JWTKIT_ERR_SIGNATURE);
                // SAFETY: a string from jwtkit, freed once.
                unsafe { jwtkit_string_free(token) };
                break;
            }
        }
    }

    // Input starting with `{` is claims for jwtkit_encode, then verified.
    let claims = (data.first() == Some(&b'{'))
        .then(|| CString::new(data).ok())
        .flatten();
    if let Some(claims) = claims {
        let mut token: *mut c_char = ptr::null_mut();
        // SAFETY: live key, NULL header, NUL-terminated claims, writable out.
        let status = unsafe {
            jwtkit_encode(
                h.signers[0],
                JWTKIT_ALG_HS256,
                ptr::null(),
                claims.as_ptr(),
                &mut token,
            )
        };
        check_loader_status(status);
        if status == JWTKIT_OK {
            // SAFETY: a string from jwtkit.
            let bytes = unsafe { CStr::from_ptr(token) }.to_bytes().to_vec();
            let status = verify(validator, Some(h.signers[0]), None, &bytes);
            assert_ne!(status, JWTKIT_ERR_SIGNATURE);
            // SAFETY: a string from jwtkit, freed once.
            unsafe { jwtkit_string_free(token) };
        }
    }
}

/// A token's decoded header (as a C string) and payload, if it has three segments.
fn split(data: &[u8]) -> Option<(CString, Vec<u8>)> {
    let text = std::str::from_utf8(data).ok()?;
    let mut parts = text.split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = CString::new(URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    Some((header, URL_SAFE_NO_PAD.decode(payload).ok()?))
}

fn load_keys(data: &[u8]) {
    type Loader = unsafe extern "C" fn(*const u8, usize, *mut *const jwtkit_key) -> jwtkit_status;
    type TextLoader =
        unsafe extern "C" fn(*const c_char, usize, *mut *const jwtkit_key) -> jwtkit_status;
    let loaders: [Loader; 3] = [
        jwtkit_key_from_der,
        jwtkit_key_from_secret,
        jwtkit_key_from_short_secret_dangerous,
    ];
    let text_loaders: [TextLoader; 3] = [
        jwtkit_key_from_pem,
        jwtkit_key_from_openssh,
        jwtkit_key_from_jwk_len,
    ];
    for load in loaders {
        let mut key = ptr::null();
        // SAFETY: readable bytes and a writable out-pointer.
        let status = unsafe { load(data.as_ptr(), data.len(), &mut key) };
        check_loaded(status, key);
    }
    for load in text_loaders {
        let mut key = ptr::null();
        // SAFETY: readable bytes (a NUL among them is data) and a writable out-pointer.
        let status = unsafe { load(data.as_ptr().cast(), data.len(), &mut key) };
        check_loaded(status, key);
    }
    let Ok(json) = CString::new(data) else {
        return;
    };
    let mut key = ptr::null();
    // SAFETY: a NUL-terminated string and a writable out-pointer.
    let status = unsafe { jwtkit_key_from_jwk(json.as_ptr(), &mut key) };
    check_loaded(status, key);
    let mut set = ptr::null();
    // SAFETY: as above.
    let status = unsafe { jwtkit_keyset_from_jwks(json.as_ptr(), &mut set) };
    check_loader_status(status);
    assert_eq!(status == JWTKIT_OK, !set.is_null());
    if !set.is_null() {
        check_skipped(set);
    }
    // SAFETY: NULL or a live set, freed once.
    unsafe { jwtkit_keyset_free(set) };
}

/// A loaded key has a thumbprint; every key is freed.
fn check_loaded(status: jwtkit_status, key: *const jwtkit_key) {
    check_loader_status(status);
    assert_eq!(status == JWTKIT_OK, !key.is_null());
    if !key.is_null() {
        let mut thumbprint: *mut c_char = ptr::null_mut();
        // SAFETY: a live key and a writable out-pointer.
        let status = unsafe { jwtkit_key_thumbprint(key, &mut thumbprint) };
        check_status(status);
        // SAFETY: NULL or a string from jwtkit, freed once.
        unsafe { jwtkit_string_free(thumbprint) };
    }
    // SAFETY: NULL or a live key, freed once.
    unsafe { jwtkit_key_free(key) };
}

/// Every key a loaded set skipped has a reason, and the count bounds the index.
fn check_skipped(set: *const jwtkit_keyset) {
    let mut count = 0usize;
    // SAFETY: a live set and a writable out-pointer.
    ok(
        unsafe { jwtkit_keyset_skipped_count(set, &mut count) },
        "keyset_skipped_count",
    );
    for index in 0..=count {
        let mut reason: *mut c_char = ptr::null_mut();
        // SAFETY: a live set and a writable out-pointer.
        let status = unsafe { jwtkit_keyset_skipped_reason(set, index, &mut reason) };
        if index < count {
            ok(status, "keyset_skipped_reason");
            // SAFETY: on success, a NUL-terminated string from jwtkit.
            assert!(!unsafe { CStr::from_ptr(reason) }.is_empty());
        } else {
            assert_eq!(status, JWTKIT_ERR_INVALID_ARGUMENT);
            assert!(reason.is_null());
        }
        // SAFETY: NULL or a string from jwtkit, freed once.
        unsafe { jwtkit_string_free(reason) };
    }
}

/// `jwtkit_verify_claims_with_source` on `token`: the outputs are written exactly on success,
/// and every member a token chose reads as a value, absent or the wrong type, never worse.
fn verify_objects(
    validator: *const jwtkit_validator,
    source: *const jwtkit_key_source,
    token: &[u8],
) {
    let mut claims: *const jwtkit_object = ptr::null();
    let mut header: *const jwtkit_object = ptr::null();
    // SAFETY: live handles, readable bytes, writable out-pointers.
    let status = unsafe {
        jwtkit_verify_claims_with_source(
            validator,
            source,
            token.as_ptr().cast(),
            token.len(),
            &mut claims,
            &mut header,
        )
    };
    check_status(status);
    assert_eq!(status == JWTKIT_OK, !claims.is_null());
    assert_eq!(status == JWTKIT_OK, !header.is_null());
    for object in [claims, header] {
        if !object.is_null() {
            read_members(object);
        }
        // SAFETY: NULL or a live object, freed once.
        unsafe { jwtkit_object_free(object) };
    }
}

/// Every getter on the members a token usually has: a value, `JWTKIT_ERR_MISSING_CLAIM` or
/// `JWTKIT_ERR_CLAIM_TYPE`, and never an output written on failure.
fn read_members(object: *const jwtkit_object) {
    // `untouched`: the output still holds its sentinel, as it must after a failure.
    let read = |status: jwtkit_status, untouched: bool| {
        assert!(
            matches!(
                status,
                JWTKIT_OK | JWTKIT_ERR_MISSING_CLAIM | JWTKIT_ERR_CLAIM_TYPE
            ),
            "a member read gave {status}: {}",
            last_error()
        );
        assert!(
            status == JWTKIT_OK || untouched,
            "an output written on failure"
        );
    };
    for name in [c"sub", c"exp", c"aud", c"roles", c"kid", c"alg", c"admin"] {
        let name = name.as_ptr();
        let (mut text, mut len) = (ptr::null::<c_char>(), usize::MAX);
        let (mut int, mut float, mut flag) = (i64::MIN, f64::NAN, -1);
        let mut json: *mut c_char = ptr::null_mut();
        // SAFETY: a live object, a NUL-terminated name and writable out-pointers, for each.
        unsafe {
            let status = jwtkit_object_get_string(object, name, &mut text, &mut len);
            read(status, text.is_null() && len == usize::MAX);
            assert!(status != JWTKIT_OK || !text.is_null());
            read(
                jwtkit_object_get_i64(object, name, &mut int),
                int == i64::MIN,
            );
            read(
                jwtkit_object_get_double(object, name, &mut float),
                float.is_nan(),
            );
            read(jwtkit_object_get_bool(object, name, &mut flag), flag == -1);
            let mut count = usize::MAX;
            let status = jwtkit_object_get_string_array_len(object, name, &mut count);
            read(status, count == usize::MAX);
            if status == JWTKIT_OK {
                for index in 0..=count {
                    let mut item = ptr::null::<c_char>();
                    let status =
                        jwtkit_object_get_string_array_at(object, name, index, &mut item, &mut len);
                    assert_eq!(status == JWTKIT_OK, index < count);
                    assert_eq!(!item.is_null(), index < count);
                }
            }
            flag = -1;
            read(
                jwtkit_object_contains_string(object, name, c"api".as_ptr(), 3, &mut flag),
                flag == -1,
            );
            let status = jwtkit_object_get_json(object, name, &mut json);
            read(status, json.is_null());
            assert!(status != JWTKIT_OK || !json.is_null());
            jwtkit_string_free(json);
        }
    }
}

/// The input as values for the claims builder: any bytes are taken as a string or refused as
/// the caller's mistake, and what is set is issued.
fn build_claims(data: &[u8]) {
    let mut claims: *mut jwtkit_claims = ptr::null_mut();
    // SAFETY: a writable out-pointer.
    ok(unsafe { jwtkit_claims_new(&mut claims) }, "claims_new");
    // SAFETY: a live builder, NUL-terminated names, readable bytes, for each call.
    unsafe {
        check_loader_status(jwtkit_claims_set_string(
            claims,
            c"name".as_ptr(),
            data.as_ptr().cast(),
            data.len(),
        ));
        check_loader_status(jwtkit_claims_set_json(
            claims,
            c"extra".as_ptr(),
            data.as_ptr().cast(),
            data.len(),
        ));
        ok(jwtkit_claims_set_exp_in(claims, 600), "set_exp_in");
        let mut token: *mut c_char = ptr::null_mut();
        let status = jwtkit_encode_claims(
            HANDLES.signers[0],
            JWTKIT_ALG_HS512,
            ptr::null(),
            claims,
            &mut token,
        );
        ok(status, "encode_claims");
        jwtkit_string_free(token);
        jwtkit_claims_free(claims);
    }
    let mut object: *const jwtkit_object = ptr::null();
    // SAFETY: readable bytes and a writable out-pointer.
    let status = unsafe { jwtkit_object_from_json(data.as_ptr().cast(), data.len(), &mut object) };
    check_loader_status(status);
    if !object.is_null() {
        read_members(object);
    }
    // SAFETY: NULL or a live object, freed once.
    unsafe { jwtkit_object_free(object) };
    if let Ok(name) = CString::new(data) {
        let mut alg = 0;
        // SAFETY: a NUL-terminated name and a writable out-pointer.
        check_loader_status(unsafe { jwtkit_alg_from_name(name.as_ptr(), &mut alg) });
    }
}
