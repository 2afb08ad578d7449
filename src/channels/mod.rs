//! Channels: webhooks in (WhatsApp, Messenger, Instagram, LINE, Telegram,
//! WeChat, WeCom), e-mail files, and agents' replies out.
//!
//! In: a delivery's signature is checked over its raw bytes (`hooks`), the
//! bytes are stored in the inbox in a group commit and acknowledged
//! (`service`), then translated into events of the event format
//! (`translate`) and appended through the store's one path in (`processor`).
//! Out: a reply is stored in the outbox first, then sent by `outbound`.

pub mod config;
pub mod hooks;
pub mod imap;
pub mod media;
pub mod outbound;
pub mod processor;
pub mod ratelimit;
pub mod service;
pub mod smtp;
pub mod translate;
pub mod verify;
pub mod webchat;
pub mod wechat_crypto;
