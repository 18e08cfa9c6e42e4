//! `GET /api/live`: new events as Server-Sent Events (`event: event`, the record as in the list). A page that
//! falls more than the channel's backlog behind gets `event: reload` and fetches the list again: the listener
//! never waits for a page.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::Inspector;

pub async fn stream(State(inspector): State<Arc<Inspector>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = inspector.live.subscribe();
    let events = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(record) => Event::default().event("event").data(&*record),
            Err(RecvError::Lagged(missed)) => Event::default().event("reload").data(missed.to_string()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), receiver))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
