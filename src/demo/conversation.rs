//! The story of one conversation: opening, routing, the exchange with its transfers, notes,
//! edits and recalls. The ending (follow-ups, resolve, CSAT, reopen) is in `ending.rs`.
//!
//! Every "how often" decision is drawn up front from the shares the dashboards should show
//! (transfers ~8%, notes ~10%, edits ~3%, recalls ~1.5%, unanswered ~5%...), then the
//! story is written in time order through the [`Story`] primitives.

use rand::Rng;

use super::clock::{DAY_MS, Wait};
use super::directory::{Agents, Contact, Team};
use super::market;
use super::random::{pick, secs, weighted};
use super::story::Story;
use super::text::{Intent, Lang};
use super::timeline::{By, Sender, Stamped, Timeline};

/// How a conversation changes hands, if it does (~8% in total).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    Stay,
    /// Ops takes it first and routes it to the right team.
    Triage,
    /// Support escalates a difficult case to ops.
    Escalate,
    /// Support hands a buyer to sales, or sales an after-sales issue to support.
    Cross,
    /// End of shift: a colleague of the same team takes over.
    Handover,
}

/// One conversation to tell.
pub struct Plan<'a> {
    pub no: u32,
    pub start: i64,
    pub channel: &'static str,
    pub contact: &'a Contact,
}

/// The support or sales team in charge of a case.
fn route(intent: Intent, c: &Contact) -> Team {
    match (intent.is_sales(), c.lang) {
        (true, Lang::Pt) => Team::SalesLatam,
        (true, _) if c.region.americas() => Team::SalesLatam,
        (true, _) => Team::SalesApac,
        (false, Lang::Zh) => Team::CnCare,
        (false, _) => Team::GlobalCare,
    }
}

/// Writes the events of one conversation into `out`.
pub fn tell(rng: &mut impl Rng, agents: &Agents, plan: &Plan, end_ms: i64, out: &mut Vec<Stamped>) {
    let c = plan.contact;
    let intent = market::intent(rng, c.is_b2b());
    let email = plan.channel == "email";
    let ts_offset = if email { 0 } else { c.region.offset_s() };
    let tl = Timeline::new(out, plan.no, plan.channel, c.id.clone(), ts_offset, plan.start, end_ms);
    let team = route(intent, c);
    let mut s = Story::new(rng, tl, agents, c, intent, email);
    let recent = end_ms - plan.start < 2 * DAY_MS;
    let forgotten = s.rng.random_bool(if recent { 0.25 } else { 0.05 });
    if s.exchange(plan, team, forgotten) {
        super::ending::finish(&mut s, team);
    }
}

