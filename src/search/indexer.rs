//! The one writer of the index. It follows the store's event feed in
//! sequence order, turns each text into a document, keeps the in-memory
//! conversation sets current, and commits in batches with the last event
//! indexed in the commit payload.

use std::path::Path;
use std::sync::{Arc, RwLock};

use tantivy::{IndexWriter, TantivyDocument};

use crate::domain::{Body, ConvEvent, Record, Sender};
use crate::store::Store;
use crate::store::append::{Encoded, Placed};

use super::SearchError;
use super::convsets::ConvSets;
use super::index::{Payload, SearchIndex, Unusable};
use super::schema::{DocKind, Fields, SCHEMA_VERSION};

/// Events read from the store at a time.
const BATCH: usize = 20_000;
/// During a long catch-up, a commit every this many documents (a resume point).
const COMMIT_EVERY_DOCS: u64 = 2_000_000;
/// The writer's indexing memory, split among its threads.
const WRITER_MEMORY: usize = 192 * 1024 * 1024;

pub struct Indexer {
    store: Arc<Store>,
    pub index: SearchIndex,
    writer: IndexWriter,
    pub sets: Arc<RwLock<ConvSets>>,
    pub payload: Payload,
    /// The summaries the sets were loaded from are as of this event.
    loaded_at: u64,
    /// Events a bulk import handed over (see `index_placed`); the others
    /// were read from the store.
    pub handed_over: u64,
    /// Following a bulk import as it runs (see `bulk`): summaries may lag the
    /// events, so what needs them waits for `settle_and_let_go`.
    bulk: bool,
    /// Edits and deletes whose message was not found yet (bulk mode).
    waiting: Vec<(u64, u64, ConvEvent)>,
    /// Conversations whose tags changed since they were last read.
    tags_changed: std::collections::BTreeSet<u64>,
}

/// `(events done, events in the store)` while catching up.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

impl Indexer {
    /// Opens the index in `dir`, or creates it afresh when it is missing,
    /// unreadable, of another schema version or of another store generation.
    /// Answers whether it was (re)created.
    pub fn open(store: Arc<Store>, dir: &Path) -> Result<(Indexer, bool), SearchError> {
        Self::open_with_threads(store, dir, 0)
    }

