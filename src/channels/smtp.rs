//! E-mail replies by SMTP (lettre). A reply answers the customer's last
//! message of the thread: `Re:` its subject, `In-Reply-To` its Message-ID,
//! `References` its references and its id, so every mail client threads it,
//! and a fresh Message-ID that becomes the message event's id (the customer's
//! next answer then lands in the same conversation).

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{SmtpTransport, Transport};
use serde_json::Value;

use super::config::ChannelConfig;
use super::outbound::{SendError, Sent, Target};

pub fn send(cfg: &ChannelConfig, t: &Target, text: &str, reply_id: u64) -> Result<Sent, SendError> {
    let url = cfg
        .smtp_url
        .as_deref()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| SendError::permanent("the channel has no `smtp_url` set"))?;
    let from = cfg
        .account_id
        .as_deref()
        .and_then(|a| a.split(',').next())
        .map(str::trim)
        .filter(|a| a.contains('@'))
        .ok_or_else(|| SendError::permanent("the channel's `account_id` is not its e-mail address"))?;
    let x = t.last_customer_extra.clone().unwrap_or(Value::Null);
    let to = x["email"]["from"].as_str().ok_or_else(|| SendError::permanent("no customer address to reply to"))?;
    let subject = x["subject"].as_str().unwrap_or("");
    let subject = if subject.len() >= 3 && subject[..3].eq_ignore_ascii_case("re:") {
        subject.to_string()
    } else {
        format!("Re: {subject}").trim().to_string()
    };
    let parent = x["email"]["message_id"].as_str().filter(|p| !p.starts_with("sha256:"));
    let mut refs: Vec<String> = x["email"]["references"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    if let Some(p) = parent {
        refs.push(p.to_string());
    }
    let domain = from.rsplit('@').next().unwrap_or("localhost");
    let id = format!("cl-{reply_id}-{:08x}@{domain}", rand::random::<u32>());

    let bad = |what: &str, e: &dyn std::fmt::Display| SendError::permanent(format!("{what}: {e}"));
    let from_box: Mailbox = from.parse().map_err(|e| bad("the channel's address", &e))?;
    let to_box: Mailbox = to.parse().map_err(|e| bad("the customer's address", &e))?;
    let mut b =
        Message::builder().from(from_box).to(to_box).subject(subject.clone()).message_id(Some(format!("<{id}>")));
    if let Some(p) = parent {
        b = b.in_reply_to(format!("<{p}>"));
    }
    if !refs.is_empty() {
        b = b.references(refs.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(" "));
    }
    let msg = b.header(ContentType::TEXT_PLAIN).body(text.to_string()).map_err(|e| bad("building the message", &e))?;
    let mailer = SmtpTransport::from_url(url).map_err(|e| bad("smtp_url", &e))?.build();
    match mailer.send(&msg) {
        Ok(_) => {
            let mut extra = serde_json::Map::new();
            extra.insert("subject".into(), subject.into());
            let mut email = serde_json::Map::new();
            email.insert("message_id".into(), id.clone().into());
            email.insert("from".into(), from.to_ascii_lowercase().into());
            email.insert("to".into(), vec![Value::from(to)].into());
            if !refs.is_empty() {
                email.insert("references".into(), refs.into());
            }
            extra.insert("email".into(), Value::Object(email));
            Ok(Sent { id, extra })
        }
        // A 5xx answer is final; a 4xx or a connection failure is worth another try.
        Err(e) => Err(SendError { retry: !e.is_permanent(), message: format!("SMTP: {e}") }),
    }
}
