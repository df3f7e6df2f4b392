//! PKCS#1 (RFC 8017 Appendix A.1): `RSAPublicKey` and two-prime `RSAPrivateKey`, read and
//! written by the `pkcs1` crate.

use der::asn1::UintRef;
use jwt_core::Error;
use pkcs1::{RsaPrivateKey, RsaPublicKey, Version};

use crate::format::asn1;
use crate::material::{RsaMaterial, RsaPrivate};
use crate::secret::Secret;

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
pub(crate) fn parse_public(der_bytes: &[u8]) -> Result<RsaMaterial, Error> {
    let key: RsaPublicKey<'_> = asn1::decode(der_bytes)?;
    RsaMaterial::public(key.modulus.as_bytes(), key.public_exponent.as_bytes())
}

/// `RSAPrivateKey`, two-prime (version 0) only.
pub(crate) fn parse_private(der_bytes: &[u8]) -> Result<RsaMaterial, Error> {
    let key: RsaPrivateKey<'_> = asn1::decode(der_bytes)?;
    if key.version() == Version::Multi {
        return Err(Error::InvalidKey(
            "multi-prime RSA keys are not supported".into(),
        ));
    }
    RsaMaterial::private(
        key.modulus.as_bytes(),
        key.public_exponent.as_bytes(),
        RsaPrivate::new(
            key.private_exponent.as_bytes(),
            key.prime1.as_bytes(),
            key.prime2.as_bytes(),
            key.exponent1.as_bytes(),
            key.exponent2.as_bytes(),
            key.coefficient.as_bytes(),
        ),
    )
}

/// The `RSAPublicKey` (empty only if the key could not be encoded, which a loaded key can).
pub(crate) fn public_der(rsa: &RsaMaterial) -> Vec<u8> {
    public_key(rsa)
        .and_then(|key| asn1::encode(&key))
        .unwrap_or_default()
}

fn public_key(rsa: &RsaMaterial) -> Option<RsaPublicKey<'_>> {
    Some(RsaPublicKey {
        modulus: UintRef::new(&rsa.n).ok()?,
        public_exponent: UintRef::new(&rsa.e).ok()?,
    })
}

/// The `RSAPrivateKey`, or `None` for a public key.
pub(crate) fn private_der(rsa: &RsaMaterial) -> Option<Secret> {
    let private = rsa.private.as_ref()?;
    let public = public_key(rsa)?;
    asn1::encode_secret(&RsaPrivateKey {
        modulus: public.modulus,
        public_exponent: public.public_exponent,
        private_exponent: uint(&private.d)?,
        prime1: uint(&private.p)?,
        prime2: uint(&private.q)?,
        exponent1: uint(&private.dp)?,
        exponent2: uint(&private.dq)?,
        coefficient: uint(&private.qi)?,
        other_prime_infos: None,
    })
}

fn uint(secret: &Secret) -> Option<UintRef<'_>> {
    UintRef::new(secret.expose()).ok()
}
