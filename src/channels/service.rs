//! The channel service: configured instances, the webhook path in (signature,
//! group-committed inbox, acknowledgement), the inbox processor thread, and
//! the reply sender thread.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;

use super::config::{ChannelConfig, ChannelView, Kind};
use super::hooks::{self, HookError, Request};
use super::outbound;
use super::processor::{self, Round};
use super::ratelimit::RateLimiter;
use super::translate::email::split_mbox;
use super::webchat::{self, WidgetMessage};
use crate::domain::time::now_ms;
use crate::store::inbox::{InboxItem, Stored};
use crate::store::outbox::{Reply, ReplyState, Template};
use crate::store::{Actor, AuditSpec, Store, StoreError};

/// Deliveries waiting for the group commit; beyond this a webhook answers 503.
const QUEUE: usize = 20_000;
/// Items translated per write.
const ROUND: usize = 500;
const SETTING: &str = "channels";

type Done = tokio::sync::oneshot::Sender<Result<Stored, String>>;

/// A wake-up flag with a condition variable, for one waiting thread (the
/// first waiter to wake clears the flag; a second would sleep on).
#[derive(Default)]
struct Signal {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Signal {
    fn raise(&self) {
        *self.flag.lock().expect("signal") = true;
        self.cv.notify_all();
    }
    /// Waits for a raise or the timeout; clears the flag.
    fn wait(&self, timeout: Duration) {
        let g = self.flag.lock().expect("signal");
        let (mut g, _) = self.cv.wait_timeout_while(g, timeout, |raised| !*raised).expect("signal");
        *g = false;
    }
}

pub struct ChannelService {
    store: Arc<Store>,
    configs: RwLock<HashMap<String, ChannelConfig>>,
    queue: Mutex<Option<SyncSender<(InboxItem, Done)>>>,
    inbox_ready: Arc<Signal>,
    outbox_ready: Arc<Signal>,
    /// Wakes the IMAP poller (a mailbox added or changed, or shutdown).
    imap_ready: Arc<Signal>,
    /// Wakes the attachment fetcher (new files wanted, or shutdown).
    media_ready: Arc<Signal>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    /// One translation round at a time in this process.
    processing: Mutex<()>,
    /// Last inbox seq whose events are stored (for waiters), and its signal.
    progress: Arc<(Mutex<u64>, Condvar)>,
    /// Ids of conversations that just got events (the web chat streams follow them).
    updates: tokio::sync::broadcast::Sender<String>,
    /// Web chat messages per client address, and per visitor.
    widget_by_client: RateLimiter,
    widget_by_visitor: RateLimiter,
    /// The last poll of each IMAP mailbox: when, and what came of it.
    polls: Mutex<HashMap<String, String>>,
}

/// Why a web chat request was refused.
#[derive(Debug, PartialEq)]
pub enum WidgetError {
    NotFound,
    /// The page's origin is not among the channel's allowed origins.
    Origin,
    Invalid(String),
    /// Too many messages: retry after this many seconds.
    TooMany(u64),
    Busy,
    Internal(String),
}

/// A message the widget sends.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct WidgetPost {
    /// The visitor's id (32 hex digits, from its cookie).
    pub visitor: String,
    /// The message's id, made by the widget: a resend is stored once.
    pub id: String,
    pub text: String,
    /// The name the visitor gave, if any.
    pub name: Option<String>,
    /// The page the visitor is on.
    pub page: Option<String>,
}

/// What an e-mail import did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct EmailImport {
    /// Messages found in the upload.
    pub messages: usize,
    /// Messages stored for the first time.
    pub new: usize,
    /// Messages that were stored before (the same bytes).
    pub redeliveries: usize,
    /// Events the new messages became (their contact records included).
    pub events: u64,
    /// Messages that could not be read (kept raw in the inbox).
    pub errors: Vec<String>,
}

