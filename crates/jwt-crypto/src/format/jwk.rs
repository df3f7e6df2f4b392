//! JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037): loading, export and RFC 7638 thumbprints.

use jwt_core::{Algorithm, Error, KeyFamily};
use serde_json::{Map, Value};

use crate::b64;
use crate::format::secret;
use crate::material::{
    Curve, ED25519_KEY_LEN, EcMaterial, Ed25519Material, Material, RsaMaterial, RsaPrivate,
};
use crate::secret::Secret;

/// What a JWK's `key_ops` allow. Keys from other formats allow both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ops {
    pub(crate) sign: bool,
    pub(crate) verify: bool,
}

impl Ops {
    pub(crate) const ALL: Ops = Ops {
        sign: true,
        verify: true,
    };
}

/// The members of a JWK that say how the key may be used, beside its material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) kid: Option<String>,
    pub(crate) alg: Option<Algorithm>,
    pub(crate) ops: Ops,
}

/// A well-formed JWK is either a key for JWS signatures or a key for something else (`use`
/// `enc`, a key type or curve this library does not implement, a non-JWS `alg`), which a key
/// set skips and a single load refuses.
// Short-lived: made and taken apart at once, so its size costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Parsed {
    Usable(Material, Params),
    Unusable(String),
}

/// Reads an optional string member; any other JSON type is malformed.
fn string<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Error> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(Error::InvalidKey(format!(
            "JWK member {name:?} must be a string"
        ))),
    }
}

fn required<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, Error> {
    string(jwk, name)?.ok_or_else(|| Error::InvalidKey(format!("JWK has no {name:?} member")))
}

/// Decodes an optional base64url member, held as a [`Secret`] since most are private.
fn bytes(jwk: &Map<String, Value>, name: &str) -> Result<Option<Secret>, Error> {
    string(jwk, name)?
        .map(|text| b64::url_decode(text, &format!("JWK member {name:?}")).map(Secret::new))
        .transpose()
}

fn required_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Secret, Error> {
    bytes(jwk, name)?.ok_or_else(|| Error::InvalidKey(format!("JWK has no {name:?} member")))
}

/// A coordinate or private value of fixed length (RFC 7518 §6.2.1.2: the full field size).
fn fixed_bytes(jwk: &Map<String, Value>, name: &str, len: usize) -> Result<Option<Secret>, Error> {
    match bytes(jwk, name)? {
        Some(value) if value.len() != len => Err(Error::InvalidKey(format!(
            "JWK member {name:?} is {} bytes; expected {len}",
            value.len()
        ))),
        other => Ok(other),
    }
}

/// Reads `key_ops` (RFC 7517 §4.3): an array of distinct strings.
fn key_ops(jwk: &Map<String, Value>) -> Result<Ops, Error> {
    let Some(value) = jwk.get("key_ops") else {
        return Ok(Ops::ALL);
    };
    let invalid =
        || Error::InvalidKey("JWK member \"key_ops\" must be an array of distinct strings".into());
    let list = value.as_array().ok_or_else(invalid)?;
    let mut names: Vec<&str> = Vec::with_capacity(list.len());
    for item in list {
        let name = item.as_str().ok_or_else(invalid)?;
        if names.contains(&name) {
            return Err(invalid());
        }
        names.push(name);
    }
    Ok(Ops {
        sign: names.contains(&"sign"),
        verify: names.contains(&"verify"),
    })
}

/// The family a JWK's `kty` (and `crv`) declare, or why this library has none for it.
fn family_of(jwk: &Map<String, Value>) -> Result<Result<KeyFamily, String>, Error> {
    Ok(Ok(match required(jwk, "kty")? {
        "oct" => KeyFamily::Hmac,
        "RSA" => KeyFamily::Rsa,
        "EC" => match required(jwk, "crv")? {
            "P-256" => KeyFamily::EcP256,
            "P-384" => KeyFamily::EcP384,
            "P-521" => KeyFamily::EcP521,
            "secp256k1" => KeyFamily::EcSecp256k1,
            other => {
                return Ok(Err(format!(
                    "EC curve {other:?} is not supported (only P-256, P-384, P-521 and secp256k1)"
                )));
            }
        },
        "OKP" => match required(jwk, "crv")? {
            "Ed25519" => KeyFamily::Ed25519,
            other => {
                return Ok(Err(format!(
                    "OKP curve {other:?} is not supported (only Ed25519)"
                )));
            }
        },
        other => return Ok(Err(format!("key type {other:?} is not supported"))),
    }))
}

