//! Import (NDJSON in) and export (NDJSON out), both streamed.

use std::io::{self, Read};

use actix_web::{HttpResponse, get, post, web};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::time_param;
use crate::domain::{Channel, UserRole};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{ADMINS, Auth};
use crate::ingest::{ImportOptions, ImportSummary, import};
use crate::store::AuditSpec;
use crate::store::export::ExportFilter;

/// A blocking reader over the chunks of a request body.
struct ChannelReader {
    rx: mpsc::Receiver<Bytes>,
    cur: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.cur.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.cur = b,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        self.cur = self.cur.slice(n..);
        Ok(n)
    }
}

/// Imports NDJSON events (the event format); answers the import summary.
/// Admins only. Re-sending the same lines changes nothing.
#[utoipa::path(post, path = "/api/v1/events", tag = "events",
    request_body(content = String, content_type = "application/x-ndjson"),
    responses((status = 200, body = ImportSummary), (status = 403, body = crate::http::error::ErrorBody)))]
#[post("/events")]
pub async fn import_events(
    state: web::Data<AppState>,
    auth: Auth,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    let actor = auth.actor();
    let worker = web::block(move || {
        let mut reader = io::BufReader::with_capacity(256 * 1024, ChannelReader { rx, cur: Bytes::new() });
        let opts = ImportOptions { source: "http".into(), ..Default::default() };
        import(&state.store, &actor, &mut reader, &opts, &mut |_| {})
    });
    let feed = async move {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| ApiError::bad(format!("reading the body failed: {e}")))?;
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
        Ok::<_, ApiError>(())
    };
    let (fed, summary) = futures_util::join!(feed, worker);
    let mut summary = summary?;
    // A body cut off midway: what came before is stored; say so with the summary.
    if let Err(e) = fed {
        summary.error.get_or_insert(e.message);
    }
    if let Some(e) = &summary.error {
        tracing::error!(error = %e, committed = summary.committed_lines, "import stopped");
    }
    Ok(HttpResponse::Ok().json(summary))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    pub conversation: Option<String>,
    pub channel: Option<String>,
    pub agent: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Exports the store as NDJSON in the event format (admins and managers).
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(ExportQuery),
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
#[get("/events")]
pub async fn export_events(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let f = ExportFilter {
        conversation: q.conversation.clone(),
        channel: match &q.channel {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| ApiError::bad(format!("unknown channel {c:?}")))?),
            None => None,
        },
        agent: q.agent.clone(),
        from: time_param("from", &q.from)?,
        to: time_param("to", &q.to)?,
        no_directory: false,
    };
    let spec = AuditSpec::new(&auth.actor(), "events.export", "store").detail(format!(
        "conversation={:?} channel={:?} agent={:?} from={:?} to={:?}",
        q.conversation, q.channel, q.agent, q.from, q.to
    ));
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(32);
    // Store::export records the export in the audit trail before it writes the first line.
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut buf = Vec::with_capacity(64 * 1024);
        let tx2 = tx.clone();
        let r = st.store.export(spec, &f, &mut |rec| {
            serde_json::to_writer(&mut buf, &rec.to_json()).map_err(io::Error::other)?;
            buf.push(b'\n');
            if buf.len() >= 60 * 1024 {
                let chunk = Bytes::from(std::mem::take(&mut buf));
                tx2.blocking_send(Ok(chunk)).map_err(|_| io::Error::other("client went away"))?;
            }
            Ok(())
        });
        match r {
            Ok(_) if !buf.is_empty() => {
                let _ = tx.blocking_send(Ok(Bytes::from(buf)));
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "export failed");
                let _ = tx.blocking_send(Err(io::Error::other(e.to_string())));
            }
        }
    });
    let stream = tokio_stream_from(rx);
    Ok(HttpResponse::Ok().content_type("application/x-ndjson").streaming(stream))
}

fn tokio_stream_from(
    mut rx: mpsc::Receiver<Result<Bytes, io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