    /// [`Indexer::open`] with this many indexing threads (0: one per core, up to 8).
    /// A bulk import uses one: its own two threads already keep the cores busy,
    /// and fewer, larger segments need less merging.
    pub fn open_with_threads(store: Arc<Store>, dir: &Path, threads: usize) -> Result<(Indexer, bool), SearchError> {
        let (_, generation) = store.facts_version()?;
        let (index, payload, fresh) = match SearchIndex::open(dir) {
            Ok((index, payload)) if payload.generation == generation => (index, payload, false),
            Ok(_) => {
                tracing::warn!("the store was reindexed since the search index was built; rebuilding it");
                (SearchIndex::create(dir)?, Payload { schema: SCHEMA_VERSION, generation, seq: 0 }, true)
            }
            Err(why) => {
                if why != Unusable::Missing {
                    tracing::warn!(reason = %why, "rebuilding the search index");
                }
                (SearchIndex::create(dir)?, Payload { schema: SCHEMA_VERSION, generation, seq: 0 }, true)
            }
        };
        let writer = match threads {
            0 => index.index.writer(WRITER_MEMORY),
            n => index.index.writer_with_num_threads(n, WRITER_MEMORY),
        };
        let writer = writer.map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked,
            e => e.into(),
        })?;
        let mut indexer = Indexer {
            store,
            index,
            writer,
            sets: Arc::new(RwLock::new(ConvSets::default())),
            payload,
            loaded_at: 0,
            handed_over: 0,
            bulk: false,
            waiting: Vec::new(),
            tags_changed: Default::default(),
        };
        indexer.load_sets()?;
        Ok((indexer, fresh))
    }

    /// Loads agents, tags, channels and recalls of every conversation.
    fn load_sets(&mut self) -> Result<(), SearchError> {
        let (sets, seq) = load_sets(&self.store)?;
        self.loaded_at = seq;
        *self.sets.write().expect("sets lock") = sets;
        Ok(())
    }

    /// Indexes every event the index does not have yet; answers how many
    /// events were read. Err(Rebuild) when the store was reindexed meanwhile.
    pub fn catch_up(&mut self, progress: Progress<'_>) -> Result<u64, SearchError> {
        let start = self.payload.seq;
        let mut pending_docs = 0u64;
        let mut docs = Vec::new();
        loop {
            let batch = self.store.events_after(self.payload.seq, BATCH)?;
            if batch.generation != self.payload.generation {
                return Err(SearchError::Rebuild);
            }
            if batch.last_seq == self.payload.seq {
                break;
            }
            let events: Vec<(u64, u64, &ConvEvent)> = batch.events.iter().map(|(s, c, e)| (*s, *c, e)).collect();
            pending_docs += self.index_events(&events, &mut docs)?;
            self.payload.seq = batch.last_seq;
            progress(batch.last_seq, batch.head_seq);
            // A bulk run commits once, at its end: a resume point before then
            // could skip what still waits.
            if pending_docs >= COMMIT_EVERY_DOCS && !self.bulk {
                self.commit()?;
                pending_docs = 0;
            }
        }
        if !self.bulk {
            self.refresh_tags()?;
            if self.payload.seq != start {
                self.commit()?;
            }
        }
        Ok(self.payload.seq - start)
    }

    /// Indexes events in sequence order (event number, conversation's internal
    /// id, event): the conversation sets first, then the documents. Answers how
    /// many documents were added.
    fn index_events(
        &mut self,
        events: &[(u64, u64, &ConvEvent)],
        docs: &mut Vec<TantivyDocument>,
    ) -> Result<u64, SearchError> {
        {
            let mut sets = self.sets.write().expect("sets lock");
            for &(seq, conv, ev) in events {
                sets.apply(conv, ev);
                if matches!(ev.body, Body::Tag { .. } | Body::Untag { .. }) && seq > self.loaded_at {
                    self.tags_changed.insert(conv);
                }
            }
        }
        let mut added = 0;
        for &(seq, conv, ev) in events {
            if let Body::Edit { message, .. } | Body::Delete { message, .. } = &ev.body
                && self.bulk
                && message_origin(&self.store, &ev.conversation, message)?.is_none()
            {
                self.waiting.push((seq, conv, ev.clone()));
                continue;
            }
            added += self.index_event(seq, conv, ev, docs)?;
        }
        Ok(added)
    }

    /// Indexes a batch a bulk import has just committed, from its records
    /// and where they went, instead of reading them back from the store.
    /// Events the index has already are skipped; should the batch not follow
    /// on from the index (the store had events the index lacked), the gap is
    /// read from the store first.
    pub fn index_placed(&mut self, records: &[Encoded], placed: &[Placed]) -> Result<(), SearchError> {
        let Some(first) = placed.iter().map(|p| p.seq).find(|&s| s != 0) else { return Ok(()) };
        if first > self.payload.seq + 1 {
            self.catch_up(&|_, _| {})?;
        }
        let after = self.payload.seq;
        let mut last = after;
        let events: Vec<(u64, u64, &ConvEvent)> = records
            .iter()
            .zip(placed)
            .filter(|(_, p)| p.seq > after)
            .inspect(|(_, p)| last = last.max(p.seq))
            .filter_map(|(e, p)| match &e.record {
                Record::Conv(ev) => Some((p.seq, p.conv, ev)),
                _ => None,
            })
            .collect();
        let mut docs = Vec::new();
        self.index_events(&events, &mut docs)?;
        self.handed_over += last - after;
        self.payload.seq = last;
        Ok(())
    }

    /// The documents and recall of one event, added to the writer; how many.
    fn index_event(
        &mut self,
        seq: u64,
        conv: u64,
        ev: &ConvEvent,
        docs: &mut Vec<TantivyDocument>,
    ) -> Result<u64, SearchError> {
        if let Body::Delete { message, .. } = &ev.body
            && let Some(o) = message_origin(&self.store, &ev.conversation, message)?
        {
            self.sets.write().expect("sets lock").mark_deleted(o.seq);
        }
        self.documents(seq, conv, ev, docs)?;
        let n = docs.len() as u64;
        for d in docs.drain(..) {
            self.writer.add_document(d)?;
        }
        Ok(n)
    }

    /// Reads the current tags of the conversations whose tags changed.
    fn refresh_tags(&mut self) -> Result<(), SearchError> {
        if self.tags_changed.is_empty() {
            return Ok(());
        }
        let ids: Vec<u64> = std::mem::take(&mut self.tags_changed).into_iter().collect();
        let summaries = self.store.conversations_by_internal(&ids)?;
        let mut sets = self.sets.write().expect("sets lock");
        for c in summaries.into_iter().flatten() {
            sets.set_tags(c.internal, &c.tags);
        }
        Ok(())
    }

    /// Follows a bulk import while it runs: from now on, what needs the
    /// conversation summaries (which such an import derives later) waits for
    /// `settle_and_let_go`, and nothing is committed before it.
    pub fn follow_bulk_import(&mut self) {
        self.bulk = true;
    }

    /// What a bulk import's end reads from the store: the rest of the events, what waited, tags.
    fn settle_reads(&mut self, progress: Progress<'_>) -> Result<u64, SearchError> {
        let n = self.catch_up(progress)?;
        self.bulk = false;
        let mut docs = Vec::new();
        for (seq, conv, ev) in std::mem::take(&mut self.waiting) {
            self.index_event(seq, conv, &ev, &mut docs)?;
        }
        self.refresh_tags()?;
        Ok(n)
    }

    /// The end of a bulk import's indexing, in two halves: this one reads the store for the last time and
    /// lets go of it; the [`Committer`] it answers commits the index and waits
    /// for its merges, which takes a while, and meanwhile the store is free
    /// (an import with `--compact` compacts it then).
    pub fn settle_and_let_go(mut self, progress: Progress<'_>) -> Result<Committer, SearchError> {
        self.settle_reads(progress)?;
        Ok(Committer { writer: self.writer, payload: self.payload })
    }

    /// Commits what was added, with the payload, and makes it searchable.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&self.payload.encode());
        prepared.commit()?;
        self.index.reader.reload()?;
        Ok(())
    }

    /// Waits for background merges to finish (at shutdown).
    pub fn finish(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    /// The documents of one event: a message's text, subject and attachment
    /// names, an edit's new text, a note.
    fn documents(
        &self,
        seq: u64,
        conv: u64,
        ev: &ConvEvent,
        out: &mut Vec<TantivyDocument>,
    ) -> Result<(), SearchError> {
        let f = &self.index.fields;
        match &ev.body {
            Body::Message { channel, sender, text, attachments, .. } => {
                let base = |kind: DocKind| base_doc(f, kind, seq, conv, seq, ev.ts, channel.as_str(), sender.as_str());
                if let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                    out.push(with_text(f, base(DocKind::Message), t));
                }
                if let Some(subject) = subject_of(ev) {
                    out.push(with_text(f, base(DocKind::Subject), &subject));
                }
                let names: Vec<&str> =
                    attachments.iter().flatten().filter_map(|a| a.name.as_deref()).filter(|n| !n.is_empty()).collect();
                if !names.is_empty() {
                    out.push(with_text(f, base(DocKind::Attachment), &names.join("\n")));
                }
            }
            Body::Edit { message, text: Some(t) } if !t.trim().is_empty() => {
                // The edit's channel and sender are its message's.
                let origin = message_origin(&self.store, &ev.conversation, message)?;
                let channel = origin.as_ref().map_or_else(|| self.conv_channel(conv), |o| o.channel.clone());
                let (sender, msg) = origin.map_or((Sender::Customer, 0), |o| (o.sender, o.seq));
                let doc = base_doc(f, DocKind::Edit, seq, conv, msg, ev.ts, &channel, sender.as_str());
                out.push(with_text(f, doc, t));
            }
            Body::Note { text: Some(t), .. } if !t.trim().is_empty() => {
                let doc =
                    base_doc(f, DocKind::Note, seq, conv, 0, ev.ts, &self.conv_channel(conv), Sender::Agent.as_str());
                out.push(with_text(f, doc, t));
            }
            _ => {}
        }
        Ok(())
    }

    fn conv_channel(&self, conv: u64) -> String {
        self.sets.read().expect("sets lock").channel(conv).map_or(String::new(), |c| c.as_str().to_string())
    }
}

