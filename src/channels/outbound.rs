//! Agents' replies out through each channel's send API (channels.md), and the
//! WeCom pull. Every base URL comes from the instance (`base_url`), so tests
//! play the channel on loopback.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};

use super::config::{ChannelConfig, Kind};
use crate::domain::time::{Millis, format_rfc3339};
use crate::domain::{Body, Record, Sender};
use crate::store::Store;
use crate::store::outbox::Reply;

/// Attempts before a reply is marked failed (its text stays in the outbox).
pub const MAX_ATTEMPTS: u32 = 8;

/// Wait before attempt `n + 1`: 1 s, 2 s, 4 s, ... at most 5 minutes.
pub fn backoff_ms(attempts: u32) -> i64 {
    (1000i64 << attempts.saturating_sub(1).min(9)).min(300_000)
}

#[derive(Debug)]
pub struct SendError {
    /// Worth trying again (a 5xx, a 429, a network failure).
    pub retry: bool,
    pub message: String,
}

impl SendError {
    pub(super) fn permanent(m: impl Into<String>) -> SendError {
        SendError { retry: false, message: m.into() }
    }
}

/// Whom a reply goes to, from the conversation's id and its last customer message.
#[derive(Debug, Clone)]
pub struct Target {
    /// The conversation id after `{instance}:`.
    pub key: String,
    pub last_customer: Option<Millis>,
    /// The unknown fields of the last customer message (an e-mail's headers).
    pub last_customer_extra: Option<Value>,
}

/// What the channel gave back for a sent reply.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The channel's id of the message (the message event's id).
    pub id: String,
    /// Fields to keep on the message event (an e-mail's subject and headers).
    pub extra: serde_json::Map<String, Value>,
}

impl Sent {
    pub(super) fn id(id: impl Into<String>) -> Result<Sent, SendError> {
        Ok(Sent { id: id.into(), extra: Default::default() })
    }
}

pub fn target(store: &Store, cfg: &ChannelConfig, conversation: &str) -> Result<Target, String> {
    let key = conversation
        .strip_prefix(&format!("{}:", cfg.id))
        .ok_or_else(|| format!("conversation {conversation:?} is not on channel {}", cfg.id))?
        .to_string();
    let events = store.conversation_events(conversation).map_err(|e| e.to_string())?.ok_or("no such conversation")?;
    let last = events.iter().rev().find(|(_, e)| matches!(e.body, Body::Message { sender: Sender::Customer, .. }));
    Ok(Target {
        key,
        last_customer: last.map(|(_, e)| e.ts),
        last_customer_extra: last.and_then(|(_, e)| e.extra.as_deref()).and_then(|x| serde_json::from_str(x).ok()),
    })
}

/// The channel's rule on when a business may write freely.
pub fn check_window(cfg: &ChannelConfig, t: &Target, now: Millis) -> Result<(), String> {
    const HOUR: Millis = 3_600_000;
    let (limit, what) = match cfg.kind() {
        Kind::Whatsapp => (
            24 * HOUR,
            "WhatsApp allows free-form replies for 24 hours after the customer's last message; after that only an approved template may be sent",
        ),
        // HUMAN_AGENT tag: 7 days.
        Kind::Messenger | Kind::Instagram => {
            (7 * 24 * HOUR, "Meta allows a human agent's reply for 7 days after the customer's last message")
        }
        Kind::Wechat | Kind::WecomKf => {
            (48 * HOUR, "WeChat allows customer-service messages for 48 hours after the customer's last message")
        }
        Kind::Email => {
            return match &t.last_customer_extra {
                Some(x) if x["email"]["from"].as_str().is_some_and(|a| a.contains('@')) => Ok(()),
                _ => Err("no customer e-mail address in this conversation to reply to".into()),
            };
        }
        Kind::Line | Kind::Telegram | Kind::Webchat => return Ok(()),
    };
    match t.last_customer {
        Some(ts) if now - ts <= limit => Ok(()),
        Some(_) => Err(what.into()),
        None => Err(format!("the customer has not written in this conversation; {what}")),
    }
}