/// The family `value` declares when it is a JWK object with a supported `kty` (and `crv`),
/// whether or not the rest of it is well-formed: what a malformed key was meant to be.
pub(crate) fn declared_family(value: &Value) -> Option<KeyFamily> {
    family_of(value.as_object()?).ok()?.ok()
}

/// Parses one JWK. Errors are for malformed keys; [`Parsed::Unusable`] for keys that are fine
/// but not for JWS signatures with this library, decided before their material is parsed.
pub(crate) fn parse(value: &Value) -> Result<Parsed, Error> {
    let jwk = value
        .as_object()
        .ok_or_else(|| Error::InvalidKey("a JWK must be a JSON object".into()))?;
    let kid = string(jwk, "kid")?.map(str::to_owned);
    let family = match family_of(jwk)? {
        Ok(family) => family,
        Err(unusable) => return Ok(Parsed::Unusable(unusable)),
    };
    if let Some(key_use) = string(jwk, "use")? {
        if key_use != "sig" {
            return Ok(Parsed::Unusable(format!(
                "key use {key_use:?} is not for signatures"
            )));
        }
    }
    let ops = key_ops(jwk)?;
    if !ops.sign && !ops.verify {
        return Ok(Parsed::Unusable(
            "key_ops allow neither \"sign\" nor \"verify\"".into(),
        ));
    }
    let alg = match string(jwk, "alg")? {
        None => None,
        Some(name) => match name.parse::<Algorithm>() {
            Ok(alg) if alg.family() == family => Some(alg),
            Ok(alg) => {
                return Err(Error::InvalidKey(format!(
                    "JWK alg {alg} does not fit a {family} key"
                )));
            }
            Err(_) => {
                return Ok(Parsed::Unusable(format!(
                    "alg {name:?} is not a JWS algorithm this library implements"
                )));
            }
        },
    };

    let material = match family {
        KeyFamily::Hmac => Material::Hmac(secret::hmac_material(
            required_bytes(jwk, "k")?.expose(),
            true,
        )?),
        KeyFamily::Rsa => Material::Rsa(parse_rsa(jwk)?),
        KeyFamily::Ed25519 => Material::Ed25519(parse_okp(jwk)?),
        ec => match Curve::of_family(ec) {
            Some(curve) => Material::Ec(parse_ec(jwk, curve)?),
            None => return Ok(Parsed::Unusable(format!("{ec} keys have no JWK form here"))),
        },
    };
    if !material.is_private() && !ops.verify {
        return Ok(Parsed::Unusable(
            "a public key whose key_ops do not include \"verify\"".into(),
        ));
    }
    Ok(Parsed::Usable(material, Params { kid, alg, ops }))
}

const RSA_PRIVATE_MEMBERS: [&str; 6] = ["d", "p", "q", "dp", "dq", "qi"];

fn parse_rsa(jwk: &Map<String, Value>) -> Result<RsaMaterial, Error> {
    if jwk.contains_key("oth") {
        return Err(Error::InvalidKey(
            "multi-prime RSA keys (\"oth\") are not supported".into(),
        ));
    }
    let n = required_bytes(jwk, "n")?;
    let e = required_bytes(jwk, "e")?;
    let present: Vec<&str> = RSA_PRIVATE_MEMBERS
        .into_iter()
        .filter(|name| jwk.contains_key(*name))
        .collect();
    match present.len() {
        0 => RsaMaterial::public(n.expose(), e.expose()),
        6 => {
            let [d, p, q, dp, dq, qi] = RSA_PRIVATE_MEMBERS.map(|name| required_bytes(jwk, name));
            let (d, p, q, dp, dq, qi) = (d?, p?, q?, dp?, dq?, qi?);
            let parts = RsaPrivate::new(d.expose(), p.expose(), q.expose(), dp.expose(), dq.expose(), qi.expose());
            RsaMaterial::private(n.expose(), e.expose(), parts)
        }
        _ if !present.contains(&"d") => {
            Err(Error::InvalidKey("RSA JWK has private members but no \"d\"".into()))
        }
        _ => Err(Error::InvalidKey(
            "RSA private JWK must have all of d, p, q, dp, dq and qi; keys with d alone are not supported".into(),
        )),
    }
}

fn parse_ec(jwk: &Map<String, Value>, curve: Curve) -> Result<EcMaterial, Error> {
    let len = curve.field_len();
    let missing = |name: &str| Error::InvalidKey(format!("EC JWK has no {name:?} member"));
    let x = fixed_bytes(jwk, "x", len)?.ok_or_else(|| missing("x"))?;
    let y = fixed_bytes(jwk, "y", len)?.ok_or_else(|| missing("y"))?;
    let point = [&[0x04u8][..], x.expose(), y.expose()].concat();
    let d = fixed_bytes(jwk, "d", len)?;
    EcMaterial::new(curve, &point, d.as_ref().map(Secret::expose))
}

