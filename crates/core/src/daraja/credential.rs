//! The `SecurityCredential`: the initiator password encrypted with the public key of
//! Safaricom's certificate (RSA, PKCS#1 v1.5 padding), then base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use x509_cert::der::{Decode, Encode};

use super::config::Environment;
use crate::error::{Error, Result};

/// Safaricom's certificate for sandbox credentials (CN=apicrypt.safaricom.co.ke), the default
/// for [`Environment::Sandbox`].
pub const SANDBOX_CERTIFICATE_PEM: &str = include_str!("../../certs/daraja-sandbox-current.pem");
/// Safaricom's certificate for production credentials (CN=apigee.apicaller.safaricom.co.ke),
/// the default for [`Environment::Production`].
pub const PRODUCTION_CERTIFICATE_PEM: &str = include_str!("../../certs/daraja-production.pem");
/// The 2018 TLS certificate of `sandbox.safaricom.co.ke`, which some SDKs use for sandbox
/// credentials; kept as a fallback to try, not a default.
pub const LEGACY_SANDBOX_CERTIFICATE_PEM: &str = include_str!("../../certs/daraja-sandbox.pem");

/// OID of rsaEncryption.
const RSA_OID: &str = "1.2.840.113549.1.1.1";

/// The certificate shipped for `environment`.
pub fn default_certificate(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => SANDBOX_CERTIFICATE_PEM,
        Environment::Production => PRODUCTION_CERTIFICATE_PEM,
    }
}

/// Builds a `SecurityCredential` from the initiator `password` with the certificate shipped
/// for `environment`. The padding is random: every call gives a different, equally valid
/// string (344 characters for the shipped 2048-bit keys).
pub fn security_credential(password: &str, environment: Environment) -> Result<String> {
    security_credential_with(password, default_certificate(environment).as_bytes())
}

/// Builds a `SecurityCredential` with a certificate of your own: PEM (the first
/// `CERTIFICATE` block, leniently read; a `PUBLIC KEY` block works too), DER, or the base64
/// of the DER.
pub fn security_credential_with(password: &str, certificate: &[u8]) -> Result<String> {
    if password.is_empty() {
        return Err(Error::invalid("password", "must not be empty"));
    }
    let key = public_key(certificate)?;
    let encrypted = key
        .encrypt(
            &mut rsa::rand_core::OsRng,
            Pkcs1v15Encrypt,
            password.as_bytes(),
        )
        .map_err(|e| Error::invalid("password", format!("cannot be encrypted: {e}")))?;
    Ok(STANDARD.encode(encrypted))
}

/// Turns certificate file bytes (PEM or DER) into the text form kept in the configuration.
pub(crate) fn certificate_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN") => text.to_string(),
        _ => STANDARD.encode(bytes),
    }
}

/// The RSA public key of a certificate given as PEM, DER or base64 DER.
pub(crate) fn public_key(input: &[u8]) -> Result<RsaPublicKey> {
    let bad = |rule: &str| Error::invalid("certificate", rule.to_string());
    let (der, is_spki) = match dearmor(input) {
        Some(found) => found,
        None => {
            // DER given as bytes, or as base64 text without armour.
            if input.first() == Some(&0x30) {
                (input.to_vec(), false)
            } else {
                let text: String = String::from_utf8_lossy(input)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let der = STANDARD
                    .decode(text.as_bytes())
                    .map_err(|_| bad("is neither a PEM nor a DER certificate"))?;
                (der, false)
            }
        }
    };
    let spki = if is_spki {
        x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&der)
            .map_err(|e| bad(&format!("is not a valid public key: {e}")))?
    } else {
        let cert = x509_cert::Certificate::from_der(&der)
            .map_err(|e| bad(&format!("is not a valid X.509 certificate: {e}")))?;
        cert.tbs_certificate.subject_public_key_info
    };
    if spki.algorithm.oid.to_string() != RSA_OID {
        return Err(bad("does not hold an RSA key"));
    }
    let spki_der = spki
        .to_der()
        .map_err(|e| bad(&format!("has an unreadable public key: {e}")))?;
    RsaPublicKey::from_public_key_der(&spki_der)
        .map_err(|e| bad(&format!("has an unreadable RSA key: {e}")))
}

/// The DER of the first `CERTIFICATE` (or `PUBLIC KEY`) block, tolerant of text around it,
/// any line length, CRLF and blank lines. The flag is true for a `PUBLIC KEY` block.
fn dearmor(input: &[u8]) -> Option<(Vec<u8>, bool)> {
    let text = std::str::from_utf8(input).ok()?;
    for (label, is_spki) in [("CERTIFICATE", false), ("PUBLIC KEY", true)] {
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        if let Some(start) = text.find(&begin) {
            let body = &text[start + begin.len()..];
            let stop = body.find(&end)?;
            let b64: String = body[..stop]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            return STANDARD.decode(b64.as_bytes()).ok().map(|d| (d, is_spki));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_certificates_give_344_characters() {
        for pem in [
            SANDBOX_CERTIFICATE_PEM,
            PRODUCTION_CERTIFICATE_PEM,
            LEGACY_SANDBOX_CERTIFICATE_PEM,
        ] {
            let c = security_credential_with("Safaricom999!*!", pem.as_bytes()).unwrap();
            assert_eq!(c.len(), 344);
            assert!(c.ends_with("=="));
            assert_eq!(STANDARD.decode(&c).unwrap().len(), 256);
        }
        let a = security_credential("pw", Environment::Sandbox).unwrap();
        let b = security_credential("pw", Environment::Sandbox).unwrap();
        assert_ne!(a, b, "PKCS#1 v1.5 padding is random");
    }

    #[test]
    fn reads_lenient_pem_and_der() {
        let pem = SANDBOX_CERTIFICATE_PEM;
        let (der, _) = dearmor(pem.as_bytes()).unwrap();
        let expected = public_key(pem.as_bytes()).unwrap();
        // DER bytes, base64 DER, text around the block, CRLF, one long line.
        assert_eq!(public_key(&der).unwrap(), expected);
        assert_eq!(
            public_key(STANDARD.encode(&der).as_bytes()).unwrap(),
            expected
        );
        let noisy = format!("Subject: x\r\n{}\r\n\r\n\r\n", pem.replace('\n', "\r\n"));
        assert_eq!(public_key(noisy.as_bytes()).unwrap(), expected);
        let one_line = format!(
            "-----BEGIN CERTIFICATE-----{}-----END CERTIFICATE-----",
            STANDARD.encode(&der)
        );
        assert_eq!(public_key(one_line.as_bytes()).unwrap(), expected);
        assert_eq!(certificate_text(&der), STANDARD.encode(&der));
    }

    #[test]
    fn refuses_junk() {
        assert_eq!(
            public_key(b"hello").unwrap_err().field(),
            Some("certificate")
        );
        assert!(
            public_key(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_err()
        );
        assert!(security_credential("", Environment::Production).is_err());
    }
}
