//! Transcript search: a Tantivy index derived from the store (see
//! `docs/search.md`). `analyze` decides what a term is; `indexer` follows the
//! store; `grammar`, `matcher` and `plan` turn a query into index work;
//! `service` runs it and re-checks every hit against the store.

pub mod analyze;
pub mod collect;
pub mod convsets;
pub mod grammar;
pub mod index;
pub mod indexer;
pub mod matcher;
pub mod normalize;
pub mod params;
pub mod plan;
pub mod schema;
pub mod service;
pub mod snippet;
pub mod tokenizers;

use crate::store::StoreError;

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best match first: more occurrences, whole dictionary words, short texts.
    Relevance,
    /// Most recent first.
    Newest,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "relevance" => Some(Sort::Relevance),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search index is being built: {done} of {total} events indexed; search answers when it is done")]
    NotReady { done: u64, total: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error("this user may not search that")]
    Forbidden,
    #[error("another chatledger process (the server?) is writing the search index; stop it or let it index")]
    Locked,
    #[error("the store was reindexed: the search index must be rebuilt")]
    Rebuild,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Index(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(e.to_string())
    }
}
