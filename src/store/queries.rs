//! Read-side questions about conversations: one conversation, its events,
//! and filtered, paginated lists.

use redb::ReadableTable;

use super::codec::decode;
use super::error::Result;
use super::summary::{Conversation, Status};
use super::tables::*;
use super::{Actor, AuditSpec, Store};
use crate::domain::{AgentRecord, Channel, ConvEvent, Record, time::Millis};

/// Filters of a conversation list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ConvFilter {
    pub channel: Option<Channel>,
    /// Conversations this agent took part in.
    pub agent: Option<String>,
    /// Conversations in which an agent of this team took part.
    pub team: Option<String>,
    pub status: Option<Status>,
    /// Only conversations a customer is waiting on.
    pub waiting: Option<bool>,
    pub tag: Option<String>,
    pub contact: Option<String>,
    /// Activity overlapping [from, to).
    pub from: Option<Millis>,
    pub to: Option<Millis>,
}

/// Position in the newest-first list: (last event ms, internal id) of the last item seen.
pub type Cursor = (i64, u64);

/// A conversation with its events in timeline order.
pub type Transcript = (Conversation, Vec<(u64, ConvEvent)>);

pub struct Page {
    pub items: Vec<Conversation>,
    pub next: Option<Cursor>,
}

impl Store {
    pub fn conversation(&self, id: &str) -> Result<Option<Conversation>> {
        let txn = self.begin_read()?;
        let ids = txn.open_table(CONV_IDS)?;
        let Some(internal) = ids.get(id)?.map(|v| v.value()) else { return Ok(None) };
        let t = txn.open_table(CONVERSATIONS)?;
        t.get(internal)?.map(|v| decode(v.value(), "conversation")).transpose()
    }

    pub fn conversation_by_internal(&self, internal: u64) -> Result<Option<Conversation>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(CONVERSATIONS)?;
        t.get(internal)?.map(|v| decode(v.value(), "conversation")).transpose()
    }

    /// The conversation's events in timeline order (ts, then arrival), with their seqs.
    pub fn conversation_events(&self, id: &str) -> Result<Option<Vec<(u64, ConvEvent)>>> {
        let txn = self.begin_read()?;
        let ids = txn.open_table(CONV_IDS)?;
        let Some(internal) = ids.get(id)?.map(|v| v.value()) else { return Ok(None) };
        let convs = txn.open_table(CONVERSATIONS)?;
        let Some(c) = convs.get(internal)?.map(|v| decode::<Conversation>(v.value(), "conversation")).transpose()?
        else {
            return Ok(None);
        };
        let events = txn.open_table(EVENTS)?;
        let mut out = Vec::new();
        for &(seq, _) in &c.events {
            if let Some(v) = events.get(seq)?
                && let Record::Conv(ev) = decode::<Record>(v.value(), "event")?
            {
                out.push((seq, ev));
            }
        }
        out.sort_by_key(|(seq, ev)| (ev.ts, *seq));
        Ok(Some(out))
    }

    /// Reads a transcript and records that `actor` read it, in one step.
    pub fn read_transcript(&self, actor: &Actor, id: &str) -> Result<Option<Transcript>> {
        let Some(conv) = self.conversation(id)? else { return Ok(None) };
        self.write(AuditSpec::new(actor, "conversation.read", format!("conversation:{id}")), |_| Ok(()))?;
        let events = self.conversation_events(id)?.unwrap_or_default();
        Ok(Some((conv, events)))
    }

    /// Conversations, most recently active first.
    pub fn list_conversations(&self, f: &ConvFilter, after: Option<Cursor>, limit: usize) -> Result<Page> {
        let txn = self.begin_read()?;
        let idx = txn.open_table(CONV_BY_ACTIVITY)?;
        let convs = txn.open_table(CONVERSATIONS)?;
        let team_agents: Option<Vec<String>> = match &f.team {
            Some(team) => {
                let agents = txn.open_table(AGENTS)?;
                let mut v = Vec::new();
                for item in agents.iter()? {
                    let a: AgentRecord = decode(item?.1.value(), "agent")?;
                    if a.team.as_deref() == Some(team) {
                        v.push(a.id);
                    }
                }
                Some(v)
            }
            None => None,
        };
        let lo = (f.from.unwrap_or(i64::MIN), 0u64);
        let hi = after.unwrap_or((i64::MAX, u64::MAX));
        let mut items = Vec::new();
        let mut next = None;
        for item in idx.range(lo..hi)?.rev() {
            let (_, internal) = item?.0.value();
            let Some(v) = convs.get(internal)? else { continue };
            let c: Conversation = decode(v.value(), "conversation")?;
            if !matches(&c, f, team_agents.as_deref()) {
                continue;
            }
            if items.len() == limit {
                next = items.last().map(|l: &Conversation| (l.last_event, l.internal));
                break;
            }
            items.push(c);
        }
        Ok(Page { items, next })
    }
}

fn matches(c: &Conversation, f: &ConvFilter, team_agents: Option<&[String]>) -> bool {
    if f.channel.is_some() && c.channel != f.channel {
        return false;
    }
    if let Some(a) = &f.agent
        && !c.agents.contains(a)
    {
        return false;
    }
    if let Some(team) = team_agents
        && !c.agents.iter().any(|a| team.contains(a))
    {
        return false;
    }
    if f.status.is_some_and(|s| s != c.status()) {
        return false;
    }
    if f.waiting.is_some_and(|w| w != c.waiting_since.is_some()) {
        return false;
    }
    if let Some(t) = &f.tag
        && !c.tags.contains(t)
    {
        return false;
    }
    if f.contact.is_some() && c.contact != f.contact {
        return false;
    }
    if f.to.is_some_and(|to| c.first_event >= to) {
        return false;
    }
    true
}

impl Store {
    pub fn has_events(&self) -> Result<bool> {
        let txn = self.begin_read()?;
        Ok(txn.open_table(EVENTS)?.first()?.is_some())
    }
}
