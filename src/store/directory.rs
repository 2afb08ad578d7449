//! Agents and contacts: the directory, derived from directory records.
//! A later record with the same id updates only the fields it carries.

use redb::ReadableTable;

use super::Store;
use super::codec::decode;
use super::error::Result;
use super::tables::{AGENTS, CONTACT_CONVS, CONTACTS};
use crate::domain::{AgentRecord, ContactRecord};

pub fn stub_agent(id: &str) -> AgentRecord {
    AgentRecord { id: id.into(), name: None, email: None, role: None, team: None, active: None, extra: None }
}

pub fn merge_agent(current: Option<&AgentRecord>, new: &AgentRecord) -> AgentRecord {
    let Some(c) = current else { return new.clone() };
    AgentRecord {
        id: c.id.clone(),
        name: new.name.clone().or_else(|| c.name.clone()),
        email: new.email.clone().or_else(|| c.email.clone()),
        role: new.role.or(c.role),
        team: new.team.clone().or_else(|| c.team.clone()),
        active: new.active.or(c.active),
        extra: merge_extra(c.extra.as_deref(), new.extra.as_deref()),
    }
}

pub fn merge_contact(current: Option<&ContactRecord>, new: &ContactRecord) -> ContactRecord {
    let Some(c) = current else { return new.clone() };
    let handles = match (&c.handles, &new.handles) {
        (Some(old), Some(add)) => {
            let mut h = old.clone();
            for (k, v) in add {
                match h.iter_mut().find(|(hk, _)| hk == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => h.push((k.clone(), v.clone())),
                }
            }
            Some(h)
        }
        (o, n) => n.clone().or_else(|| o.clone()),
    };
    ContactRecord {
        id: c.id.clone(),
        name: new.name.clone().or_else(|| c.name.clone()),
        handles,
        tags: new.tags.clone().or_else(|| c.tags.clone()),
        extra: merge_extra(c.extra.as_deref(), new.extra.as_deref()),
    }
}

fn merge_extra(old: Option<&str>, new: Option<&str>) -> Option<String> {
    match (old, new) {
        (Some(o), Some(n)) => {
            let mut a: serde_json::Map<String, serde_json::Value> = serde_json::from_str(o).unwrap_or_default();
            let b: serde_json::Map<String, serde_json::Value> = serde_json::from_str(n).unwrap_or_default();
            a.extend(b);
            Some(serde_json::Value::Object(a).to_string())
        }
        (o, n) => n.or(o).map(str::to_string),
    }
}

impl Store {
    pub fn agents(&self) -> Result<Vec<AgentRecord>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(AGENTS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            out.push(decode(item?.1.value(), "agent")?);
        }
        Ok(out)
    }

    pub fn agent(&self, id: &str) -> Result<Option<AgentRecord>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(AGENTS)?;
        t.get(id)?.map(|v| decode(v.value(), "agent")).transpose()
    }

    /// Contacts in id order after `after`, at most `limit`.
    pub fn contacts(&self, after: Option<&str>, limit: usize) -> Result<Vec<ContactRecord>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(CONTACTS)?;
        let mut out = Vec::new();
        let range = match after {
            Some(a) => t.range(a..)?,
            None => t.iter()?,
        };
        for item in range {
            let (k, v) = item?;
            if Some(k.value()) == after {
                continue;
            }
            out.push(decode(v.value(), "contact")?);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// A contact with the internal ids of its conversations. A contact named by
    /// messages but never declared by a record is shown with its id only.
    pub fn contact(&self, id: &str) -> Result<Option<(ContactRecord, Vec<u64>)>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(CONTACTS)?;
        let record = t.get(id)?.map(|v| decode::<ContactRecord>(v.value(), "contact")).transpose()?;
        let idx = txn.open_table(CONTACT_CONVS)?;
        let mut convs = Vec::new();
        for item in idx.range((id, 0)..=(id, u64::MAX))? {
            convs.push(item?.0.value().1);
        }
        Ok(match record {
            Some(c) => Some((c, convs)),
            None if !convs.is_empty() => {
                Some((ContactRecord { id: id.into(), name: None, handles: None, tags: None, extra: None }, convs))
            }
            None => None,
        })
    }
}
