//! The page, its assets, and the JSON API (documented in the README's "Inspector" section).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Download, Inspector, ReplayAsk};
use crate::store::{PageQuery, Store, StoredEvent, VerdictFilter};

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const VIEW_JS: &str = include_str!("assets/view.js");
const STYLE: &str = include_str!("assets/style.css");

/// The most events one page of the list holds.
const MAX_LIMIT: usize = 500;
const DEFAULT_LIMIT: usize = 100;

type Answer = Result<Response, (StatusCode, Json<Value>)>;

fn fail(status: StatusCode, message: impl Into<String>) -> (StatusCode, Json<Value>) {
    (status, Json(json!({"error": message.into()})))
}

pub async fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let (content_type, text) = match name.as_str() {
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "view.js" => ("text/javascript; charset=utf-8", VIEW_JS),
        "style.css" => ("text/css; charset=utf-8", STYLE),
        _ => return not_found().await,
    };
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "no such page or API route"}))).into_response()
}

/// The session: the CSRF token state-changing requests carry, and what the page needs to know.
pub async fn session(State(inspector): State<Arc<Inspector>>) -> Response {
    Json(json!({
        "csrf": inspector.guard.csrf(),
        "receiving": inspector.receiving,
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

/// Runs a store read off the async workers, on a connection of its own.
async fn with_store<T: Send + 'static>(
    inspector: &Arc<Inspector>,
    write: bool,
    work: impl FnOnce(&mut Store) -> Result<T, crate::error::Error> + Send + 'static,
) -> Result<T, (StatusCode, Json<Value>)> {
    let path = inspector.store.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut store = if write { Store::open(&path)? } else { Store::open_read_only(&path)? };
        work(&mut store)
    })
    .await
    .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "the store read stopped"))?;
    done.map_err(|e| fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    provider: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
    verdict: Option<String>,
    since: Option<String>,
    until: Option<String>,
    q: Option<String>,
    before: Option<i64>,
    after: Option<i64>,
    limit: Option<usize>,
}

/// A time as unix milliseconds, or anything `--since` takes (RFC 3339, `2h` ago).
fn millis(name: &str, text: &str) -> Result<i64, (StatusCode, Json<Value>)> {
    if let Ok(millis) = text.trim().parse::<i64>() {
        return Ok(millis);
    }
    crate::time::parse_user_time(text)
        .map(|at| at.timestamp_millis())
        .or_else(|_| {
            humantime::parse_duration(text.trim())
                .map(|ago| chrono::Utc::now().timestamp_millis() - i64::try_from(ago.as_millis()).unwrap_or(i64::MAX))
        })
        .map_err(|_| {
            fail(StatusCode::BAD_REQUEST, format!("{name}: `{text}` is not unix milliseconds, a date or a duration"))
        })
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `GET /api/events`: a page of events, newest first, and where the next one starts.
pub async fn list(State(inspector): State<Arc<Inspector>>, Query(params): Query<ListParams>) -> Answer {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let query = PageQuery {
        provider: nonempty(params.provider),
        event_type: nonempty(params.event_type),
        verdict: nonempty(params.verdict).map(|v| match v.as_str() {
            "passed" | "ok" => VerdictFilter::Passed,
            "failed" | "invalid" => VerdictFilter::Failed,
            _ => VerdictFilter::Code(v),
        }),
        since: nonempty(params.since).map(|t| millis("since", &t)).transpose()?,
        until: nonempty(params.until).map(|t| millis("until", &t)).transpose()?,
        text: nonempty(params.q),
        before: params.before,
        after: params.after,
        limit: limit + 1,
    };
    let mut events = with_store(&inspector, false, move |store| store.page(&query)).await?;
    let more = events.len() > limit;
    events.truncate(limit);
    let next = if more { events.last().map(|e| e.id) } else { None };
    let events: Vec<Value> = events.iter().map(StoredEvent::to_json).collect();
    Ok(Json(json!({"events": events, "next": next})).into_response())
}

async fn load(inspector: &Arc<Inspector>, id: i64) -> Result<StoredEvent, (StatusCode, Json<Value>)> {
    let mut event = with_store(inspector, false, move |store| store.get(id))
        .await?
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, format!("no event #{id}")))?;
    inspector.actions.redact(&mut event);
    Ok(event)
}

/// `GET /api/events/{id}`: the record, the request (credentials redacted), and every check with its diagnosis.
pub async fn show(State(inspector): State<Arc<Inspector>>, Path(id): Path<i64>) -> Answer {
    let event = load(&inspector, id).await?;
    let actions = inspector.actions.clone();
    let (event, check) = tokio::task::spawn_blocking(move || {
        let check = actions.explain(&event);
        (event, check)
    })
    .await
    .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "the check stopped"))?;
    let mut value = event.to_json();
    value["request"] = serde_json::to_value(&event.request).unwrap_or(Value::Null);
    value["raw"] = json!(String::from_utf8_lossy(&inspector.actions.download(&event, Download::Raw)));
    value["check"] = check.unwrap_or(Value::Null);
    Ok(Json(value).into_response())
}

/// `DELETE /api/events/{id}`.
pub async fn delete(State(inspector): State<Arc<Inspector>>, Path(id): Path<i64>) -> Answer {
    let deleted = with_store(&inspector, true, move |store| store.delete(&[id])).await?;
    if deleted == 0 {
        return Err(fail(StatusCode::NOT_FOUND, format!("no event #{id}")));
    }
    Ok(Json(json!({"deleted": deleted})).into_response())
}

/// `GET /api/events/{id}/download/{raw|har|jsonl}`.
pub async fn download(State(inspector): State<Arc<Inspector>>, Path((id, format)): Path<(i64, String)>) -> Answer {
    let (format, content_type, extension) = match format.as_str() {
        "raw" => (Download::Raw, "message/http", "http"),
        "har" => (Download::Har, "application/json", "har"),
        "jsonl" => (Download::Jsonl, "application/x-ndjson", "jsonl"),
        _ => return Err(fail(StatusCode::NOT_FOUND, "download formats: raw, har, jsonl")),
    };
    let event = load(&inspector, id).await?;
    let bytes = inspector.actions.download(&event, format);
    let disposition = format!("attachment; filename=\"event-{id}.{extension}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

/// `POST /api/events/{id}/replay` with `{"to": URL, "verbatim": bool, "body": edited}`: the answer received.
pub async fn replay(State(inspector): State<Arc<Inspector>>, Path(id): Path<i64>, body: axum::body::Bytes) -> Answer {
    // Read as JSON whatever its Content-Type (`curl -d` sends a form type): the CSRF header already proves it
    // comes from the page or a script, not a form of another site.
    let ask: ReplayAsk = serde_json::from_slice(&body)
        .map_err(|e| fail(StatusCode::BAD_REQUEST, format!("the body is not {{\"to\": URL, …}}: {e}")))?;
    if ask.to.trim().is_empty() {
        return Err(fail(StatusCode::BAD_REQUEST, "`to`: give the URL to replay to"));
    }
    let event = load(&inspector, id).await?;
    let answer = inspector.actions.replay(event, ask).await.map_err(|e| fail(StatusCode::BAD_REQUEST, e))?;
    Ok(Json(answer).into_response())
}
