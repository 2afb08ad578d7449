//! Fetching the files the channels hold for us (a WhatsApp media id, a
//! Telegram file id, LINE content, WeChat and WeCom media) into the data
//! directory, named by their SHA-256 (`DATA/attachments/ab/abcd…`). The
//! events keep the channel's reference; `attachments` maps it to the file.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::config::{ChannelConfig, Kind};
use super::outbound::{SendError, access_token, http};

/// Files larger than this are not fetched (the reference stays).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

const SCHEMES: &[&str] = &["whatsapp-media:", "telegram-file:", "line-content:", "wechat-media:", "wecom-media:"];

/// Whether an attachment URL is a reference chatledger can fetch.
pub fn fetchable(url: &str) -> bool {
    SCHEMES.iter().any(|s| url.starts_with(s))
}

/// Where a file with this SHA-256 lives.
pub fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha256[..2]).join(sha256)
}

/// GETs `url` (with a bearer token) as bytes and its content type.
fn download(url: &str, bearer: Option<&str>) -> Result<(Vec<u8>, Option<String>), SendError> {
    let mut req = http().get(url);
    if let Some(b) = bearer {
        req = req.header("Authorization", &format!("Bearer {b}"));
    }
    let mut resp = req.call().map_err(|e| SendError { retry: true, message: format!("{e}") })?;
    let status = resp.status().as_u16();
    if !(200..=299).contains(&status) {
        return Err(SendError {
            retry: status >= 500 || status == 429,
            message: format!("the channel answered {status}"),
        });
    }
    let mime = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
    let mut body = Vec::new();
    resp.body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .reader()
        .read_to_end(&mut body)
        .map_err(|e| SendError { retry: false, message: format!("reading the file: {e}") })?;
    Ok((body, mime))
}

fn json(url: &str, bearer: Option<&str>) -> Result<serde_json::Value, SendError> {
    let (body, _) = download(url, bearer)?;
    serde_json::from_slice(&body).map_err(|e| SendError { retry: false, message: format!("not JSON: {e}") })
}

/// Fetches a reference of this instance's channel: the bytes and their type.
pub fn fetch(cfg: &ChannelConfig, reference: &str) -> Result<(Vec<u8>, Option<String>), SendError> {
    let base = cfg.base_url();
    let token = cfg.access_token.as_deref().unwrap_or("");
    let (scheme, id) = reference.split_once(':').ok_or_else(|| SendError::permanent("not a reference"))?;
    match (cfg.kind(), scheme) {
        // GET /{media-id} gives a short-lived URL, fetched with the same token.
        (Kind::Whatsapp, "whatsapp-media") => {
            let meta = json(&format!("{base}/{id}"), Some(token))?;
            let url = meta["url"].as_str().ok_or_else(|| SendError::permanent("the media has no url"))?;
            let (bytes, mime) = download(url, Some(token))?;
            Ok((bytes, meta["mime_type"].as_str().map(str::to_string).or(mime)))
        }
        (Kind::Telegram, "telegram-file") => {
            let meta = json(&format!("{base}/bot{token}/getFile?file_id={id}"), None)?;
            let path = meta["result"]["file_path"]
                .as_str()
                .ok_or_else(|| SendError::permanent("getFile gave no file_path"))?;
            download(&format!("{base}/file/bot{token}/{path}"), None)
        }
        // LINE serves content from its data host; a base_url override serves both.
        (Kind::Line, "line-content") => {
            let data = if cfg.base_url.is_some() { base.clone() } else { "https://api-data.line.me".into() };
            download(&format!("{data}/v2/bot/message/{id}/content"), Some(token))
        }
        (Kind::Wechat, "wechat-media") | (Kind::WecomKf, "wecom-media") => {
            let at = access_token(cfg)?;
            download(&format!("{base}/cgi-bin/media/get?access_token={at}&media_id={id}"), None)
        }
        (k, s) => Err(SendError::permanent(format!("a {s} reference on a {k:?} channel"))),
    }
}

/// Writes the bytes under their SHA-256 (once); returns the hash.
pub fn keep(data_dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha = hex::encode(Sha256::digest(bytes));
    let path = path_of(data_dir, &sha);
    if !path.exists() {
        std::fs::create_dir_all(path.parent().expect("a parent"))?;
        let tmp = path.with_extension("part");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(sha)
}
