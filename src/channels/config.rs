//! Channel instances: which channels this appliance receives from, with their
//! secrets. Set in `chatledger.toml` (`[[channels]]`) or through the admin
//! API; stored as the `channels` setting. Secrets never leave through the API
//! or the logs: [`ChannelView`] says only whether each is set.

use serde::{Deserialize, Serialize};

use crate::domain::Channel;

/// The kinds of channel chatledger speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// WhatsApp Business Cloud API.
    Whatsapp,
    /// Facebook Messenger (a Page).
    Messenger,
    /// Instagram messaging (a professional account).
    Instagram,
    /// LINE Messaging API.
    Line,
    /// Telegram Bot API.
    Telegram,
    /// WeChat Official Account (公众号), plain or safe mode.
    Wechat,
    /// WeCom customer service (微信客服): callbacks and sync_msg.
    WecomKf,
    /// E-mail: files (.eml, .mbox) and IMAP, replies by SMTP.
    Email,
    /// The web chat widget.
    Webchat,
}

impl Kind {
    /// The channel of the event format its conversations are on.
    pub fn channel(self) -> Channel {
        match self {
            Kind::Whatsapp => Channel::Whatsapp,
            Kind::Messenger => Channel::Messenger,
            Kind::Instagram => Channel::Instagram,
            Kind::Line => Channel::Line,
            Kind::Telegram => Channel::Telegram,
            Kind::Wechat | Kind::WecomKf => Channel::Wechat,
            Kind::Email => Channel::Email,
            Kind::Webchat => Channel::Webchat,
        }
    }

    /// The channel APIs' public base URLs (tests point them at loopback).
    pub fn default_base_url(self) -> &'static str {
        match self {
            Kind::Whatsapp | Kind::Messenger => "https://graph.facebook.com/v21.0",
            Kind::Instagram => "https://graph.instagram.com/v21.0",
            Kind::Line => "https://api.line.me",
            Kind::Telegram => "https://api.telegram.org",
            Kind::Wechat => "https://api.weixin.qq.com",
            Kind::WecomKf => "https://qyapi.weixin.qq.com",
            Kind::Email | Kind::Webchat => "",
        }
    }
}

/// One configured channel instance. Which fields matter depends on `kind`
/// (see docs/channels.md); the others are ignored.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    /// Short id used in URLs (`/hooks/whatsapp/{id}`) and conversation ids: letters, digits, `-`, `_`.
    #[serde(default)]
    pub id: String,
    #[schema(value_type = String)]
    pub kind: Option<Kind>,
    /// A name for people.
    #[serde(default)]
    pub name: Option<String>,
    /// Signing secret: Meta App Secret, LINE channel secret, Telegram
    /// `secret_token`, WeChat/WeCom callback Token.
    #[serde(default)]
    pub secret: Option<String>,
    /// Meta's `hub.verify_token` for the subscription handshake.
    #[serde(default)]
    pub verify_token: Option<String>,
    /// Bearer token for the channel's send API (WhatsApp, Messenger, Instagram,
    /// LINE channel access token, Telegram bot token); WeChat/WeCom app secret.
    #[serde(default)]
    pub access_token: Option<String>,
    /// WeChat/WeCom EncodingAESKey (43 characters), for safe mode.
    #[serde(default)]
    pub aes_key: Option<String>,
    /// The account's own id: WhatsApp phone_number_id, Page or Instagram account
    /// id, WeChat AppID, WeCom CorpID.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Override of the channel API's base URL (a proxy, or a test server).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Agent id under which the business's own messages sent outside
    /// chatledger (echoes from the phone app) are recorded; default `{id}-app`.
    #[serde(default)]
    pub echo_agent: Option<String>,
    /// E-mail: where replies go out, as a URL with the credentials:
    /// `smtps://user:password@smtp.example.com` (TLS, port 465),
    /// `smtp://user:password@smtp.example.com:587?tls=required` (STARTTLS).
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// E-mail: the mailbox to poll, with its credentials:
    /// `imaps://user:password@imap.example.com/INBOX` (`imap://` only for a server on this host).
    #[serde(default)]
    pub imap_url: Option<String>,
    /// E-mail: seconds between two polls of `imap_url` (default 60).
    #[serde(default)]
    pub poll_seconds: Option<u64>,
    /// Web chat: the sites (origins like `https://shop.example.com`) allowed to
    /// embed the widget; empty allows every site.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl std::fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", ChannelView::of(self))
    }
}