impl ChannelService {
    pub fn new(store: Arc<Store>) -> Arc<ChannelService> {
        Arc::new(ChannelService {
            store,
            configs: RwLock::new(HashMap::new()),
            queue: Mutex::new(None),
            inbox_ready: Arc::default(),
            outbox_ready: Arc::default(),
            imap_ready: Arc::default(),
            media_ready: Arc::default(),
            stopping: Arc::default(),
            threads: Mutex::new(vec![]),
            processing: Mutex::new(()),
            progress: Arc::default(),
            updates: tokio::sync::broadcast::channel(1024).0,
            widget_by_client: RateLimiter::new(60, 20),
            widget_by_visitor: RateLimiter::new(30, 10),
            polls: Mutex::new(HashMap::new()),
        })
    }

    /// Reads the stored instances, lets `configured` (the config file's) replace
    /// those with the same id, and starts the writer, processor and sender threads.
    pub fn start(self: &Arc<Self>, configured: &[ChannelConfig]) -> Result<(), String> {
        self.load(configured)?;
        let (tx, rx) = sync_channel(QUEUE);
        *self.queue.lock().expect("queue") = Some(tx);
        let me = self.clone();
        let writer = std::thread::Builder::new().name("inbox-writer".into()).spawn(move || me.write_loop(rx));
        let me = self.clone();
        let proc = std::thread::Builder::new().name("inbox-processor".into()).spawn(move || me.process_loop());
        let me = self.clone();
        let send = std::thread::Builder::new().name("reply-sender".into()).spawn(move || me.send_loop());
        let me = self.clone();
        let imap = std::thread::Builder::new().name("imap-poller".into()).spawn(move || me.imap_loop());
        let me = self.clone();
        let media = std::thread::Builder::new().name("attachment-fetcher".into()).spawn(move || me.media_loop());
        let mut threads = self.threads.lock().expect("threads");
        for t in [writer, proc, send, imap, media] {
            threads.push(t.map_err(|e| e.to_string())?);
        }
        Ok(())
    }

    /// Reads the instances without starting any thread (the CLI's way).
    pub fn load(&self, configured: &[ChannelConfig]) -> Result<(), String> {
        let mut all = self.stored_configs().map_err(|e| e.to_string())?;
        let mut changed = false;
        for c in configured {
            c.validate()?;
            if all.get(&c.id) != Some(c) {
                all.insert(c.id.clone(), c.clone());
                changed = true;
            }
        }
        if changed {
            self.save(&Actor { who: "config".into(), ..Default::default() }, &all).map_err(|e| e.to_string())?;
        }
        *self.configs.write().expect("configs") = all;
        Ok(())
    }

