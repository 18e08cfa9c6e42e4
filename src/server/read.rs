//! Reading a request's body within its limits: `--max-body`, `--read-timeout`, and the memory budget.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use bytes::BytesMut;
use futures_util::StreamExt as _;

use super::budget::{Budget, Held};

/// Why a body was not read, with the answer it gets.
pub struct Refused {
    pub status: StatusCode,
    pub text: String,
}

/// A provider retries a 503 later; this says how much later is worth trying.
pub const RETRY_AFTER_SECONDS: u64 = 2;

/// Reads `body` (of `declared` bytes, when Content-Length says) into one buffer, its bytes taken from `budget`.
///
/// A declared length is taken from the budget before anything is read: a body that cannot fit is refused
/// before its sender has sent it, and the bodies that were admitted finish (taking bytes as they come, 200
/// bodies of 10 MiB would each get a share and all be refused halfway). A body of unknown length (chunked)
/// takes its bytes as its buffer grows.
pub async fn read(
    body: Body,
    declared: Option<u64>,
    max_body: usize,
    budget: &Budget,
    timeout: Duration,
) -> Result<(Bytes, Held), Refused> {
    let too_large = || Refused {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        text: format!("the body is over the {max_body} byte limit (--max-body)"),
    };
    let over_budget = || Refused {
        status: StatusCode::SERVICE_UNAVAILABLE,
        text: format!(
            "the bodies being received hold the {} MiB budget (--max-memory); retry later",
            budget.bytes() / (1024 * 1024)
        ),
    };
    let mut held = Held::default();
    let mut buffer = match declared {
        Some(length) => {
            let length = usize::try_from(length).ok().filter(|&l| l <= max_body).ok_or_else(too_large)?;
            if !budget.grow(&mut held, length) {
                budget.pause_refused().await;
                return Err(over_budget());
            }
            BytesMut::with_capacity(length)
        }
        None => BytesMut::new(),
    };
    let mut stream = body.into_data_stream();
    let reading = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Refused {
                status: StatusCode::BAD_REQUEST,
                text: format!("the body could not be read: {e}"),
            })?;
            let wanted = buffer.len() + chunk.len();
            if wanted > max_body {
                return Err(too_large());
            }
            if wanted > buffer.capacity() {
                // Doubling, as a growing buffer does, but never past --max-body; the budget pays for the
                // capacity, which is what the allocator hands out.
                let capacity = wanted.max(buffer.capacity() * 2).min(max_body);
                if !budget.grow(&mut held, capacity) {
                    return Err(over_budget());
                }
                buffer.reserve(capacity - buffer.len());
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(())
    };
    match tokio::time::timeout(timeout, reading).await {
        Ok(Ok(())) => Ok((buffer.freeze(), held)),
        Ok(Err(refused)) if refused.status == StatusCode::SERVICE_UNAVAILABLE => {
            // What was read so far goes back to the budget before the pause.
            drop((buffer, held));
            budget.pause_refused().await;
            Err(refused)
        }
        Ok(Err(refused)) => Err(refused),
        Err(_) => Err(Refused {
            status: StatusCode::REQUEST_TIMEOUT,
            text: format!("the body did not arrive within {}", humantime::format_duration(timeout)),
        }),
    }
}
