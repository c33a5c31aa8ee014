//! TLS on the node's listeners: rustls with a certificate reloaded in place, and the handshake
//! seam between accepting a TCP connection and serving it (the accept loop is in `listener`).

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::task::{Context, Poll};

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::error::{Error, Result};

/// The node's certificate chain and private key, PEM files read at start and again on each
/// reload (SIGHUP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key of the leaf (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

impl TlsFiles {
    /// Reads and checks the pair: both parse and the key belongs to the leaf certificate.
    fn load(&self) -> Result<CertifiedKey> {
        let bad = |what: &str, path: &PathBuf, e: &dyn std::fmt::Display| {
            Error::Config(format!("TLS {what} {}: {e}", path.display()))
        };
        let chain = CertificateDer::pem_file_iter(&self.cert)
            .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| bad("certificate", &self.cert, &e))?;
        if chain.is_empty() {
            return Err(bad("certificate", &self.cert, &"no CERTIFICATE block"));
        }
        let key = PrivateKeyDer::from_pem_file(&self.key).map_err(|e| bad("key", &self.key, &e))?;
        CertifiedKey::from_der(chain, key, &rustls::crypto::ring::default_provider()).map_err(|e| {
            let e = format!("{e} (with certificate {})", self.cert.display());
            bad("key", &self.key, &e)
        })
    }
}

/// The certificate the node presents, swapped whole on reload: handshakes in progress keep the
/// one they started with, open connections are untouched, new ones get the new one.
#[derive(Debug)]
pub(crate) struct ReloadableCert {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
}

impl ReloadableCert {
    pub(crate) fn load(files: TlsFiles) -> Result<Self> {
        let current = RwLock::new(Arc::new(files.load()?));
        Ok(Self { files, current })
    }

    /// Re-reads the files. On any error the current certificate stays and the error is returned
    /// (and logged).
    pub(crate) fn reload(&self) -> Result<()> {
        match self.files.load() {
            Ok(key) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(key);
                tracing::info!(cert = %self.files.cert.display(), "TLS certificate reloaded");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "TLS reload failed; keeping the current certificate");
                Err(e)
            }
        }
    }
}

impl ResolvesServerCert for ReloadableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(
            &self.current.read().unwrap_or_else(PoisonError::into_inner),
        ))
    }
}

/// Turns an accepted TCP connection into the byte stream the server speaks HTTP over.
pub(crate) trait Handshake: Clone + Send + Sync + 'static {
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

/// A TLS handshake with the node's [`ReloadableCert`], offering `h2` (and `http/1.1` on the
/// gateway) by ALPN.
#[derive(Clone)]
pub(crate) struct TlsHandshake {
    acceptor: TlsAcceptor,
}

impl TlsHandshake {
    pub(crate) fn new(cert: Arc<ReloadableCert>, alpn: &[&[u8]]) -> Result<Self> {
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_cert_resolver(cert);
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}

impl Handshake for TlsHandshake {
    type Io = TlsStream<TcpStream>;

    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = io::Result<Self::Io>> + Send {
        self.acceptor.accept(tcp)
    }
}

/// A listener's handshake: none (plaintext, or TLS ended by a proxy in front) or TLS.
#[derive(Clone)]
pub(crate) enum NodeHandshake {
    Plain,
    Tls(TlsHandshake),
}

impl Handshake for NodeHandshake {
    type Io = NodeIo;

    async fn handshake(&self, tcp: TcpStream) -> io::Result<NodeIo> {
        match self {
            Self::Plain => Ok(NodeIo::Plain(tcp)),
            Self::Tls(tls) => Ok(NodeIo::Tls(Box::new(tls.handshake(tcp).await?))),
        }
    }
}

/// A served connection, plaintext or TLS.
pub(crate) enum NodeIo {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for NodeIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_read(cx, buf),
            Self::Tls(io) => Pin::new(io).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for NodeIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write(cx, buf),
            Self::Tls(io) => Pin::new(io).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            Self::Tls(io) => Pin::new(io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Plain(io) => io.is_write_vectored(),
            Self::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_flush(cx),
            Self::Tls(io) => Pin::new(io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_shutdown(cx),
            Self::Tls(io) => Pin::new(io).poll_shutdown(cx),
        }
    }
}
