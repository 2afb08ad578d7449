//! `/attachments/{channel}/{reference}`: a file fetched from a channel, for
//! those who may read the conversation it was sent in.

use actix_web::{HttpResponse, get, web};

use crate::domain::UserRole;
use crate::http::AppState;
use crate::http::error::{ApiError, Code, blocking};
use crate::http::extract::Auth;

/// The file behind an attachment reference (`whatsapp-media:…`, `telegram-file:…`, …)
/// of a message that came through channel instance `channel`.
#[utoipa::path(get, path = "/api/v1/attachments/{channel}/{reference}", tag = "record",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/attachments/{channel}/{reference:.*}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (channel, reference) = p.into_inner();
    let key = format!("{channel}/{reference}");
    let viewer = (auth.who.role == UserRole::Agent).then(|| auth.who.agent.clone().unwrap_or_default());
    let found = blocking(move || {
        let Some(a) = state.store.attachment(&key)? else { return Ok::<_, ApiError>(None) };
        if let Some(agent) = &viewer {
            let may = state.store.conversation(&a.conversation)?.is_some_and(|c| c.agents.contains(agent));
            if !may {
                return Ok(None);
            }
        }
        if a.sha256.is_none() {
            let why = a.error.clone().unwrap_or_else(|| "not fetched yet".into());
            return Err(ApiError::new(Code::NotFound, format!("the file is not here: {why}")));
        }
        let Some((a, path)) = state.channels.attachment_file(&key)? else { return Ok(None) };
        let bytes = std::fs::read(&path).map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
        Ok(Some((a, bytes)))
    })
    .await?;
    let Some((a, bytes)) = found else { return Err(ApiError::not_found("attachment")) };
    let name = a.name.unwrap_or_else(|| "attachment".into()).replace(['"', '\\', '\r', '\n'], "_");
    Ok(HttpResponse::Ok()
        .content_type(a.mime.unwrap_or_else(|| "application/octet-stream".into()))
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
