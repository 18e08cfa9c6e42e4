//! TLS to PostgreSQL (`sslmode=require`): rustls under tokio-postgres, the server's certificate checked against
//! the system's trust (as hookctl's HTTPS is) plus the certificates in `PGSSLROOTCERT`, libpq's variable, and
//! its name against the URL's host. Stricter than libpq's `require`, which checks nothing without a root file:
//! a team inbox's events and headers are not sent to a server that cannot prove who it is.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

/// libpq's variable naming a PEM file of the certificates a server's chain may end at.
pub const ROOT_CERT_VAR: &str = "PGSSLROOTCERT";

#[derive(Clone)]
pub struct Connector {
    config: Arc<rustls::ClientConfig>,
}

impl Connector {
    pub fn new() -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let extra = match std::env::var_os(ROOT_CERT_VAR).filter(|f| !f.is_empty()) {
            Some(file) => roots(std::path::Path::new(&file))?,
            None => Vec::new(),
        };
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| format!("cannot load the system's trusted certificates: {e}"))?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(Self { config: Arc::new(config) })
    }
}

/// The certificates in a PEM file.
fn roots(file: &std::path::Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject as _;
    let shown = file.display();
    let pem = std::fs::read(file).map_err(|e| format!("cannot read {ROOT_CERT_VAR} {shown}: {e}"))?;
    let certificates: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{ROOT_CERT_VAR} {shown} is not a PEM file of certificates ({e})"))?;
    if certificates.is_empty() {
        return Err(format!(
            "{ROOT_CERT_VAR} {shown} holds no certificate (a PEM file of -----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certificates)
}

impl<S> MakeTlsConnect<S> for Connector
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = Stream<S>;
    type TlsConnect = Connect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<Connect> {
        let name = ServerName::try_from(domain.to_owned())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("`{domain}` is not a host name")))?;
        Ok(Connect { config: self.config.clone(), name })
    }
}

pub struct Connect {
    config: Arc<rustls::ClientConfig>,
    name: ServerName<'static>,
}

impl<S> TlsConnect<S> for Connect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = Stream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Stream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        let connector = tokio_rustls::TlsConnector::from(self.config);
        Box::pin(async move {
            connector.connect(self.name, stream).await.map(Stream).map_err(|e| io::Error::new(e.kind(), plain(&e)))
        })
    }
}

/// A refused handshake in plain words, with what to do.
fn plain(error: &io::Error) -> String {
    use crate::deliver::CertificateDoubt;
    let text = error.to_string();
    let Some(doubt) = CertificateDoubt::of(&text) else { return format!("the TLS handshake failed: {text}") };
    let hint = match doubt {
        CertificateDoubt::UnknownIssuer => match std::env::var_os(ROOT_CERT_VAR).filter(|f| !f.is_empty()) {
            Some(file) => format!("{ROOT_CERT_VAR} ({}) holds no certificate that issued it", file.to_string_lossy()),
            None => format!("for a private CA or a self-signed certificate, name it with {ROOT_CERT_VAR}=ca.pem"),
        },
        other => other.hint().to_owned(),
    };
    format!("the server's certificate {}; {hint}", doubt.cause())
}

/// A TLS connection to the server.
pub struct Stream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for Stream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Stream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Stream<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}
