//! The state of one conversation being told, and the primitives of the story: who says
//! what and when. The plot itself is in `conversation.rs` and `ending.rs`.

use rand::Rng;
use serde_json::{Value, json};

use super::clock::{self, HOUR_MS, MINUTE_MS, Pace, Wait};
use super::directory::{Agents, Contact};
use super::random::{lognormal_ms, pick, secs};
use super::text::{self, Intent, Lang, Phrasebook, Script, Slots};
use super::timeline::{Sender, Timeline};

/// The state of a story being written.
pub struct Story<'a, R: Rng> {
    pub rng: &'a mut R,
    pub tl: Timeline<'a>,
    pub agents: &'a Agents,
    pub book: &'static Phrasebook,
    pub script: &'static Script,
    pub slots: Slots,
    pub lang: Lang,
    pub region_offset_s: i32,
    pub email: bool,
    pub intent: Intent,
    /// Index of the agent holding the conversation.
    pub holder: usize,
    pub vip: bool,
    /// Whether the "urgent" tag was put on (it comes off before the resolve).
    pub urgent: bool,
    /// Phrases already used, so nobody repeats the same sentence.
    used: Vec<&'static str>,
}

impl<'a, R: Rng> Story<'a, R> {
    pub fn new(
        rng: &'a mut R,
        tl: Timeline<'a>,
        agents: &'a Agents,
        contact: &Contact,
        intent: Intent,
        email: bool,
    ) -> Self {
        let book = text::book(contact.lang);
        let slots = Slots::new(rng, contact.lang, contact.name.greeting.clone());
        Story {
            rng,
            tl,
            agents,
            book,
            script: &book.scripts[intent as usize],
            slots,
            lang: contact.lang,
            region_offset_s: contact.region.offset_s(),
            email,
            intent,
            holder: 0,
            vip: contact.is_vip(),
            urgent: false,
            used: Vec::new(),
        }
    }

    /// The holder's name as it introduces itself (first name for Latin names).
    fn agent_name(&self, idx: usize) -> String {
        let name = self.agents.all[idx].name;
        name.split(' ').next().unwrap_or(name).to_string()
    }

    /// A phrase of `list` not yet used in this conversation while any is left: real people
    /// do not parrot the same question or answer.
    pub fn fresh(&mut self, list: &'static [&'static str]) -> &'static str {
        let unused: Vec<&'static str> = list.iter().copied().filter(|t| !self.used.contains(t)).collect();
        let t = if unused.is_empty() { pick(self.rng, list) } else { pick(self.rng, &unused) };
        self.used.push(t);
        t
    }

    pub fn holder_id(&self) -> &'static str {
        self.agents.all[self.holder].id
    }

    pub fn customer(&mut self, at: i64, template: &str, attachments: Option<Value>) -> String {
        let text = self.slots.render(template);
        self.tl.message(at, Sender::Customer, &text, attachments)
    }

    pub fn agent(&mut self, at: i64, template: &str) -> String {
        self.slots.agent = self.agent_name(self.holder);
        let text = self.slots.render(template);
        let id = self.agents.all[self.holder].id;
        self.tl.message(at, Sender::Agent(id), &text, None)
    }

    /// When the holder answers a wait that started at `from` (never before the last event).
    pub fn answer_time(&mut self, from: i64, wait: Wait) -> i64 {
        let a = &self.agents.all[self.holder];
        let pace =
            Pace { offset_s: self.region_offset_s, email: self.email, office_hours: a.team.is_sales(), speed: a.speed };
        let at = from + clock::human_delay(self.rng, from, pace, wait);
        at.max(self.tl.now() + secs(self.rng, 2, 20))
    }

    /// A quick follow-up action of the same person.
    pub fn soon(&mut self) -> i64 {
        self.tl.now() + clock::quick(self.rng, self.email)
    }

    /// When the customer writes back.
    pub fn customer_turn(&mut self) -> i64 {
        self.tl.now() + clock::customer_delay(self.rng, self.email)
    }

    /// A customer still waiting pings once more, or not.
    pub fn maybe_nudge(&mut self) {
        if self.rng.random_bool(0.5) {
            let delay = if self.email { 20 * HOUR_MS } else { 8 * MINUTE_MS };
            let at = self.tl.now() + lognormal_ms(self.rng, delay as f64, 0.8);
            let t = self.fresh(self.book.nudge);
            self.customer(at, t, None);
        }
    }

    /// An attachment on a customer message with probability `p`, more likely for cases
    /// that need evidence (defects, complaints, payments) when `p` is 0.
    pub fn attachment(&mut self, p: f64) -> Option<Value> {
        let p = if p > 0.0 {
            p
        } else {
            match self.intent {
                Intent::Defect | Intent::Complaint => 0.25,
                Intent::Account => 0.15,
                Intent::Invoice => 0.05,
                _ => 0.01,
            }
        };
        if !self.rng.random_bool(p) {
            return None;
        }
        let n = self.rng.random_range(1000..10_000);
        let (name, mime, size) = match self.intent {
            Intent::Invoice => (format!("invoice_{}.pdf", self.slots.order), "application/pdf", 50..400),
            Intent::Account => (format!("Screenshot_{n}.png"), "image/png", 100..900),
            Intent::Defect if self.rng.random_bool(0.3) => (format!("VID_{n}.mp4"), "video/mp4", 3000..25_000),
            _ => (format!("IMG_{n}.jpg"), "image/jpeg", 800..4000),
        };
        let size = self.rng.random_range(size) * 1024u64;
        let url = format!("https://files.example.com/{}/{name}", self.tl.conversation());
        Some(json!([{"name": name, "mime": mime, "size": size, "url": url}]))
    }
}
