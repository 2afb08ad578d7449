//! The index directory: opening it, telling whether it fits the store and
//! this version, creating it afresh. The commit payload records what the
//! index holds: the schema version, the store's derived generation and the
//! last event indexed, so a restart resumes where it stopped.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::schema::{self, Fields, SCHEMA_VERSION};

/// The index's folder inside the data directory.
pub const DIR_NAME: &str = "search";

pub fn dir_of(data_dir: &Path) -> PathBuf {
    data_dir.join(DIR_NAME)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub schema: u32,
    pub generation: u64,
    /// The last event sequence number whose documents are committed.
    pub seq: u64,
}

impl Payload {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("payload serialises")
    }
}

#[derive(Clone)]
pub struct SearchIndex {
    pub index: Index,
    pub fields: Fields,
    pub reader: IndexReader,
}

/// Why an existing index is not used as is.
#[derive(Debug, PartialEq, Eq)]
pub enum Unusable {
    Missing,
    Corrupt(String),
    OtherVersion(u32),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Missing => f.write_str("no search index yet"),
            Unusable::Corrupt(e) => write!(f, "the search index cannot be read ({e})"),
            Unusable::OtherVersion(v) => {
                write!(f, "the search index has schema version {v}, this version uses {SCHEMA_VERSION}")
            }
        }
    }
}

impl SearchIndex {
    /// Opens the index in `dir` and reads its payload.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Payload), Unusable> {
        if !dir.join("meta.json").exists() {
            return Err(Unusable::Missing);
        }
        let corrupt = |e: tantivy::TantivyError| Unusable::Corrupt(e.to_string());
        let index = Index::open_in_dir(dir).map_err(corrupt)?;
        let metas = index.load_metas().map_err(corrupt)?;
        let payload: Payload = match metas.payload.as_deref() {
            Some(p) => serde_json::from_str(p).map_err(|e| Unusable::Corrupt(e.to_string()))?,
            None => Payload { schema: SCHEMA_VERSION, ..Default::default() },
        };
        if payload.schema != SCHEMA_VERSION {
            return Err(Unusable::OtherVersion(payload.schema));
        }
        let (want, fields) = schema::build();
        if index.schema() != want {
            return Err(Unusable::OtherVersion(payload.schema));
        }
        schema::register(&index);
        // Every segment file must be readable (a truncated one fails here, not mid-search).
        let reader = reader(&index).map_err(corrupt)?;
        for seg in reader.searcher().segment_readers() {
            seg.fast_fields().u64("seq").map_err(corrupt)?;
        }
        Ok((SearchIndex { index, fields, reader }, payload))
    }

    /// Deletes whatever is in `dir` and creates an empty index there.
    pub fn create(dir: &Path) -> tantivy::Result<SearchIndex> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let index = Index::create(MmapDirectory::open(dir)?, schema, Default::default())?;
        schema::register(&index);
        let reader = reader(&index)?;
        Ok(SearchIndex { index, fields, reader })
    }
}

fn reader(index: &Index) -> tantivy::Result<IndexReader> {
    // Reloaded by the indexer right after each commit (see `indexer`), so new
    // events are searchable as soon as they are committed.
    index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()
}
