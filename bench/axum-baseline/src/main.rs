//! `axum-baseline PORT`: answers every request 200 `{"received":true}` and does nothing else.

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(3000);
    let app = axum::Router::new().fallback(|| async { "{\"received\":true}" });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.expect("serve");
}