pub(super) fn http() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(15)))
            .build()
            .into()
    })
}

/// Sends JSON; returns the status and the JSON answer (Null when it is not JSON).
fn post(url: &str, bearer: Option<&str>, extra: &[(&str, String)], body: &Value) -> Result<(u16, Value), SendError> {
    let mut req = http().post(url);
    if let Some(b) = bearer {
        req = req.header("Authorization", &format!("Bearer {b}"));
    }
    for (k, v) in extra {
        req = req.header(*k, v);
    }
    let mut resp = req.send_json(body).map_err(|e| SendError { retry: true, message: format!("{url}: {e}") })?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn get(url: &str) -> Result<(u16, Value), SendError> {
    let mut resp = http().get(url).call().map_err(|e| SendError { retry: true, message: format!("{e}") })?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// A non-2xx answer: retried when the channel is overloaded or down.
pub(super) fn refused(status: u16, v: &Value) -> SendError {
    let detail = v["error"]["message"]
        .as_str()
        .or(v["message"].as_str())
        .or(v["description"].as_str())
        .or(v["errmsg"].as_str())
        .unwrap_or("");
    SendError {
        retry: status >= 500 || status == 429,
        message: format!("the channel answered {status} {detail}").trim().to_string(),
    }
}

fn need<'a>(v: &'a Option<String>, what: &str) -> Result<&'a str, SendError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SendError::permanent(format!("the channel has no `{what}` set")))
}

