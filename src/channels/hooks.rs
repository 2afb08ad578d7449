//! Webhook requests: each channel's verification handshake, and the
//! signature check that must pass before a delivery is stored.

use std::collections::HashMap;

use super::config::{ChannelConfig, Kind};
use super::translate::wechat::parse_xml;
use super::{verify, wechat_crypto};

/// The URL segment of a webhook path (`/hooks/{path}/{id}`) and the kinds it serves.
pub fn path_serves(path: &str, kind: Kind) -> bool {
    matches!(
        (path, kind),
        ("whatsapp", Kind::Whatsapp)
            | ("meta", Kind::Messenger | Kind::Instagram)
            | ("line", Kind::Line)
            | ("telegram", Kind::Telegram)
            | ("wechat", Kind::Wechat | Kind::WecomKf)
    )
}

#[derive(Debug, PartialEq)]
pub enum HookError {
    /// No such instance on this path.
    NotFound,
    /// The signature (or token) is missing or wrong: nothing is stored.
    Unauthorized(&'static str),
    /// A handshake with the wrong verify token.
    Forbidden,
    BadRequest(String),
    /// Too many deliveries waiting to be stored: the channel will redeliver.
    Busy,
    Internal(String),
}

/// Request headers (lower-case names) and query parameters.
pub struct Request<'a> {
    pub headers: &'a HashMap<String, String>,
    pub query: &'a HashMap<String, String>,
}

impl Request<'_> {
    fn h(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
    fn q(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

/// Answers a GET verification handshake.
pub fn handshake(cfg: &ChannelConfig, req: &Request) -> Result<String, HookError> {
    match cfg.kind() {
        Kind::Whatsapp | Kind::Messenger | Kind::Instagram => {
            let ok = req.q("hub.mode") == Some("subscribe")
                && cfg.verify_token.is_some()
                && req.q("hub.verify_token") == cfg.verify_token.as_deref();
            if !ok {
                return Err(HookError::Forbidden);
            }
            req.q("hub.challenge").map(str::to_string).ok_or(HookError::BadRequest("hub.challenge is missing".into()))
        }
        Kind::Wechat => {
            let token = cfg.secret.as_deref().unwrap_or("");
            let (ts, nonce) = (req.q("timestamp").unwrap_or(""), req.q("nonce").unwrap_or(""));
            if !verify::wechat(&[token, ts, nonce], req.q("signature")) {
                return Err(HookError::Unauthorized("signature"));
            }
            Ok(req.q("echostr").unwrap_or("").to_string())
        }
        Kind::WecomKf => {
            let token = cfg.secret.as_deref().unwrap_or("");
            let (ts, nonce, echo) =
                (req.q("timestamp").unwrap_or(""), req.q("nonce").unwrap_or(""), req.q("echostr").unwrap_or(""));
            if !verify::wechat(&[token, ts, nonce, echo], req.q("msg_signature")) {
                return Err(HookError::Unauthorized("msg_signature"));
            }
            let key = cfg.aes_key.as_deref().unwrap_or("");
            let (plain, _) = wechat_crypto::decrypt(key, echo).map_err(HookError::BadRequest)?;
            Ok(String::from_utf8_lossy(&plain).into_owned())
        }
        // LINE verifies with an empty POST; Telegram has no handshake.
        _ => Err(HookError::NotFound),
    }
}

/// Checks a delivery's signature over its raw bytes; returns the body to answer with.
pub fn authenticate(cfg: &ChannelConfig, req: &Request, body: &[u8]) -> Result<&'static str, HookError> {
    let secret = cfg.secret.as_deref().unwrap_or("");
    match cfg.kind() {
        Kind::Whatsapp | Kind::Messenger | Kind::Instagram => {
            if !verify::meta(secret, body, req.h("x-hub-signature-256")) {
                return Err(HookError::Unauthorized("X-Hub-Signature-256"));
            }
            Ok("EVENT_RECEIVED")
        }
        Kind::Line => {
            if !verify::line(secret, body, req.h("x-line-signature")) {
                return Err(HookError::Unauthorized("x-line-signature"));
            }
            Ok("OK")
        }
        Kind::Telegram => {
            if !verify::telegram(cfg.secret.as_deref(), req.h("x-telegram-bot-api-secret-token")) {
                return Err(HookError::Unauthorized("X-Telegram-Bot-Api-Secret-Token"));
            }
            Ok("OK")
        }
        Kind::Wechat | Kind::WecomKf => {
            let (ts, nonce) = (req.q("timestamp").unwrap_or(""), req.q("nonce").unwrap_or(""));
            // OA pushes always carry `signature`; safe mode and WeCom add `msg_signature` over the ciphertext.
            if cfg.kind() == Kind::Wechat && !verify::wechat(&[secret, ts, nonce], req.q("signature")) {
                return Err(HookError::Unauthorized("signature"));
            }
            let encrypted = cfg.kind() == Kind::WecomKf || req.q("encrypt_type") == Some("aes");
            if encrypted {
                let x = parse_xml(body).map_err(HookError::BadRequest)?;
                let enc = x.get("Encrypt").ok_or(HookError::BadRequest("no <Encrypt> in an encrypted push".into()))?;
                if !verify::wechat(&[secret, ts, nonce, enc], req.q("msg_signature")) {
                    return Err(HookError::Unauthorized("msg_signature"));
                }
            }
            // "success" acknowledges without a passive reply.
            Ok("success")
        }
        Kind::Email | Kind::Webchat => Err(HookError::NotFound),
    }
}
