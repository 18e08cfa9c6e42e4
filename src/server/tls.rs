//! TLS for the receiving port and the inspector (`--tls-cert`/`--tls-key`): rustls with ring, a certificate
//! chain and its private key read from PEM files, HTTP/1.1 offered by ALPN. A handshake has the header
//! deadline: a client that connects and never finishes one is closed like one that trickles its headers.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::error::Error;

/// How long the inspector gives a client to finish its handshake.
const INSPECTOR_HANDSHAKE: Duration = Duration::from_secs(10);

/// A server's TLS settings, cheap to clone.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    doubt: Option<String>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

impl Tls {
    /// The certificate chain in `cert` (leaf first, as a web server's fullchain.pem) and the private key in `key`
    /// (PKCS#8, PKCS#1 or SEC1 PEM). Each problem is said with the file it is in.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, Error> {
        let unreadable = |what: &str, path: &Path, e: &dyn std::fmt::Display| {
            Error::usage(
                format!("cannot read the TLS {what} {}: {e}", path.display()),
                Some("--tls-cert takes a PEM certificate chain and --tls-key its private key in PEM".into()),
            )
        };
        let certificate = |e: &dyn std::fmt::Display| unreadable("certificate", cert, e);
        let private_key = |e: &dyn std::fmt::Display| unreadable("key", key, e);
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(|e| certificate(&e))?
            .collect::<Result<_, _>>()
            .map_err(|e| certificate(&e))?;
        if chain.is_empty() {
            return Err(certificate(&"no CERTIFICATE block in it"));
        }
        let private = PrivateKeyDer::from_pem_file(key).map_err(|e| match e {
            // An encrypted key (ENCRYPTED PRIVATE KEY) cannot be read without its passphrase.
            rustls::pki_types::pem::Error::NoItemsFound
                if std::fs::read(key).is_ok_and(|b| b.windows(9).any(|w| w == b"ENCRYPTED")) =>
            {
                private_key(&"it is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.key)")
            }
            rustls::pki_types::pem::Error::NoItemsFound => private_key(&"no PRIVATE KEY block in it"),
            e => private_key(&e),
        })?;
        // Several clients and servers may be built in one process (tests); only the first install counts.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let doubt = doubt(&chain);
        let mut config =
            rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, private).map_err(|e| {
                Error::usage(
                    format!("the TLS key {} does not go with the certificate {}: {e}", key.display(), cert.display()),
                    Some("pass the private key the certificate was issued for".into()),
                )
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { acceptor: TlsAcceptor::from(Arc::new(config)), doubt })
    }

    /// Why clients will refuse the certificate even when they trust its issuer (expired, not valid yet, a CA
    /// certificate serving as a server's), for a warning at start; `None` when they will not.
    pub fn doubt(&self) -> Option<&str> {
        self.doubt.as_deref()
    }

    /// The handshake on an accepted connection, within `deadline`; `None` when it fails or runs out of time
    /// (the client's business: nothing to report).
    pub async fn accept(&self, tcp: TcpStream, deadline: Duration) -> Option<TlsStream<TcpStream>> {
        tokio::time::timeout(deadline, self.acceptor.accept(tcp)).await.ok()?.ok()
    }

    /// A listener for `axum::serve` that hands over connections once their handshake is done; handshakes run
    /// on their own tasks, so a slow one holds up no other.
    pub fn listener(&self, socket: TcpListener) -> std::io::Result<TlsListener> {
        let address = socket.local_addr()?;
        let (done, handshaken) = mpsc::channel(64);
        let tls = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, peer)) = socket.accept().await else {
                    // Out of descriptors, mostly: give closing connections a moment.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                if done.is_closed() {
                    return;
                }
                let (tls, done) = (tls.clone(), done.clone());
                tokio::spawn(async move {
                    if let Some(stream) = tls.accept(tcp, INSPECTOR_HANDSHAKE).await {
                        let _ = done.send((stream, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener { handshaken, address })
    }
}

/// Connections past their handshake (see `Tls::listener`).
pub struct TlsListener {
    handshaken: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    address: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.handshaken.recv().await {
            Some(accepted) => accepted,
            // The accepting task only ends once this listener is gone.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.address)
    }
}

/// The chain checked as a client that trusts its last certificate checks it (the host name aside): what such a
/// client would refuse it for.
fn doubt(chain: &[CertificateDer<'static>]) -> Option<String> {
    use rustls::CertificateError;
    use rustls::client::danger::ServerCertVerifier as _;
    use rustls::pki_types::{ServerName, UnixTime};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(chain.last()?.clone()).ok()?;
    let verifier = rustls::client::WebPkiServerVerifier::builder(Arc::new(roots)).build().ok()?;
    let name = ServerName::try_from("hookctl.invalid").ok()?;
    let (leaf, intermediates) = chain.split_first()?;
    let error = match verifier.verify_server_cert(leaf, intermediates, &name, &[], UnixTime::now()) {
        Err(rustls::Error::InvalidCertificate(error)) => error,
        _ => return None,
    };
    let doubt = match error {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => "it has expired",
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "it is not valid yet",
        other if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "it is a CA certificate (basicConstraints CA:TRUE), not a server's; issue it with basicConstraints=CA:FALSE"
        }
        _ => return None,
    };
    Some(doubt.to_owned())
}