/// The end of a bulk import's indexing, without the store: see [`Indexer::settle_and_let_go`].
pub struct Committer {
    writer: IndexWriter,
    pub payload: Payload,
}

impl Committer {
    /// Commits what was added, with the payload, and waits for the merges.
    pub fn commit_and_wait(mut self) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&self.payload.encode());
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// The message event a later event (an edit, a delete) refers to.
struct Origin {
    seq: u64,
    channel: String,
    sender: Sender,
}

fn message_origin(store: &Store, conversation: &str, message: &str) -> Result<Option<Origin>, SearchError> {
    for (seq, ev) in store.conversation_events(conversation)?.unwrap_or_default() {
        if let Body::Message { id, channel, sender, .. } = &ev.body
            && id == message
        {
            return Ok(Some(Origin { seq, channel: channel.as_str().to_string(), sender: *sender }));
        }
    }
    Ok(None)
}

/// An e-mail's subject: the message's `subject` field, kept among its extra fields.
pub fn subject_of(ev: &ConvEvent) -> Option<String> {
    let extra = ev.extra.as_deref()?;
    if !extra.contains("\"subject\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(extra).ok()?;
    v.get("subject")?.as_str().filter(|s| !s.trim().is_empty()).map(str::to_string)
}

#[allow(clippy::too_many_arguments)]
fn base_doc(
    f: &Fields,
    kind: DocKind,
    seq: u64,
    conv: u64,
    msg: u64,
    ts: i64,
    channel: &str,
    sender: &str,
) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_u64(f.kind, kind as u64);
    d.add_u64(f.seq, seq);
    d.add_u64(f.conv, conv);
    d.add_u64(f.msg, msg);
    d.add_i64(f.ts, ts);
    d.add_text(f.channel, channel);
    d.add_text(f.sender, sender);
    d
}

fn with_text(f: &Fields, mut d: TantivyDocument, text: &str) -> TantivyDocument {
    d.add_text(f.text, text);
    d.add_text(f.words, text);
    d
}

/// Every conversation's agents, tags, channel and recalled messages, from the
/// store's summaries; also answers the event those summaries are as of.
pub fn load_sets(store: &Store) -> Result<(ConvSets, u64), SearchError> {
    let mut sets = ConvSets::default();
    let mut with_deletes = Vec::new();
    let (seq, _) = store.for_each_conversation(&mut |c| {
        sets.load(&c);
        if c.deletes > 0 {
            with_deletes.push(c.id.clone());
        }
    })?;
    for id in with_deletes {
        let events = store.conversation_events(&id)?.unwrap_or_default();
        for (_, ev) in &events {
            if let Body::Delete { message, .. } = &ev.body {
                let original =
                    events.iter().find(|(_, e)| matches!(&e.body, Body::Message { id, .. } if id == message));
                if let Some((seq, _)) = original {
                    sets.mark_deleted(*seq);
                }
            }
        }
    }
    Ok((sets, seq))
}