impl ChannelConfig {
    pub fn kind(&self) -> Kind {
        self.kind.unwrap_or(Kind::Webchat)
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| self.kind().default_base_url().to_string()).trim_end_matches('/').into()
    }

    /// Whether a page from `origin` may use this web chat.
    pub fn allows_origin(&self, origin: Option<&str>) -> bool {
        self.allowed_origins.is_empty()
            || origin
                .is_some_and(|o| self.allowed_origins.iter().any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(o)))
    }

    pub fn echo_agent(&self) -> String {
        self.echo_agent.clone().unwrap_or_else(|| format!("{}-app", self.id))
    }

    /// Checks the id and the fields `kind` needs; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty()
            || self.id.len() > 40
            || !self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!("channel id {:?} must be 1-40 letters, digits, '-' or '_'", self.id));
        }
        let Some(kind) = self.kind else { return Err(format!("channel {}: `kind` is missing", self.id)) };
        let need = |field: &Option<String>, name: &str| match field {
            Some(v) if !v.is_empty() => Ok(()),
            _ => Err(format!("channel {} ({kind:?}) needs `{name}`", self.id)),
        };
        match kind {
            Kind::Whatsapp | Kind::Messenger | Kind::Instagram => {
                need(&self.secret, "secret")?;
                need(&self.verify_token, "verify_token")?;
            }
            // Telegram: the `secret_token` given to setWebhook; without it anyone could post.
            Kind::Line | Kind::Wechat | Kind::Telegram => need(&self.secret, "secret")?,
            Kind::WecomKf => {
                need(&self.secret, "secret")?;
                need(&self.aes_key, "aes_key")?;
                need(&self.account_id, "account_id")?;
            }
            Kind::Email | Kind::Webchat => {}
        }
        if let Some(u) = self.imap_url.as_deref().filter(|u| !u.is_empty()) {
            crate::channels::imap::Source::parse(u).map_err(|e| format!("channel {}: {e}", self.id))?;
        }
        if let Some(k) = &self.aes_key
            && k.len() != 43
        {
            return Err(format!("channel {}: `aes_key` must be the 43-character EncodingAESKey", self.id));
        }
        Ok(())
    }

    /// Fills the secrets `update` leaves out from `self` (an API update need not resend them).
    pub fn keep_secrets_from(&mut self, old: &ChannelConfig) {
        for (new, old) in [
            (&mut self.secret, &old.secret),
            (&mut self.verify_token, &old.verify_token),
            (&mut self.access_token, &old.access_token),
            (&mut self.aes_key, &old.aes_key),
            (&mut self.smtp_url, &old.smtp_url),
            (&mut self.imap_url, &old.imap_url),
        ] {
            if new.is_none() {
                new.clone_from(old);
            }
        }
    }
}

/// A channel instance as the API shows it: every secret replaced by whether it is set.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    pub id: String,
    pub kind: Kind,
    pub name: Option<String>,
    pub account_id: Option<String>,
    pub base_url: Option<String>,
    pub echo_agent: String,
    pub secret_set: bool,
    pub verify_token_set: bool,
    pub access_token_set: bool,
    pub aes_key_set: bool,
    pub smtp_url_set: bool,
    pub imap_url_set: bool,
    pub poll_seconds: Option<u64>,
    pub allowed_origins: Vec<String>,
    /// Where the channel must send its webhooks (path; prefix with the public URL).
    pub webhook_path: Option<String>,
    /// E-mail with `imap_url`: when the mailbox was last polled, and the result.
    pub last_poll: Option<String>,
}

impl ChannelView {
    pub fn of(c: &ChannelConfig) -> ChannelView {
        let set = |v: &Option<String>| v.as_ref().is_some_and(|s| !s.is_empty());
        let hook = match c.kind() {
            Kind::Whatsapp => Some("whatsapp"),
            Kind::Messenger | Kind::Instagram => Some("meta"),
            Kind::Line => Some("line"),
            Kind::Telegram => Some("telegram"),
            Kind::Wechat | Kind::WecomKf => Some("wechat"),
            Kind::Email | Kind::Webchat => None,
        };
        ChannelView {
            id: c.id.clone(),
            kind: c.kind(),
            name: c.name.clone(),
            account_id: c.account_id.clone(),
            base_url: c.base_url.clone(),
            echo_agent: c.echo_agent(),
            secret_set: set(&c.secret),
            verify_token_set: set(&c.verify_token),
            access_token_set: set(&c.access_token),
            aes_key_set: set(&c.aes_key),
            smtp_url_set: set(&c.smtp_url),
            imap_url_set: set(&c.imap_url),
            poll_seconds: c.poll_seconds,
            allowed_origins: c.allowed_origins.clone(),
            webhook_path: hook.map(|h| format!("/hooks/{h}/{}", c.id)),
            last_poll: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let c = ChannelConfig {
            id: "wa".into(),
            kind: Some(Kind::Whatsapp),
            secret: Some("app-secret-123".into()),
            verify_token: Some("verify-456".into()),
            access_token: Some("EAAB-789".into()),
            ..Default::default()
        };
        let shown = format!("{c:?}");
        for s in ["app-secret-123", "verify-456", "EAAB-789"] {
            assert!(!shown.contains(s), "{shown}");
        }
        assert!(shown.contains("secret_set: true"));
        let json = serde_json::to_string(&ChannelView::of(&c)).unwrap();
        assert!(!json.contains("app-secret-123") && json.contains("\"webhook_path\":\"/hooks/whatsapp/wa\""));
    }

    #[test]
    fn validation_names_what_is_missing() {
        let mut c = ChannelConfig { id: "wa main".into(), kind: Some(Kind::Whatsapp), ..Default::default() };
        assert!(c.validate().unwrap_err().contains("letters"));
        c.id = "wa".into();
        assert!(c.validate().unwrap_err().contains("`secret`"));
        c.secret = Some("s".into());
        assert!(c.validate().unwrap_err().contains("`verify_token`"));
        c.verify_token = Some("v".into());
        assert!(c.validate().is_ok());
        let mut update = ChannelConfig { id: "wa".into(), kind: Some(Kind::Whatsapp), ..Default::default() };
        update.keep_secrets_from(&c);
        assert_eq!(update.secret.as_deref(), Some("s"));
    }
}
