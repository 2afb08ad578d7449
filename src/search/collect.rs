//! A collector wrapper that lets through only the documents a search may
//! show: conversations in the allowed set, and deleted messages as asked.

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentReader};

use super::convsets::ConvSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeletedMode {
    /// Deleted and recalled messages are hits like any other (marked).
    #[default]
    Include,
    Exclude,
    Only,
}

/// The in-memory conditions of a search.
#[derive(Debug, Default)]
pub struct Allowed {
    /// None: every conversation.
    pub convs: Option<ConvSet>,
    pub deleted_mode: DeletedMode,
    pub deleted: Arc<HashSet<u64>>,
}

impl Allowed {
    pub fn is_everything(&self) -> bool {
        self.convs.is_none() && self.deleted_mode == DeletedMode::Include
    }

    #[inline]
    fn admits(&self, conv: u64, msg: u64) -> bool {
        if let Some(set) = &self.convs
            && !set.contains(conv)
        {
            return false;
        }
        match self.deleted_mode {
            DeletedMode::Include => true,
            DeletedMode::Exclude => msg == 0 || !self.deleted.contains(&msg),
            DeletedMode::Only => msg != 0 && self.deleted.contains(&msg),
        }
    }
}

pub struct Filtered<C> {
    pub inner: C,
    pub allowed: Arc<Allowed>,
}

impl<C: Collector> Collector for Filtered<C> {
    type Fruit = C::Fruit;
    type Child = FilteredSegment<C::Child>;

    fn for_segment(&self, id: u32, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        Ok(FilteredSegment {
            inner: self.inner.for_segment(id, reader)?,
            conv: fast.u64("conv")?,
            // Opening a column costs (its block index is decoded): only when needed.
            msg: if self.allowed.deleted_mode == DeletedMode::Include { None } else { Some(fast.u64("msg")?) },
            allowed: self.allowed.clone(),
            buf: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<<Self::Child as SegmentCollector>::Fruit>) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

pub struct FilteredSegment<S> {
    inner: S,
    conv: Column<u64>,
    msg: Option<Column<u64>>,
    allowed: Arc<Allowed>,
    buf: Vec<DocId>,
}

impl<S: SegmentCollector> FilteredSegment<S> {
    #[inline]
    fn admits(&self, doc: DocId) -> bool {
        let conv = self.conv.first(doc).unwrap_or(u64::MAX);
        let msg = self.msg.as_ref().and_then(|m| m.first(doc)).unwrap_or(0);
        self.allowed.admits(conv, msg)
    }
}

impl<S: SegmentCollector> SegmentCollector for FilteredSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.admits(doc) {
            self.inner.collect(doc, score);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.extend(docs.iter().copied().filter(|&d| self.admits(d)));
        if !buf.is_empty() {
            self.inner.collect_block(&buf);
        }
        self.buf = buf;
    }

    fn harvest(self) -> S::Fruit {
        self.inner.harvest()
    }
}