/// Sends `text`; returns the channel's id of the sent message.
pub fn send(
    cfg: &ChannelConfig,
    t: &Target,
    text: &str,
    reply_id: u64,
    template: Option<&crate::store::outbox::Template>,
) -> Result<Sent, SendError> {
    let base = cfg.base_url();
    match cfg.kind() {
        Kind::Whatsapp => {
            let url = format!("{base}/{}/messages", need(&cfg.account_id, "account_id")?);
            let body = match template {
                None => {
                    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": t.key, "type": "text", "text": {"body": text}})
                }
                Some(tp) => {
                    let params: Vec<Value> = tp.parameters.iter().map(|p| json!({"type": "text", "text": p})).collect();
                    let mut template = json!({"name": tp.name, "language": {"code": tp.language}});
                    if !params.is_empty() {
                        template["components"] = json!([{"type": "body", "parameters": params}]);
                    }
                    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": t.key, "type": "template", "template": template})
                }
            };
            let (s, v) = post(&url, Some(need(&cfg.access_token, "access_token")?), &[], &body)?;
            match (s, v["messages"][0]["id"].as_str()) {
                (200..=299, Some(id)) => Sent::id(id),
                _ => Err(refused(s, &v)),
            }
        }
        Kind::Messenger | Kind::Instagram => {
            let own = cfg.account_id.as_deref().unwrap_or("me");
            let url = format!("{base}/{own}/messages");
            let mut body = json!({"recipient": {"id": t.key}, "message": {"text": text}});
            // Within 24 h a plain response; later, a human agent's tagged message (up to 7 days).
            let within_day = t.last_customer.is_some_and(|ts| crate::domain::time::now_ms() - ts <= 24 * 3_600_000);
            if within_day {
                body["messaging_type"] = "RESPONSE".into();
            } else {
                body["messaging_type"] = "MESSAGE_TAG".into();
                body["tag"] = "HUMAN_AGENT".into();
            }
            let (s, v) = post(&url, Some(need(&cfg.access_token, "access_token")?), &[], &body)?;
            match (s, v["message_id"].as_str()) {
                (200..=299, Some(id)) => Sent::id(id),
                _ => Err(refused(s, &v)),
            }
        }
        Kind::Line => {
            let url = format!("{base}/v2/bot/message/push");
            let body = json!({"to": t.key, "messages": [{"type": "text", "text": text}]});
            // The same retry key on every attempt: LINE sends a push once (409 on a repeat).
            let retry_key = retry_uuid(&cfg.id, reply_id);
            let (s, v) = post(
                &url,
                Some(need(&cfg.access_token, "access_token")?),
                &[("X-Line-Retry-Key", retry_key.clone())],
                &body,
            )?;
            match s {
                200..=299 => Sent::id(
                    v["sentMessages"][0]["id"].as_str().map(str::to_string).unwrap_or(format!("line-push:{retry_key}")),
                ),
                409 => Sent::id(format!("line-push:{retry_key}")),
                _ => Err(refused(s, &v)),
            }
        }
        Kind::Telegram => {
            let url = format!("{base}/bot{}/sendMessage", need(&cfg.access_token, "access_token")?);
            let (chat, thread) = match t.key.split_once(':') {
                Some((c, th)) => (c.to_string(), th.parse::<i64>().ok()),
                None => (t.key.clone(), None),
            };
            let mut body =
                json!({"chat_id": chat.parse::<i64>().map(Value::from).unwrap_or(Value::from(chat)), "text": text});
            if let Some(th) = thread {
                body["message_thread_id"] = th.into();
            }
            let (s, v) = post(&url, None, &[], &body)?;
            match (s, &v["result"]["message_id"]) {
                (200..=299, id) if !id.is_null() => Sent::id(id.to_string()),
                _ => Err(refused(s, &v)),
            }
        }
        Kind::Wechat => {
            let token = access_token(cfg)?;
            let url = format!("{base}/cgi-bin/message/custom/send?access_token={token}");
            let body = json!({"touser": t.key, "msgtype": "text", "text": {"content": text}});
            let (s, v) = post(&url, None, &[], &body)?;
            wechat_result(cfg, s, &v)?;
            // The customer-service API returns no message id.
            Sent::id(format!("wechat-reply-{reply_id}"))
        }
        Kind::WecomKf => {
            let (kf, user) = t
                .key
                .split_once(':')
                .ok_or_else(|| SendError::permanent("conversation key is not open_kfid:external_userid"))?;
            let token = access_token(cfg)?;
            let url = format!("{base}/cgi-bin/kf/send_msg?access_token={token}");
            let msgid = format!("cl{}{reply_id}", cfg.id.len());
            let body =
                json!({"touser": user, "open_kfid": kf, "msgid": msgid, "msgtype": "text", "text": {"content": text}});
            let (s, v) = post(&url, None, &[], &body)?;
            wechat_result(cfg, s, &v)?;
            Sent::id(v["msgid"].as_str().map(str::to_string).unwrap_or(msgid))
        }
        // The widget reads the reply from the record (live, by its event stream).
        Kind::Webchat => Sent::id(format!("wc-{reply_id}")),
        Kind::Email => super::smtp::send(cfg, t, text, reply_id),
    }
}

/// A UUID-shaped key, stable for one reply.
fn retry_uuid(instance: &str, reply_id: u64) -> String {
    use sha2::Digest;
    let h = hex::encode(sha2::Sha256::digest(format!("{instance}/{reply_id}")));
    format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn wechat_result(cfg: &ChannelConfig, status: u16, v: &Value) -> Result<(), SendError> {
    if !(200..=299).contains(&status) {
        return Err(refused(status, v));
    }
    match v["errcode"].as_i64().unwrap_or(0) {
        0 => Ok(()),
        // Token expired or invalid: fetch a new one on the next attempt.
        40001 | 40014 | 42001 => {
            tokens().lock().expect("tokens").remove(&token_key(cfg));
            Err(SendError { retry: true, message: format!("access token rejected ({})", v["errcode"]) })
        }
        -1 => Err(SendError { retry: true, message: "the WeChat API is busy (-1)".into() }),
        c => Err(SendError::permanent(format!("WeChat error {c}: {}", v["errmsg"].as_str().unwrap_or("")))),
    }
}

fn tokens() -> &'static Mutex<HashMap<String, (String, Millis)>> {
    static T: OnceLock<Mutex<HashMap<String, (String, Millis)>>> = OnceLock::new();
    T.get_or_init(Default::default)
}

