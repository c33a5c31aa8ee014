//! A certificate authority made at test time (rcgen), and node certificates it signs, written
//! as PEM files. Shared by the TLS tests of several crates and by `examples/test_ca.rs` (through
//! `#[path]`), so that no key is ever committed.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

/// A test CA: its certificate (PEM) and what it needs to sign leaves.
pub struct TestCa {
    /// The CA certificate, PEM: what clients are told to trust.
    pub cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A node certificate and key written to files.
pub struct NodeCert {
    /// The certificate chain (leaf only), PEM.
    pub cert: PathBuf,
    /// Its private key, PEM (PKCS#8).
    pub key: PathBuf,
}

impl TestCa {
    /// A new CA named `name`.
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("CA key");
        let cert_pem = params.self_signed(&key).expect("CA certificate").pem();
        Self {
            cert_pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// Writes the CA certificate to `dir/<file>` and returns its path.
    #[allow(dead_code)] // not every includer writes the CA to a file
    pub fn write_cert(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(&path, &self.cert_pem).expect("write CA certificate");
        path
    }

    /// A leaf for these host names (IP literals become IP addresses), written as
    /// `dir/<stem>.pem` and `dir/<stem>.key`.
    pub fn node_cert(&self, dir: &Path, stem: &str, names: &[&str]) -> NodeCert {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, stem);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        let paths = NodeCert {
            cert: dir.join(format!("{stem}.pem")),
            key: dir.join(format!("{stem}.key")),
        };
        std::fs::write(&paths.cert, cert.pem()).expect("write certificate");
        std::fs::write(&paths.key, key.serialize_pem()).expect("write key");
        paths
    }
}
