//! `chatledger verify`: checks the audit chain against the stored events and
//! the stored users and tokens. The first problem found is named exactly.

use std::collections::HashMap;

use redb::{ReadableTable, ReadableTableMetadata};
use serde::Serialize;

use super::audit::{self, EventsHasher, Hash, hash_bytes};
use super::codec::decode;
use super::error::Result;
use super::tables::*;
use super::users::{ApiToken, keyed_hash, session_target};
use super::{ChainHead, Store};
use crate::domain::Record;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    pub ok: bool,
    pub audit_entries: u64,
    pub events: u64,
    pub head: Option<ChainHead>,
    /// Problems in the order found; the first names the first bad entry or event.
    pub problems: Vec<String>,
}

impl Store {
    /// Walks the whole chain. `progress(done, total)` is called now and then.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport> {
        let txn = self.begin_read()?;
        let audit_t = txn.open_table(AUDIT)?;
        let events_t = txn.open_table(EVENTS)?;
        let total = audit_t.len()?;
        let mut problems = Vec::new();
        let mut prev: Hash = [0; 32];
        let mut next_event = 1u64;
        let mut head = None;
        let mut latest_data: HashMap<String, Option<Hash>> = HashMap::new();
        let mut done = 0u64;

        for (expected_seq, item) in (1u64..).zip(audit_t.iter()?) {
            let (k, v) = item?;
            let seq = k.value();
            done += 1;
            if done.is_multiple_of(10_000) {
                progress(done, total);
            }
            let (recorded, actual, entry) = match audit::unseal(v.value()) {
                Ok(x) => x,
                Err(e) => {
                    problems.push(format!("audit entry {seq}: unreadable ({e})"));
                    break;
                }
            };
            if seq != expected_seq {
                problems.push(format!("audit entry {seq}: expected entry {expected_seq} (entries missing)"));
                break;
            }
            if recorded != actual {
                problems.push(format!("audit entry {seq}: its content does not match its hash (altered)"));
                break;
            }
            if entry.seq != seq || entry.prev != prev {
                problems.push(format!("audit entry {seq}: does not link to entry {} (chain broken)", seq - 1));
                break;
            }
            if entry.event_count > 0 {
                if entry.first_event != next_event {
                    problems.push(format!(
                        "audit entry {seq}: covers events from {} but the next event is {next_event}",
                        entry.first_event
                    ));
                    break;
                }
                let mut h = EventsHasher::default();
                let mut bad = None;
                for es in entry.first_event..entry.first_event + entry.event_count {
                    match events_t.get(es)? {
                        Some(ev) => {
                            let bytes = ev.value();
                            if decode::<Record>(bytes, "event").is_err() {
                                bad = Some(format!("event {es}: unreadable (altered)"));
                                break;
                            }
                            h.add(es, bytes);
                        }
                        None => {
                            bad = Some(format!("event {es}: missing (recorded by audit entry {seq})"));
                            break;
                        }
                    }
                }
                if bad.is_none() && h.finish() != entry.events_hash {
                    bad = Some(format!(
                        "events {}..={} (audit entry {seq}): stored content does not match the recorded hash (altered)",
                        entry.first_event,
                        entry.first_event + entry.event_count - 1
                    ));
                }
                if let Some(b) = bad {
                    problems.push(b);
                    break;
                }
                next_event += entry.event_count;
            }
            if entry.data_hash.is_some() {
                latest_data.insert(entry.target.clone(), entry.data_hash);
            }
            prev = recorded;
            head = Some(ChainHead { seq, hash: hex::encode(recorded) });
        }

        if problems.is_empty()
            && let Some((k, _)) = events_t.last()?
            && k.value() >= next_event
        {
            problems.push(format!(
                "event {next_event}: not recorded by any audit entry (inserted behind the appliance's back)"
            ));
        }
        // Users, tokens and sessions must each match the hash their last audit entry
        // recorded (tokens and sessions together with their key), and a row that an
        // entry recorded must still exist.
        let mut seen = std::collections::HashSet::new();
        let mut check = |target: String, actual: Hash, problems: &mut Vec<String>| {
            if problems.is_empty() && latest_data.get(&target) != Some(&Some(actual)) {
                problems
                    .push(format!("{target}: stored record does not match its last audit entry (altered or inserted)"));
            }
            seen.insert(target);
        };
        for item in txn.open_table(USERS)?.iter()? {
            let (k, v) = item?;
            check(format!("user:{}", k.value()), hash_bytes(v.value()), &mut problems);
        }
        for item in txn.open_table(TOKENS)?.iter()? {
            let (k, v) = item?;
            match decode::<ApiToken>(v.value(), "token") {
                Ok(t) => check(format!("token:{}", t.id), keyed_hash(k.value(), v.value()), &mut problems),
                Err(_) => problems.push("an API token record is unreadable (altered)".into()),
            }
        }
        for item in txn.open_table(SESSIONS)?.iter()? {
            let (k, v) = item?;
            check(session_target(k.value()), keyed_hash(k.value(), v.value()), &mut problems);
        }
        if problems.is_empty()
            && let Some(gone) = latest_data
                .keys()
                .filter(|t| t.starts_with("user:") || t.starts_with("token:"))
                .find(|t| !seen.contains(*t))
        {
            problems
                .push(format!("{gone}: recorded by the audit trail but missing (deleted behind the appliance's back)"));
        }
        progress(done, total);
        Ok(VerifyReport { ok: problems.is_empty(), audit_entries: done, events: next_event - 1, head, problems })
    }
}
