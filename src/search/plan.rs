//! A compiled query as a Tantivy query (what the index can answer: words,
//! phrases, prefixes, channel, sender, kind, time) and an `Allowed` (what
//! only memory knows: agents, teams, tags, recalls, the viewer's rights).

use std::ops::Bound;
use std::sync::Arc;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, InvertedIndexRangeQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::SearchError;
use super::collect::{Allowed, DeletedMode};
use super::convsets::{ConvSet, ConvSets};
use super::grammar::Field;
use super::matcher::{Compiled, Cond};
use super::schema::{DocKind, Fields};

/// How much a whole-word (dictionary word) match adds to the rank.
const WHOLE_WORD_BOOST: f32 = 2.0;

pub struct Plan {
    pub query: Box<dyn Query>,
    pub allowed: Arc<Allowed>,
}

pub struct PlanInput<'a> {
    pub compiled: &'a Compiled,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub deleted: DeletedMode,
    /// Folded team name → the folded ids of its agents.
    pub teams: &'a dyn Fn(&str) -> Vec<String>,
    /// An agent user sees only conversations it took part in.
    pub only_agent: Option<String>,
    pub ranking: bool,
}

pub fn plan(f: &Fields, sets: &ConvSets, input: &PlanInput<'_>) -> Result<Plan, SearchError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut convs: Option<ConvSet> = None;
    let mut must = 0;
    for group in &input.compiled.groups {
        let conv_level = group.iter().filter(|c| c.is_conversation_filter()).count();
        if conv_level == group.len() {
            let mut union = ConvSet::default();
            for c in group {
                union.union_with(&conv_set(sets, c, input.teams));
            }
            intersect(&mut convs, union);
            continue;
        }
        if conv_level > 0 {
            return Err(SearchError::Invalid(
                "OR cannot join agent:, team: or tag: with words or other filters".into(),
            ));
        }
        let mut alts = Vec::with_capacity(group.len());
        for c in group {
            alts.push(index_query(f, c)?);
        }
        let q: Box<dyn Query> = if alts.len() == 1 {
            alts.pop().expect("one")
        } else {
            Box::new(BooleanQuery::new(alts.into_iter().map(|q| (Occur::Should, q)).collect()))
        };
        clauses.push((Occur::Must, q));
        must += 1;
        if input.ranking {
            for c in group {
                if let Cond::Text { ranking_words, .. } = c {
                    for w in ranking_words {
                        let t = TermQuery::new(Term::from_field_text(f.words, w), IndexRecordOption::WithFreqs);
                        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(t), WHOLE_WORD_BOOST))));
                    }
                }
            }
        }
    }
    for c in &input.compiled.excluded {
        if c.is_conversation_filter() {
            let mut rest = convs.take().unwrap_or_else(|| ConvSet::all(sets.conversations));
            rest.subtract(&conv_set(sets, c, input.teams));
            convs = Some(rest);
        } else {
            clauses.push((Occur::MustNot, index_query(f, c)?));
        }
    }
    if input.from.is_some() || input.to.is_some() {
        let lo = input.from.map_or(Bound::Unbounded, |t| Bound::Included(Term::from_field_i64(f.ts, t)));
        let hi = input.to.map_or(Bound::Unbounded, |t| Bound::Excluded(Term::from_field_i64(f.ts, t)));
        clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        must += 1;
    }
    if must == 0 {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if let Some(agent) = &input.only_agent {
        intersect(&mut convs, sets.agents.get(agent).cloned().unwrap_or_default());
    }
    let allowed = Allowed { convs, deleted_mode: input.deleted, deleted: Arc::clone(&sets.deleted) };
    Ok(Plan { query: Box::new(BooleanQuery::new(clauses)), allowed: Arc::new(allowed) })
}

fn intersect(acc: &mut Option<ConvSet>, s: ConvSet) {
    match acc {
        Some(a) => a.intersect_with(&s),
        None => *acc = Some(s),
    }
}

fn conv_set(sets: &ConvSets, c: &Cond, teams: &dyn Fn(&str) -> Vec<String>) -> ConvSet {
    let Cond::Filter(field, v) = c else { return ConvSet::default() };
    match field {
        Field::Agent => sets.agents.get(v).cloned().unwrap_or_default(),
        Field::Tag => sets.tags.get(v).cloned().unwrap_or_default(),
        Field::Team => {
            let mut u = ConvSet::default();
            for a in teams(v) {
                if let Some(s) = sets.agents.get(&a) {
                    u.union_with(s);
                }
            }
            u
        }
        _ => ConvSet::default(),
    }
}

/// The values `kind:` accepts.
pub const KINDS: &[&str] = &["message", "revision", "note", "subject", "attachment"];

fn index_query(f: &Fields, c: &Cond) -> Result<Box<dyn Query>, SearchError> {
    let term_q = |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) };
    Ok(match c {
        Cond::Text { terms, .. } => match terms.as_slice() {
            [] => Box::new(AllQuery),
            [(_, t)] => term_q(Term::from_field_text(f.text, t)),
            many => Box::new(PhraseQuery::new_with_offset(
                many.iter().map(|(o, t)| (*o, Term::from_field_text(f.text, t))).collect(),
            )),
        },
        Cond::Prefix { head, last } if head.is_empty() => {
            let lo = Term::from_field_text(f.text, &last.1);
            let hi = Term::from_field_text(f.text, &format!("{}\u{10FFFF}", last.1));
            Box::new(InvertedIndexRangeQuery::new(Bound::Included(lo), Bound::Excluded(hi)))
        }
        Cond::Prefix { head, last } => {
            let mut terms: Vec<(usize, Term)> =
                head.iter().map(|(o, t)| (*o, Term::from_field_text(f.text, t))).collect();
            terms.push((last.0, Term::from_field_text(f.text, &last.1)));
            let mut q = PhrasePrefixQuery::new_with_offset(terms);
            q.set_max_expansions(10_000);
            Box::new(q)
        }
        Cond::Filter(Field::Channel, v) => term_q(Term::from_field_text(f.channel, v)),
        Cond::Filter(Field::Sender, v) => term_q(Term::from_field_text(f.sender, v)),
        Cond::Filter(Field::Kind, v) => {
            let codes: &[DocKind] = match v.as_str() {
                "message" | "revision" => &[DocKind::Message, DocKind::Edit],
                "note" => &[DocKind::Note],
                "subject" => &[DocKind::Subject],
                "attachment" => &[DocKind::Attachment],
                other => {
                    return Err(SearchError::Invalid(format!(
                        "kind:{other} is unknown; kinds are {}",
                        KINDS.join(", ")
                    )));
                }
            };
            let qs: Vec<(Occur, Box<dyn Query>)> =
                codes.iter().map(|k| (Occur::Should, term_q(Term::from_field_u64(f.kind, *k as u64)))).collect();
            Box::new(BooleanQuery::new(qs))
        }
        Cond::Filter(..) => unreachable!("conversation filters are answered from memory"),
    })
}