    /// Stops the threads after the deliveries already acknowledged are stored.
    pub fn shutdown(&self) {
        self.queue.lock().expect("queue").take();
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        self.inbox_ready.raise();
        self.outbox_ready.raise();
        self.imap_ready.raise();
        self.media_ready.raise();
        for t in self.threads.lock().expect("threads").drain(..) {
            let _ = t.join();
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    // ---- configuration ----

    fn stored_configs(&self) -> crate::store::Result<HashMap<String, ChannelConfig>> {
        Ok(match self.store.setting(SETTING)? {
            Some(j) => serde_json::from_str::<Vec<ChannelConfig>>(&j)
                .map_err(|e| StoreError::Corrupt(format!("channels setting: {e}")))?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            None => HashMap::new(),
        })
    }

    fn save(&self, actor: &Actor, all: &HashMap<String, ChannelConfig>) -> crate::store::Result<()> {
        let mut list: Vec<&ChannelConfig> = all.values().collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        let json = serde_json::to_string(&list).expect("configs serialise");
        // The audit detail names the instances, never their secrets.
        let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
        let spec = AuditSpec::new(actor, "channels.set", SETTING).detail(ids.join(","));
        self.store.write(spec, |tx| {
            tx.settings.insert(SETTING, json.as_bytes())?;
            Ok(())
        })
    }

    pub fn config(&self, id: &str) -> Option<ChannelConfig> {
        self.configs.read().expect("configs").get(id).cloned()
    }

    pub fn views(&self) -> Vec<ChannelView> {
        let polls = self.polls.lock().expect("polls").clone();
        let mut v: Vec<ChannelView> = self
            .configs
            .read()
            .expect("configs")
            .values()
            .map(|c| ChannelView { last_poll: polls.get(&c.id).cloned(), ..ChannelView::of(c) })
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// Adds or replaces an instance; secrets left out keep their stored values.
    pub fn put(&self, actor: &Actor, mut cfg: ChannelConfig) -> Result<ChannelView, String> {
        let mut all = self.configs.write().expect("configs");
        if let Some(old) = all.get(&cfg.id) {
            cfg.keep_secrets_from(old);
        }
        cfg.validate()?;
        let mut next = all.clone();
        next.insert(cfg.id.clone(), cfg.clone());
        self.save(actor, &next).map_err(|e| e.to_string())?;
        *all = next;
        // A new mailbox is polled now, not at the next round.
        self.imap_ready.raise();
        Ok(ChannelView::of(&cfg))
    }

    /// Removes an instance (its conversations and inbox stay). False if there was none.
    pub fn remove(&self, actor: &Actor, id: &str) -> Result<bool, String> {
        let mut all = self.configs.write().expect("configs");
        if !all.contains_key(id) {
            return Ok(false);
        }
        let mut next = all.clone();
        next.remove(id);
        self.save(actor, &next).map_err(|e| e.to_string())?;
        *all = next;
        Ok(true)
    }

    // ---- webhooks ----

    fn instance_on(&self, path: &str, id: &str) -> Result<ChannelConfig, HookError> {
        self.config(id).filter(|c| hooks::path_serves(path, c.kind())).ok_or(HookError::NotFound)
    }

    pub fn handshake(&self, path: &str, id: &str, req: &Request) -> Result<String, HookError> {
        hooks::handshake(&self.instance_on(path, id)?, req)
    }

    /// Follows the conversations that get events.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.updates.subscribe()
    }

    /// Stores an item through the group commit and waits until it is on disk.
    async fn enqueue(&self, item: InboxItem) -> Result<Stored, String> {
        let (done, wait) = tokio::sync::oneshot::channel();
        {
            let q = self.queue.lock().expect("queue");
            let q = q.as_ref().ok_or("not started")?;
            q.try_send((item, done)).map_err(|_| "busy".to_string())?;
        }
        wait.await.map_err(|_| "stopped".to_string())?
    }

    fn webchat(&self, channel: &str, origin: Option<&str>) -> Result<ChannelConfig, WidgetError> {
        let cfg = self.config(channel).filter(|c| c.kind() == Kind::Webchat).ok_or(WidgetError::NotFound)?;
        if !cfg.allows_origin(origin) {
            return Err(WidgetError::Origin);
        }
        Ok(cfg)
    }

    /// A visitor's message from the widget: checked, rate-limited, stored, acknowledged.
    pub async fn widget_post(
        &self,
        channel: &str,
        origin: Option<&str>,
        client: &str,
        m: WidgetPost,
    ) -> Result<(), WidgetError> {
        let cfg = self.webchat(channel, origin)?;
        let key = webchat::visitor_key(&m.visitor).map_err(WidgetError::Invalid)?;
        let text = m.text.trim();
        if text.is_empty() || text.chars().count() > 4000 {
            return Err(WidgetError::Invalid("a message has 1 to 4000 characters".into()));
        }
        if m.id.is_empty() || m.id.len() > 64 || !m.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(WidgetError::Invalid("id must be 1-64 letters, digits or '-'".into()));
        }
        self.widget_by_client.check(client).map_err(WidgetError::TooMany)?;
        self.widget_by_visitor.check(&key).map_err(WidgetError::TooMany)?;
        let body = serde_json::json!({
            "visitor_key": key, "id": m.id, "ts": now_ms(), "text": text,
            "name": m.name.map(|n| n.chars().take(80).collect::<String>()),
            "page": m.page.map(|p| p.chars().take(500).collect::<String>()),
        });
        let item = InboxItem {
            instance: cfg.id.clone(),
            kind: "widget".into(),
            received: now_ms(),
            body: body.to_string().into_bytes(),
        };
        match self.enqueue(item).await {
            Ok(_) => {
                self.inbox_ready.raise();
                Ok(())
            }
            Err(e) if e == "busy" || e == "not started" => Err(WidgetError::Busy),
            Err(e) => Err(WidgetError::Internal(e)),
        }
    }

    /// The conversation id of a visitor of a web chat channel.
    pub fn widget_conversation(
        &self,
        channel: &str,
        origin: Option<&str>,
        visitor: &str,
    ) -> Result<String, WidgetError> {
        let cfg = self.webchat(channel, origin)?;
        let key = webchat::visitor_key(visitor).map_err(WidgetError::Invalid)?;
        Ok(format!("{}:{key}", cfg.id))
    }

    /// What the visitor sees of its conversation after `after`.
    pub fn widget_history(&self, conversation: &str, after: u64) -> Result<Vec<WidgetMessage>, WidgetError> {
        webchat::history(&self.store, conversation, after).map_err(|e| WidgetError::Internal(e.to_string()))
    }

    /// Checks a delivery, stores it durably (grouped with the others waiting),
    /// and returns the acknowledgement body once it is on disk.
    pub async fn receive(
        &self,
        path: &str,
        id: &str,
        req: &Request<'_>,
        body: Vec<u8>,
    ) -> Result<&'static str, HookError> {
        let cfg = self.instance_on(path, id)?;
        let ack = hooks::authenticate(&cfg, req, &body)?;
        let item = InboxItem { instance: cfg.id.clone(), kind: "webhook".into(), received: now_ms(), body };
        let (done, wait) = tokio::sync::oneshot::channel();
        {
            let q = self.queue.lock().expect("queue");
            let q = q.as_ref().ok_or(HookError::Busy)?;
            match q.try_send((item, done)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => return Err(HookError::Busy),
            }
        }
        match wait.await {
            Ok(Ok(_)) => Ok(ack),
            Ok(Err(e)) => Err(HookError::Internal(e)),
            Err(_) => Err(HookError::Busy),
        }
    }