fn parse_okp(jwk: &Map<String, Value>) -> Result<Ed25519Material, Error> {
    let x = fixed_bytes(jwk, "x", ED25519_KEY_LEN)?
        .ok_or_else(|| Error::InvalidKey("OKP JWK has no \"x\" member".into()))?;
    match fixed_bytes(jwk, "d", ED25519_KEY_LEN)? {
        None => Ed25519Material::public(x.expose()),
        Some(d) => Ed25519Material::private(d.expose(), Some(x.expose())),
    }
}

/// The members RFC 7638 requires for a thumbprint, in its lexicographic order.
fn required_members(material: &Material) -> Vec<(&'static str, String)> {
    match material {
        Material::Hmac(hmac) => vec![
            ("k", b64::url_encode(hmac.secret.expose())),
            ("kty", "oct".into()),
        ],
        Material::Rsa(rsa) => vec![
            ("e", b64::url_encode(&rsa.e)),
            ("kty", "RSA".into()),
            ("n", b64::url_encode(&rsa.n)),
        ],
        Material::Ec(ec) => {
            let (x, y) = ec.coordinates();
            vec![
                ("crv", ec.curve.jwk_name().into()),
                ("kty", "EC".into()),
                ("x", b64::url_encode(x)),
                ("y", b64::url_encode(y)),
            ]
        }
        Material::Ed25519(ed) => vec![
            ("crv", "Ed25519".into()),
            ("kty", "OKP".into()),
            ("x", b64::url_encode(ed.public_key())),
        ],
    }
}

/// RFC 7638 §3: what a thumbprint hashes, the required members as compact JSON in
/// lexicographic order. Every value is a base64url or fixed name, so none needs escaping.
pub(crate) fn thumbprint_input(material: &Material) -> Secret {
    let members: Vec<String> = required_members(material)
        .iter()
        .map(|(name, value)| format!("\"{name}\":\"{value}\""))
        .collect();
    Secret::new(format!("{{{}}}", members.join(",")).into_bytes())
}

fn with_parameters(params: &Params, mut jwk: Map<String, Value>) -> Map<String, Value> {
    if let Some(kid) = &params.kid {
        jwk.insert("kid".into(), kid.as_str().into());
    }
    if let Some(alg) = params.alg {
        jwk.insert("alg".into(), alg.as_str().into());
    }
    jwk
}

pub(crate) fn to_public(material: &Material, params: &Params) -> Result<Map<String, Value>, Error> {
    if let Material::Hmac(_) = material {
        return Err(Error::InvalidKey(
            "an HMAC secret has no public JWK; to_private_jwk exports it (keep it secret)".into(),
        ));
    }
    let mut jwk: Map<String, Value> = required_members(material)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.into()))
        .collect();
    // RFC 7517 §4.2: a published key says it is for signatures, so no consumer takes it for
    // encryption.
    jwk.insert("use".into(), "sig".into());
    Ok(with_parameters(params, jwk))
}

pub(crate) fn to_private(
    material: &Material,
    params: &Params,
) -> Result<Map<String, Value>, Error> {
    let private: Vec<(&str, &[u8])> = match material {
        Material::Hmac(_) => Vec::new(),
        Material::Rsa(rsa) => match &rsa.private {
            Some(parts) => vec![
                ("d", parts.d.expose()),
                ("p", parts.p.expose()),
                ("q", parts.q.expose()),
                ("dp", parts.dp.expose()),
                ("dq", parts.dq.expose()),
                ("qi", parts.qi.expose()),
            ],
            None => Vec::new(),
        },
        Material::Ec(ec) => ec.d.iter().map(|d| ("d", d.expose())).collect(),
        Material::Ed25519(ed) => ed.seed.iter().map(|d| ("d", d.expose())).collect(),
    };
    if !material.is_private() {
        return Err(Error::InvalidKey(
            "this is a public key; it has no private JWK".into(),
        ));
    }
    let mut jwk: Map<String, Value> = required_members(material)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.into()))
        .collect();
    for (name, value) in private {
        jwk.insert(name.into(), b64::url_encode(value).into());
    }
    if params.ops != Ops::ALL {
        let list: Vec<Value> = [("sign", params.ops.sign), ("verify", params.ops.verify)]
            .into_iter()
            .filter(|(_, allowed)| *allowed)
            .map(|(name, _)| name.into())
            .collect();
        jwk.insert("key_ops".into(), list.into());
    }
    Ok(with_parameters(params, jwk))
}
