//! The web UI, embedded from `web/` at build time.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
struct Web;

/// Serves a file of `web/`, or `index.html` for any other path (client-side routes).
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let (name, file) = match Web::get(path).filter(|_| !path.is_empty()) {
        Some(f) => (path.to_string(), f),
        None => match Web::get("index.html") {
            Some(f) => ("index.html".to_string(), f),
            None => return HttpResponse::NotFound().finish(),
        },
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let cache = if name == "index.html" { "no-cache" } else { "public, max-age=3600" };
    let mut resp = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    resp.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    if fresh {
        return resp.finish();
    }
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    resp.content_type(mime.as_ref()).body(file.data.into_owned())
}
