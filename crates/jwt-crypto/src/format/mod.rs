//! Key formats: the encodings keys travel in (PEM, DER containers, JWK, OpenSSH lines, raw
//! secrets), read into neutral [`Material`](crate::material::Material) and written back from
//! it. Nothing here knows a backend.

pub(crate) mod asn1;
pub(crate) mod jwk;
pub(crate) mod pem;
pub(crate) mod pkcs1;
pub(crate) mod pkix;
pub(crate) mod sec1;
pub(crate) mod secret;
pub(crate) mod ssh;

use jwt_core::Error;

use crate::material::Material;

/// Reads one key from PEM text, by its label: `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY`
/// (PKCS#1), `EC PRIVATE KEY` (SEC1), `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY`
/// (PKCS#1) or `CERTIFICATE` (its public key only).
pub(crate) fn parse_pem(pem_text: &str) -> Result<Material, Error> {
    let block = pem::parse_one(pem_text)?;
    let der = block.der.expose();
    match block.label.as_str() {
        "PRIVATE KEY" => pkix::parse_pkcs8(der),
        "RSA PRIVATE KEY" => pkcs1::parse_private(der).map(Material::Rsa),
        "EC PRIVATE KEY" => sec1::parse_private(der, None, None).map(Material::Ec),
        "PUBLIC KEY" => pkix::parse_spki(der),
        "RSA PUBLIC KEY" => pkcs1::parse_public(der).map(Material::Rsa),
        "CERTIFICATE" => pkix::parse_certificate(der),
        "ENCRYPTED PRIVATE KEY" => Err(pkix::encrypted()),
        other => Err(Error::InvalidKey(format!(
            "PEM label {other:?} is not a supported key type"
        ))),
    }
}
