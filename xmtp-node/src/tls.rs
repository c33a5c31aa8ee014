//! TLS on the node's listeners: rustls with a certificate reloaded in place, and the handshake
//! seam between accepting a TCP connection and serving it.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::error::{Error, Result};

/// A connection that has not finished its TLS handshake in this time is closed: a peer that
/// opens connections and stays silent holds nothing for long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress per listener; further connections wait in the kernel's backlog.
const MAX_HANDSHAKES: usize = 1024;
/// Connections handshaken and not yet taken by the server.
const ACCEPTED_QUEUE: usize = 64;

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

impl NodeIo {
    fn tcp(&self) -> &TcpStream {
        match self {
            Self::Plain(tcp) => tcp,
            Self::Tls(tls) => tls.get_ref().0,
        }
    }
}

/// Both kinds report the peer's TCP address, which is what rate limits key on.
impl tonic::transport::server::Connected for NodeIo {
    type ConnectInfo = tonic::transport::server::TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.tcp().connect_info()
    }
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

/// Connections accepted on one listener with their handshake done, in the order they finished.
/// Handshakes run in their own tasks, so one slow peer delays nobody else; the accept task ends
/// when this is dropped (the server stopped).
pub(crate) struct Accepted<Io> {
    ready: mpsc::Receiver<(Io, SocketAddr)>,
    local: SocketAddr,
}

/// Starts accepting on `listener`, handshaking each connection with `handshake`.
pub(crate) fn accept<H: Handshake>(
    listener: TcpListener,
    handshake: H,
) -> io::Result<Accepted<H::Io>> {
    let local = listener.local_addr()?;
    let (tx, ready) = mpsc::channel(ACCEPTED_QUEUE);
    let permits = Arc::new(Semaphore::new(MAX_HANDSHAKES));
    tokio::spawn(async move {
        loop {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                return;
            };
            let (tcp, peer) = tokio::select! {
                () = tx.closed() => return,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: pause instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            // Without TCP_NODELAY a small response waits on the peer's delayed ACK: 40 ms per
            // page when a client reads pages one after another.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
            let handshake = handshake.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake.handshake(tcp)).await {
                    Ok(Ok(io)) => {
                        drop(permit);
                        let _ = tx.send((io, peer)).await;
                    }
                    Ok(Err(e)) => tracing::debug!(%peer, error = %e, "handshake failed"),
                    Err(_) => tracing::debug!(%peer, "handshake timed out"),
                }
            });
        }
    });
    Ok(Accepted { ready, local })
}

impl<Io> Accepted<Io> {
    /// The connections as a stream, for tonic's server.
    pub(crate) fn into_stream(
        mut self,
    ) -> impl futures_util::Stream<Item = io::Result<Io>> + Send + 'static
    where
        Io: Send + 'static,
    {
        futures_util::stream::poll_fn(move |cx| {
            self.ready
                .poll_recv(cx)
                .map(|next| next.map(|(io, _)| Ok(io)))
        })
    }
}

impl<Io: AsyncRead + AsyncWrite + Unpin + Send + 'static> axum::serve::Listener for Accepted<Io> {
    type Io = Io;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Io, SocketAddr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accept task ended (its runtime is shutting down): nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
