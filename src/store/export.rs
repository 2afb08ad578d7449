//! Export: every stored event, in arrival order, optionally filtered.

use std::collections::HashMap;

use redb::ReadableTable;

use super::codec::decode;
use super::error::{Result, StoreError};
use super::summary::Conversation;
use super::tables::*;
use super::{AuditSpec, Store};
use crate::domain::{Channel, Record, time::Millis};

#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub conversation: Option<String>,
    pub channel: Option<Channel>,
    /// Conversations this agent took part in.
    pub agent: Option<String>,
    /// Conversation events with `from <= ts < to`.
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    /// Leave out agent and contact records.
    pub no_directory: bool,
}

impl ExportFilter {
    fn filters_conversations(&self) -> bool {
        self.conversation.is_some() || self.channel.is_some() || self.agent.is_some()
    }
}

impl Store {
    /// Calls `out` for each record to export, in the order it was stored. The
    /// export is recorded in the audit trail first.
    pub fn export(
        &self,
        spec: AuditSpec,
        f: &ExportFilter,
        out: &mut dyn FnMut(&Record) -> std::io::Result<()>,
    ) -> Result<u64> {
        self.write(spec, |_| Ok(()))?;
        let txn = self.begin_read()?;
        let events = txn.open_table(EVENTS)?;
        let ids = txn.open_table(CONV_IDS)?;
        let convs = txn.open_table(CONVERSATIONS)?;
        // Whether a conversation passes the filter, memoised.
        let mut verdict: HashMap<String, bool> = HashMap::new();
        let mut n = 0u64;
        for item in events.iter()? {
            let (_, v) = item?;
            let rec: Record = decode(v.value(), "event")?;
            let keep = match &rec {
                Record::Agent(_) | Record::Contact(_) => !f.no_directory,
                Record::Conv(ev) => {
                    let in_period = f.from.is_none_or(|t| ev.ts >= t) && f.to.is_none_or(|t| ev.ts < t);
                    in_period
                        && (!f.filters_conversations()
                            || match verdict.get(&ev.conversation) {
                                Some(k) => *k,
                                None => {
                                    let c: Option<Conversation> = match ids.get(ev.conversation.as_str())? {
                                        Some(i) => convs
                                            .get(i.value())?
                                            .map(|v| decode(v.value(), "conversation"))
                                            .transpose()?,
                                        None => None,
                                    };
                                    let k = c.is_some_and(|c| {
                                        f.conversation.as_ref().is_none_or(|id| *id == c.id)
                                            && f.channel.is_none_or(|ch| c.channel == Some(ch))
                                            && f.agent.as_ref().is_none_or(|a| c.agents.contains(a))
                                    });
                                    verdict.insert(ev.conversation.clone(), k);
                                    k
                                }
                            })
                }
            };
            if keep {
                out(&rec).map_err(StoreError::Io)?;
                n += 1;
            }
        }
        Ok(n)
    }
}
