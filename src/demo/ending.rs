//! How a conversation ends: the closing message, sales follow-ups a day or more later,
//! the resolve (~85%), the CSAT rating (~30%) and the occasional reopen (~5%).

use rand::Rng;

use super::clock::{self, DAY_MS, HOUR_MS, MINUTE_MS, Wait};
use super::directory::Team;
use super::random::{lognormal_ms, secs, weighted};
use super::story::Story;
use super::text::Intent;

/// Continues a conversation whose last message is an agent's answer.
pub fn finish<R: Rng>(s: &mut Story<'_, R>, team: Team) {
    let at = s.tl.now() + if s.email { secs(s.rng, 60, 1800) } else { secs(s.rng, 15, 150) };
    let close = s.fresh(s.script.close);
    s.agent(at, close);

    let resolves = s.rng.random_bool(0.9);
    if team.is_sales() && s.rng.random_bool(0.45) {
        follow_ups(s);
    } else if resolves && s.rng.random_bool(0.55) {
        // A thank-you opens a wait, but the resolve that follows discards it (metrics.md).
        let (at, thanks) = (s.customer_turn(), s.fresh(s.book.thanks));
        s.customer(at, thanks, None);
    }
    if !resolves {
        return; // left open; the customer got the last answer, so nothing is pending
    }
    resolve(s);
    if s.rng.random_bool(0.35) {
        csat(s);
    }
    if s.rng.random_bool(0.06) {
        reopen(s);
    }
}

/// The resolve: by the holder a few minutes after the last message (hours on e-mail), or by
/// the system's auto-close a day later.
fn resolve<R: Rng>(s: &mut Story<'_, R>) {
    if s.urgent {
        let at = s.soon();
        s.tl.untag(at, "urgent");
        s.urgent = false;
    }
    if s.rng.random_bool(0.08) {
        let at = s.tl.now() + DAY_MS + secs(s.rng, 0, 3600);
        s.tl.resolve(at, None);
        return;
    }
    let median = if s.email { 2 * HOUR_MS } else { 4 * MINUTE_MS };
    let at = s.tl.now() + lognormal_ms(s.rng, median as f64, 0.8).max(10_000);
    let agent = s.holder_id();
    s.tl.resolve(at, Some(agent));
}

/// Sales chases a customer who went silent: 24-72 h later, in office hours, up to twice.
fn follow_ups<R: Rng>(s: &mut Story<'_, R>) {
    for _ in 0..2 {
        let due = s.tl.now() + DAY_MS + secs(s.rng, 600, 2 * 86_400);
        let hour = clock::local_hour(due, s.region_offset_s);
        let at = if (9..20).contains(&hour) {
            due
        } else {
            clock::next_local_hour(due, s.region_offset_s, 10) + secs(s.rng, 0, 7200)
        };
        let text = s.fresh(s.book.follow_up);
        s.agent(at, text);
        if s.rng.random_bool(0.5) {
            let at = s.tl.now() + lognormal_ms(s.rng, (40 * MINUTE_MS) as f64, 1.2);
            let reply = s.fresh(s.book.follow_up_reply);
            s.customer(at, reply, None);
            let at = s.answer_time(at, Wait::Reply);
            let answer = s.fresh(s.script.answer);
            s.agent(at, answer);
            return;
        }
        if !s.rng.random_bool(0.35) {
            return;
        }
    }
}

/// A 1-5 rating a little after the resolve; complaints rate lower.
fn csat<R: Rng>(s: &mut Story<'_, R>) {
    let median = if s.email { 3 * HOUR_MS } else { 8 * MINUTE_MS };
    let at = s.tl.now() + lognormal_ms(s.rng, median as f64, 1.0).max(5_000);
    let table: &[(u8, f64)] = if s.intent == Intent::Complaint {
        &[(1, 22.0), (2, 18.0), (3, 22.0), (4, 20.0), (5, 18.0)]
    } else {
        &[(1, 6.0), (2, 6.0), (3, 12.0), (4, 26.0), (5, 50.0)]
    };
    let score = weighted(s.rng, table);
    let comment = s.rng.random_bool(0.55).then(|| {
        let band = match score {
            1 | 2 => 0,
            3 => 1,
            _ => 2,
        };
        let template = s.fresh(s.book.csat[band]);
        s.slots.render(template)
    });
    s.tl.csat(at, score, comment.as_deref());
}

/// The problem comes back hours later: an agent reopens explicitly with an update, or the
/// customer writes again (which reopens by itself); the holder answers and resolves again.
fn reopen<R: Rng>(s: &mut Story<'_, R>) {
    let at = s.tl.now() + lognormal_ms(s.rng, (5 * HOUR_MS) as f64, 1.0).max(20 * MINUTE_MS);
    if s.rng.random_bool(0.6) {
        // The customer called or wrote elsewhere: the holder reopens and gives an update.
        s.tl.reopen(at);
        let (at, update) = (s.soon(), s.fresh(s.book.reopen_update));
        s.agent(at, update);
    } else {
        let text = s.fresh(s.book.reopen);
        s.customer(at, text, None);
        let at = s.answer_time(at, Wait::Reply);
        let sorry = s.fresh(s.book.reopen_answer);
        s.agent(at, sorry);
    }
    let at = s.answer_time(s.tl.now(), Wait::Reply);
    let answer = s.fresh(s.script.answer);
    s.agent(at, answer);
    if s.rng.random_bool(0.9) {
        resolve(s);
    }
}