/// Tokens are cached per API, account and secret: a changed setting fetches a new one.
fn token_key(cfg: &ChannelConfig) -> String {
    use sha2::Digest;
    let secret = hex::encode(sha2::Sha256::digest(cfg.access_token.as_deref().unwrap_or("")));
    format!("{}|{}|{}", cfg.base_url(), cfg.account_id.as_deref().unwrap_or(""), &secret[..16])
}

/// A WeChat (AppID + AppSecret) or WeCom (CorpID + secret) access token, cached until it expires.
pub(super) fn access_token(cfg: &ChannelConfig) -> Result<String, SendError> {
    let now = crate::domain::time::now_ms();
    if let Some((t, exp)) = tokens().lock().expect("tokens").get(&token_key(cfg))
        && *exp > now
    {
        return Ok(t.clone());
    }
    let (id, secret) = (need(&cfg.account_id, "account_id")?, need(&cfg.access_token, "access_token")?);
    let base = cfg.base_url();
    let url = match cfg.kind() {
        Kind::WecomKf => format!("{base}/cgi-bin/gettoken?corpid={id}&corpsecret={secret}"),
        _ => format!("{base}/cgi-bin/token?grant_type=client_credential&appid={id}&secret={secret}"),
    };
    let (s, v) = get(&url)?;
    let Some(token) = v["access_token"].as_str().filter(|_| (200..=299).contains(&s)) else {
        return Err(SendError {
            retry: s >= 500,
            message: format!("getting an access token failed: {s} {}", v["errmsg"]),
        });
    };
    let ttl = v["expires_in"].as_i64().unwrap_or(7200);
    tokens().lock().expect("tokens").insert(token_key(cfg), (token.to_string(), now + (ttl - 300).max(60) * 1000));
    Ok(token.to_string())
}

/// One `sync_msg` page for a WeCom callback (the raw answer, for the inbox).
pub fn wecom_kf_sync(cfg: &ChannelConfig, token: &str, open_kfid: &str, cursor: &str) -> Result<Vec<u8>, String> {
    let at = access_token(cfg).map_err(|e| e.message)?;
    let url = format!("{}/cgi-bin/kf/sync_msg?access_token={at}", cfg.base_url());
    let mut body = json!({"token": token, "open_kfid": open_kfid, "limit": 1000});
    if !cursor.is_empty() {
        body["cursor"] = cursor.into();
    }
    let mut resp = http().post(&url).send_json(&body).map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("sync_msg answered {}", resp.status()));
    }
    resp.body_mut().read_to_vec().map_err(|e| e.to_string())
}

/// The agent message event a sent reply becomes.
pub fn sent_event(cfg: &ChannelConfig, r: &Reply, sent: &Sent, ts: Millis) -> Record {
    let message_id = sent.id.as_str();
    let mut m = serde_json::Map::new();
    m.insert("type".into(), "message".into());
    m.insert("conversation".into(), r.conversation.clone().into());
    m.insert("id".into(), message_id.into());
    m.insert("channel".into(), cfg.kind().channel().as_str().into());
    m.insert("ts".into(), format_rfc3339(ts).into());
    m.insert("sender".into(), "agent".into());
    m.insert("agent".into(), r.agent.clone().into());
    m.insert("text".into(), r.text.clone().into());
    m.insert("via".into(), cfg.id.clone().into());
    m.insert("reply".into(), r.id.into());
    for (k, v) in &sent.extra {
        m.entry(k.clone()).or_insert(v.clone());
    }
    crate::domain::parse::parse_object(&mut m).expect("a reply is a valid message event")
}
