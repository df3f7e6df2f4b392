//! PKCS#1 (RFC 8017 Appendix A.1): `RSAPublicKey` and two-prime `RSAPrivateKey`.

use jwt_core::Error;

use crate::format::der;
use crate::material::{RsaMaterial, RsaPrivate};
use crate::secret::Secret;

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
pub(crate) fn parse_public(der_bytes: &[u8]) -> Result<RsaMaterial, Error> {
    der::parse_all(der_bytes, |reader| {
        let mut seq = reader.sequence()?;
        let n = seq.unsigned_integer()?;
        let e = seq.unsigned_integer()?;
        seq.finish()?;
        RsaMaterial::public(n, e)
    })
}

/// `RSAPrivateKey`, two-prime (version 0) only.
pub(crate) fn parse_private(der_bytes: &[u8]) -> Result<RsaMaterial, Error> {
    der::parse_all(der_bytes, |reader| {
        let mut seq = reader.sequence()?;
        match seq.small_integer()? {
            0 => {}
            1 => {
                return Err(Error::InvalidKey(
                    "multi-prime RSA keys are not supported".into(),
                ));
            }
            v => {
                return Err(Error::InvalidKey(format!(
                    "unknown RSAPrivateKey version {v}"
                )));
            }
        }
        let (n, e, d) = (
            seq.unsigned_integer()?,
            seq.unsigned_integer()?,
            seq.unsigned_integer()?,
        );
        let (p, q) = (seq.unsigned_integer()?, seq.unsigned_integer()?);
        let (dp, dq, qi) = (
            seq.unsigned_integer()?,
            seq.unsigned_integer()?,
            seq.unsigned_integer()?,
        );
        seq.finish()?;
        RsaMaterial::private(n, e, RsaPrivate::new(d, p, q, dp, dq, qi))
    })
}

pub(crate) fn public_der(rsa: &RsaMaterial) -> Vec<u8> {
    der::sequence(&[
        &der::unsigned_integer(&rsa.n),
        &der::unsigned_integer(&rsa.e),
    ])
}

/// The `RSAPrivateKey`, or `None` for a public key.
pub(crate) fn private_der(rsa: &RsaMaterial) -> Option<Secret> {
    let private = rsa.private.as_ref()?;
    let ints: Vec<Secret> = [
        &[][..],
        &rsa.n,
        &rsa.e,
        private.d.expose(),
        private.p.expose(),
        private.q.expose(),
        private.dp.expose(),
        private.dq.expose(),
        private.qi.expose(),
    ]
    .iter()
    .map(|value| Secret::new(der::unsigned_integer(value)))
    .collect();
    let elements: Vec<&[u8]> = ints.iter().map(Secret::expose).collect();
    Some(Secret::new(der::sequence(&elements)))
}