impl<R: Rng> Story<'_, R> {
    /// Opening to last answer. Returns false when the conversation ends unanswered.
    fn exchange(&mut self, plan: &Plan, team: Team, forgotten: bool) -> bool {
        let channel = plan.channel;
        let mv = weighted(
            self.rng,
            &[
                (Move::Stay, 90.5),
                (Move::Triage, 2.5),
                (Move::Escalate, 2.0),
                (Move::Cross, 2.0),
                (Move::Handover, 1.5),
            ],
        );
        let mid_move = matches!(mv, Move::Escalate | Move::Cross | Move::Handover);
        let rounds = weighted(self.rng, &[(0usize, 25.0), (1, 35.0), (2, 25.0), (3, 10.0), (4, 5.0)])
            + usize::from(matches!(self.intent, Intent::Complaint | Intent::Quote));
        // No more rounds than distinct questions, and one at least before a mid-way transfer.
        let rounds = rounds.min(self.script.ask.len());
        let rounds = if mid_move { rounds.max(1) } else { rounds };
        // Which later round (1..=rounds) gets each extra event; none without later rounds.
        let later = |p: f64, rng: &mut R| (rounds > 0 && rng.random_bool(p)).then(|| rng.random_range(1..=rounds));
        let agent_fix_at = later(0.035, self.rng);
        let agent_delete_at = later(0.008, self.rng);
        let editable = matches!(channel, "whatsapp" | "telegram" | "messenger" | "instagram");
        let customer_fix_at = later(if editable { 0.02 } else { 0.0 }, self.rng);
        let move_at = later(1.0, self.rng).filter(|_| mid_move);
        // Notes may also come right after the first answer (round 0).
        let note_at = self.rng.random_bool(0.10).then(|| self.rng.random_range(0..=rounds));
        let forgotten_at = forgotten.then(|| self.rng.random_range(0..=rounds));

        // The customer opens, maybe in two messages; a bot may acknowledge.
        let wait_start = plan.start;
        let first_attachment = self.attachment(0.0);
        let open = self.fresh(self.script.open);
        self.customer(wait_start, open, first_attachment);
        if self.rng.random_bool(market::bot_share(channel)) {
            let texts = if self.email { self.book.bot_email } else { self.book.bot };
            let at = self.tl.now() + secs(self.rng, 1, 5);
            let text = pick(self.rng, texts);
            self.tl.message(at, Sender::Bot, text, None);
        }
        if self.rng.random_bool(0.35) {
            let at = self.tl.now() + secs(self.rng, 8, 70);
            let (detail, att) = (self.fresh(self.script.detail), self.attachment(0.1));
            self.customer(at, detail, att);
        }
        if self.rng.random_bool(0.009) {
            let at = self.tl.now() + secs(self.rng, 5, 40);
            let recalled = self.fresh(self.book.recall);
            let id = self.customer(at, recalled, None);
            let at = self.tl.now() + secs(self.rng, 3, 110);
            self.tl.delete(at, &id, By::Customer);
        }

        // Routing: ops triage first, else the team; most conversations get an explicit assign.
        let lang = self.lang;
        let first_team = if mv == Move::Triage { Team::Ops } else { team };
        self.holder = self.agents.pick(self.rng, first_team, lang, plan.start, None);
        if mv == Move::Triage || self.rng.random_bool(0.9) {
            let at = self.tl.now() + secs(self.rng, 2, 45);
            self.tl.assign(at, self.holder_id());
        }
        if forgotten_at == Some(0) {
            self.maybe_nudge();
            return false;
        }
        if mv == Move::Triage {
            self.transfer(team, 0, plan.start);
        }

        let at = self.answer_time(wait_start, Wait::First);
        let first = self.fresh(self.script.first);
        self.agent(at, first);
        self.tag_on_first_answer();

        for round in 0..=rounds {
            if self.tl.is_over() {
                return false;
            }
            if round > 0 {
                // The customer asks again; the holder (or a new one) answers.
                let at = self.customer_turn();
                let att = self.attachment(0.04);
                let wait_start = if customer_fix_at == Some(round) {
                    let (sent, fixed) = pick(self.rng, self.book.customer_fix);
                    let id = self.customer(at, sent, att);
                    let when = self.soon();
                    let fixed = self.slots.render(fixed);
                    self.tl.edit(when, &id, &fixed);
                    at
                } else {
                    let ask = self.fresh(self.script.ask);
                    self.customer(at, ask, att);
                    at
                };
                if forgotten_at == Some(round) {
                    self.maybe_nudge();
                    return false;
                }
                if move_at == Some(round) {
                    let to = match mv {
                        Move::Escalate => Team::Ops,
                        Move::Cross => cross_team(team, lang, self.intent),
                        _ => team,
                    };
                    let reason = match mv {
                        Move::Escalate => 1,
                        Move::Cross => 2,
                        _ => 3,
                    };
                    self.transfer(to, reason, wait_start);
                    let at = self.answer_time(self.tl.now(), Wait::Reply);
                    let hello = self.fresh(self.book.handover);
                    self.agent(at, hello);
                }
                let mut at = self.answer_time(wait_start, Wait::Reply);
                if agent_delete_at == Some(round) {
                    let wrong = self.fresh(self.book.wrong);
                    let id = self.agent(at, wrong);
                    let when = self.tl.now() + secs(self.rng, 4, 60);
                    self.tl.delete(when, &id, By::Agent);
                    let (when, sorry) = (self.soon(), self.fresh(self.book.sorry));
                    self.agent(when, sorry);
                    at = self.soon();
                }
                if agent_fix_at == Some(round) {
                    let (sent, fixed) = pick(self.rng, self.book.agent_fix);
                    let id = self.agent(at, sent);
                    let (when, fixed) = (self.soon(), self.slots.render(fixed));
                    self.tl.edit(when, &id, &fixed);
                } else {
                    let answer = self.fresh(self.script.answer);
                    self.agent(at, answer);
                }
            }
            if note_at == Some(round) {
                let (at, note) = (self.soon(), self.fresh(self.script.note));
                let text = self.slots.render(note);
                self.tl.note(at, self.holder_id(), &text);
            }
        }
        !self.tl.is_over()
    }

    /// Moves the conversation to an agent of `team` (ops triage notes its routing first).
    fn transfer(&mut self, team: Team, reason: usize, at: i64) {
        if team != Team::Ops && self.agents.all[self.holder].team == Team::Ops && self.rng.random_bool(0.6) {
            let (when, note) = (self.soon(), self.fresh(self.book.ops_note));
            self.tl.note(when, self.holder_id(), note);
        }
        let to = self.agents.pick(self.rng, team, self.lang, at, Some(self.holder));
        let when = self.tl.now() + secs(self.rng, 20, 240);
        let reason = self.fresh(self.book.reasons[reason]);
        self.tl.transfer(when, self.holder_id(), self.agents.all[to].id, reason);
        self.holder = to;
    }

    /// Tags (~80%): the intent, sometimes a wrong one corrected by an untag, plus vip/urgent.
    fn tag_on_first_answer(&mut self) {
        if !self.rng.random_bool(0.8) {
            return;
        }
        let right = self.intent.tag();
        if self.rng.random_bool(0.06) {
            let wrong = if self.intent == Intent::Shipping { "address-change" } else { "shipping" };
            let at = self.soon();
            self.tl.tag(at, wrong);
            let at = self.soon();
            self.tl.untag(at, wrong);
        }
        let at = self.soon();
        self.tl.tag(at, right);
        if self.vip {
            let at = self.soon();
            self.tl.tag(at, "vip");
        }
        if self.intent == Intent::Complaint && self.rng.random_bool(0.4) {
            let at = self.soon();
            self.tl.tag(at, "urgent");
            self.urgent = true;
        }
    }
}

/// Where a cross-team transfer goes: support hands buyers to sales, sales hands after-sales
/// issues to support.
fn cross_team(team: Team, lang: Lang, intent: Intent) -> Team {
    match (team.is_sales(), lang) {
        (true, Lang::Zh) => Team::CnCare,
        (true, _) => Team::GlobalCare,
        (false, Lang::Zh) => Team::SalesApac,
        (false, _) if intent == Intent::Complaint => Team::Ops,
        (false, Lang::Pt) => Team::SalesLatam,
        (false, Lang::En) => Team::SalesApac,
    }
}