    /// Group commit: every delivery waiting goes into one durable write.
    fn write_loop(&self, rx: Receiver<(InboxItem, Done)>) {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < 5_000 {
                match rx.try_recv() {
                    Ok(j) => batch.push(j),
                    Err(_) => break,
                }
            }
            let (items, dones): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            match self.store.inbox_put(items) {
                Ok(stored) => {
                    for (d, s) in dones.into_iter().zip(stored) {
                        let _ = d.send(Ok(s));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "storing webhook deliveries failed");
                    for d in dones {
                        let _ = d.send(Err(e.to_string()));
                    }
                }
            }
            self.inbox_ready.raise();
        }
    }

    // ---- translation ----

    fn process_loop(&self) {
        loop {
            match self.process_round() {
                Ok(r) if r.items > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "translating the channel inbox failed"),
            }
            if self.stopping() {
                break;
            }
            self.inbox_ready.wait(Duration::from_secs(2));
        }
    }

    /// Translates one round of pending items (and makes the pulls they ask for).
    pub fn process_round(&self) -> crate::store::Result<Round> {
        let _one = self.processing.lock().expect("processing");
        let configs = self.configs.read().expect("configs").clone();
        let round = processor::process_pending(&self.store, &configs, ROUND)?;
        for (instance, pull) in &round.pulls {
            if let Some(cfg) = configs.get(instance)
                && let Err(e) = self.kf_pull(cfg, pull)
            {
                tracing::warn!(instance, error = %e, "WeCom sync_msg failed; the next callback retries");
            }
        }
        for c in &round.conversations {
            let _ = self.updates.send(c.clone());
        }
        if round.accepted > 0 {
            self.media_ready.raise();
        }
        let (_, pending) = self.store.inbox_counts()?;
        if pending == 0 {
            let (m, cv) = &*self.progress;
            *m.lock().expect("progress") += 1;
            cv.notify_all();
        }
        Ok(round)
    }

    /// Translates until nothing is pending (the CLI's way, with no threads).
    pub fn drain(&self) -> crate::store::Result<u64> {
        let mut events = 0;
        loop {
            let r = self.process_round()?;
            events += r.accepted;
            if r.items == 0 {
                return Ok(events);
            }
        }
    }

    /// Pulls every page `sync_msg` has for a callback into the inbox.
    fn kf_pull(&self, cfg: &ChannelConfig, pull: &super::translate::wecom_kf::Pull) -> Result<(), String> {
        let key = format!("kf_cursor:{}:{}", cfg.id, pull.open_kfid);
        let mut cursor = self.store.setting(&key).map_err(|e| e.to_string())?.unwrap_or_default();
        for _ in 0..100 {
            let page = outbound::wecom_kf_sync(cfg, &pull.token, &pull.open_kfid, &cursor)?;
            let v: serde_json::Value =
                serde_json::from_slice(&page).map_err(|e| format!("sync_msg answered non-JSON: {e}"))?;
            if v["errcode"].as_i64().unwrap_or(0) != 0 {
                return Err(format!("sync_msg error {}: {}", v["errcode"], v["errmsg"]));
            }
            let item = InboxItem { instance: cfg.id.clone(), kind: "kf_sync".into(), received: now_ms(), body: page };
            self.store.inbox_put(vec![item]).map_err(|e| e.to_string())?;
            if let Some(next) = v["next_cursor"].as_str() {
                cursor = next.to_string();
                let actor = Actor::system();
                self.store.put_setting(&actor, &key, Some(&cursor)).map_err(|e| e.to_string())?;
            }
            if v["has_more"].as_i64().unwrap_or(0) == 0 {
                break;
            }
        }
        self.inbox_ready.raise();
        Ok(())
    }

    /// Waits (at most `timeout`) until nothing in the inbox is pending.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.store.inbox_counts().is_ok_and(|(_, p)| p == 0) {
                return true;
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return false;
            }
            let (m, cv) = &*self.progress;
            let g = m.lock().expect("progress");
            let _ = cv.wait_timeout(g, (deadline - now).min(Duration::from_millis(50)));
        }
    }

    // ---- attachment files ----

    fn data_dir(&self) -> std::path::PathBuf {
        self.store.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default()
    }

    fn media_loop(&self) {
        while !self.stopping() {
            let wait = match self.fetch_attachments() {
                Ok(0) => Duration::from_secs(30),
                Ok(_) => Duration::from_secs(2),
                Err(e) => {
                    tracing::error!(error = %e, "fetching attachments failed");
                    Duration::from_secs(30)
                }
            };
            self.media_ready.wait(wait);
        }
    }

    /// One round over the attachments still wanted; how many remain pending.
    pub fn fetch_attachments(&self) -> crate::store::Result<usize> {
        let mut left = 0;
        for (key, mut a) in self.store.attachments_pending(20)? {
            if self.stopping() {
                break;
            }
            let (instance, reference) = key.split_once('/').unwrap_or((&key, ""));
            let result = match self.config(instance) {
                Some(cfg) => super::media::fetch(&cfg, reference),
                None => Err(outbound::SendError {
                    retry: false,
                    message: format!("channel {instance:?} is not configured"),
                }),
            };
            a.attempts += 1;
            let done = match result {
                Ok((bytes, mime)) => match super::media::keep(&self.data_dir(), &bytes) {
                    Ok(sha) => {
                        a.sha256 = Some(sha);
                        a.size = Some(bytes.len() as u64);
                        a.mime = a.mime.or(mime);
                        a.error = None;
                        true
                    }
                    Err(e) => {
                        a.error = Some(format!("writing the file: {e}"));
                        a.attempts >= 5
                    }
                },
                Err(e) => {
                    a.error = Some(e.message);
                    !e.retry || a.attempts >= 5
                }
            };
            if !done {
                left += 1;
            }
            self.store.attachment_update(&key, &a, done)?;
        }
        Ok(left)
    }

    /// A fetched attachment of a conversation: its record and file.
    pub fn attachment_file(
        &self,
        key: &str,
    ) -> crate::store::Result<Option<(crate::store::attachments::Attachment, std::path::PathBuf)>> {
        Ok(self.store.attachment(key)?.and_then(|a| {
            let path = super::media::path_of(&self.data_dir(), a.sha256.as_deref()?);
            Some((a, path))
        }))
    }

    // ---- IMAP ----

    fn imap_loop(&self) {
        let mut due: HashMap<String, std::time::Instant> = HashMap::new();
        while !self.stopping() {
            let now = std::time::Instant::now();
            let mut wait = Duration::from_secs(60);
            let mailboxes: Vec<ChannelConfig> = self
                .configs
                .read()
                .expect("configs")
                .values()
                .filter(|c| c.kind() == Kind::Email && c.imap_url.as_deref().is_some_and(|u| !u.is_empty()))
                .cloned()
                .collect();
            for cfg in mailboxes {
                let every = Duration::from_secs(cfg.poll_seconds.unwrap_or(60).max(1));
                let at = *due.get(&cfg.id).unwrap_or(&now);
                if at <= now {
                    let result = match self.poll_imap(&cfg) {
                        Ok(n) => format!("{} ok: {n} new message(s)", crate::domain::time::format_rfc3339(now_ms())),
                        Err(e) => {
                            tracing::warn!(channel = %cfg.id, error = %e, "polling the mailbox failed");
                            format!("{} failed: {e}", crate::domain::time::format_rfc3339(now_ms()))
                        }
                    };
                    self.polls.lock().expect("polls").insert(cfg.id.clone(), result);
                    due.insert(cfg.id.clone(), now + every);
                    wait = wait.min(every);
                } else {
                    wait = wait.min(at - now);
                }
            }
            self.imap_ready.wait(wait.min(Duration::from_secs(60)));
        }
    }

    /// Reads the new messages of an instance's mailbox into the inbox; how many came.
    pub fn poll_imap(&self, cfg: &ChannelConfig) -> Result<usize, String> {
        let src = super::imap::Source::parse(cfg.imap_url.as_deref().unwrap_or(""))?;
        let key = format!("imap_state:{}", cfg.id);
        let at: super::imap::Position = match self.store.setting(&key).map_err(|e| e.to_string())? {
            Some(j) => serde_json::from_str(&j).unwrap_or_default(),
            None => Default::default(),
        };
        let (messages, pos) = super::imap::fetch_new(&src, at)?;
        let n = messages.len();
        if n > 0 {
            let items = messages
                .into_iter()
                .map(|body| InboxItem { instance: cfg.id.clone(), kind: "email".into(), received: now_ms(), body })
                .collect();
            self.store.inbox_put(items).map_err(|e| e.to_string())?;
            self.inbox_ready.raise();
        }
        if pos != at {
            let json = serde_json::to_string(&pos).expect("position serialises");
            self.store.put_setting(&Actor::system(), &key, Some(&json)).map_err(|e| e.to_string())?;
        }
        Ok(n)
    }

    // ---- e-mail files ----

    /// Stores the messages of an `.eml` (or, with `mbox`, an mbox) upload in
    /// the inbox and translates them.
    pub fn import_email(&self, id: &str, data: &[u8], mbox: bool) -> Result<EmailImport, String> {
        let cfg = self.config(id).filter(|c| c.kind() == Kind::Email).ok_or(format!("no e-mail channel {id:?}"))?;
        let messages: Vec<&[u8]> = if mbox { split_mbox(data) } else { vec![data] };
        let items: Vec<InboxItem> = messages
            .iter()
            .map(|m| InboxItem { instance: cfg.id.clone(), kind: "email".into(), received: now_ms(), body: m.to_vec() })
            .collect();
        let mut summary = EmailImport { messages: items.len(), ..Default::default() };
        let mut new = Vec::new();
        for s in self.store.inbox_put(items).map_err(|e| e.to_string())? {
            match s {
                Stored::New(seq) => new.push(seq),
                Stored::Redelivery(_) => summary.redeliveries += 1,
            }
        }
        summary.new = new.len();
        // The processor thread may translate some of them first: count from their outcomes.
        self.drain().map_err(|e| e.to_string())?;
        for seq in new {
            let o = self.store.inbox_outcome(seq).map_err(|e| e.to_string())?.unwrap_or_default();
            summary.events += o.accepted;
            if let Some(e) = o.error {
                summary.errors.push(format!("message {}: {e}", summary.errors.len() + 1));
            }
        }
        Ok(summary)
    }

    // ---- replies ----

    /// Queues an agent's reply on the conversation's channel; it is sent by the
    /// sender thread (retried with backoff) and becomes a message event once sent.
    pub fn queue_reply(
        &self,
        actor: &Actor,
        conversation: &str,
        agent: &str,
        text: &str,
        template: Option<Template>,
    ) -> Result<Reply, ReplyError> {
        // A template's text, for the record, is its name and parameters unless given.
        let described =
            template.as_ref().map(|t| format!("[{}] {}", t.name, t.parameters.join(" · ")).trim().to_string());
        let text = match text.trim() {
            "" => described.as_deref().unwrap_or(""),
            t => t,
        };
        if text.is_empty() {
            return Err(ReplyError::Invalid("the reply has no text".into()));
        }
        if text.chars().count() > 4096 {
            return Err(ReplyError::Invalid("the reply is longer than 4096 characters".into()));
        }
        let instance = conversation.split_once(':').map(|(i, _)| i).unwrap_or("");
        let cfg = self.config(instance).ok_or_else(|| {
            ReplyError::NoChannel(format!("conversation {conversation:?} did not come through a configured channel"))
        })?;
        let target = outbound::target(&self.store, &cfg, conversation).map_err(ReplyError::NoChannel)?;
        match &template {
            Some(t) if cfg.kind() == Kind::Whatsapp => {
                if t.name.trim().is_empty() || t.language.trim().is_empty() {
                    return Err(ReplyError::Invalid("a template needs its `name` and `language`".into()));
                }
            }
            Some(_) => return Err(ReplyError::Invalid("templates are a WhatsApp feature".into())),
            // Templates are what WhatsApp allows outside its window; free text must be inside it.
            None => outbound::check_window(&cfg, &target, now_ms()).map_err(ReplyError::Window)?,
        }
        let reply = Reply {
            id: 0,
            conversation: conversation.into(),
            instance: cfg.id.clone(),
            agent: agent.into(),
            text: text.into(),
            requested_by: actor.who.clone(),
            created: now_ms(),
            state: ReplyState::Pending,
            attempts: 0,
            next_attempt: now_ms(),
            last_error: None,
            channel_message_id: None,
            template,
        };
        let spec = AuditSpec::new(actor, "reply.queue", conversation);
        let r = self.store.outbox_add(spec, reply).map_err(|e| ReplyError::Store(e.to_string()))?;
        self.outbox_ready.raise();
        Ok(r)
    }

    /// Replies of a conversation not sent yet (pending or failed).
    pub fn unsent_replies(&self, conversation: &str) -> crate::store::Result<Vec<Reply>> {
        Ok(self.store.outbox_unsent()?.into_iter().filter(|r| r.conversation == conversation).collect())
    }

    /// Puts a failed reply back in the queue.
    pub fn retry_reply(&self, actor: &Actor, id: u64) -> Result<Reply, ReplyError> {
        let mut r =
            self.store.outbox_get(id).map_err(|e| ReplyError::Store(e.to_string()))?.ok_or(ReplyError::NotFound)?;
        if r.state != ReplyState::Failed {
            return Err(ReplyError::Invalid(format!("reply {id} is {:?}, not failed", r.state)));
        }
        r.state = ReplyState::Pending;
        r.next_attempt = now_ms();
        let spec = AuditSpec::new(actor, "reply.retry", r.conversation.clone());
        let rr = r.clone();
        self.store.write(spec, |tx| tx.outbox_put(&rr)).map_err(|e| ReplyError::Store(e.to_string()))?;
        self.outbox_ready.raise();
        Ok(r)
    }

    fn send_loop(&self) {
        loop {
            let next_due = match self.send_due() {
                Ok(d) => d,
                Err(e) => {
                    tracing::error!(error = %e, "sending replies failed");
                    Some(now_ms() + 5_000)
                }
            };
            if self.stopping() {
                break;
            }
            let wait = next_due.map_or(60_000, |d| (d - now_ms()).clamp(10, 60_000));
            self.outbox_ready.wait(Duration::from_millis(wait as u64));
        }
    }

    /// Attempts every reply that is due; returns when the next one is.
    pub fn send_due(&self) -> crate::store::Result<Option<i64>> {
        let mut next: Option<i64> = None;
        for r in self.store.outbox_unsent()? {
            if r.state != ReplyState::Pending {
                continue;
            }
            if r.next_attempt > now_ms() {
                next = Some(next.map_or(r.next_attempt, |n: i64| n.min(r.next_attempt)));
                continue;
            }
            if self.stopping() {
                break;
            }
            if let Some(due) = self.attempt(r)? {
                next = Some(next.map_or(due, |n: i64| n.min(due)));
            }
        }
        Ok(next)
    }

    /// One attempt at a reply; returns when to try again, if it should be.
    fn attempt(&self, mut r: Reply) -> crate::store::Result<Option<i64>> {
        let Some(cfg) = self.config(&r.instance) else {
            r.state = ReplyState::Failed;
            r.last_error = Some(format!("channel instance {:?} is no longer configured", r.instance));
            let spec = AuditSpec::new(&Actor::system(), "reply.failed", r.conversation.clone());
            self.store.write(spec, |tx| tx.outbox_put(&r))?;
            return Ok(None);
        };
        r.attempts += 1;
        let result = outbound::target(&self.store, &cfg, &r.conversation)
            .map_err(|e| outbound::SendError { retry: false, message: e })
            .and_then(|t| outbound::send(&cfg, &t, &r.text, r.id, r.template.as_ref()));
        match result {
            Ok(sent) => {
                r.state = ReplyState::Sent;
                r.last_error = None;
                r.channel_message_id = Some(sent.id.clone());
                let event = outbound::sent_event(&cfg, &r, &sent, now_ms());
                let spec = AuditSpec::new(
                    &Actor { who: r.requested_by.clone(), ..Default::default() },
                    "reply.sent",
                    r.conversation.clone(),
                );
                self.store.write(spec, |tx| {
                    tx.append(vec![event])?;
                    tx.outbox_put(&r)
                })?;
                let _ = self.updates.send(r.conversation.clone());
                Ok(None)
            }
            Err(e) => {
                r.last_error = Some(e.message.clone());
                let give_up = !e.retry || r.attempts >= outbound::MAX_ATTEMPTS;
                let action = if give_up { "reply.failed" } else { "reply.attempt" };
                if give_up {
                    r.state = ReplyState::Failed;
                } else {
                    r.next_attempt = now_ms() + outbound::backoff_ms(r.attempts);
                }
                tracing::warn!(reply = r.id, attempts = r.attempts, error = %e.message, give_up, "sending a reply failed");
                let spec = AuditSpec::new(&Actor::system(), action, r.conversation.clone()).detail(e.message);
                self.store.write(spec, |tx| tx.outbox_put(&r))?;
                Ok((!give_up).then_some(r.next_attempt))
            }
        }
    }
}

#[derive(Debug)]
pub enum ReplyError {
    Invalid(String),
    /// The conversation has no channel to answer on.
    NoChannel(String),
    /// The channel's rules forbid a free-form reply now (WhatsApp's 24 hours, ...).
    Window(String),
    NotFound,
    Store(String),
}
