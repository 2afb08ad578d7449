//! The index's fields. Text is indexed, never stored: hits are read back from
//! the store, which keeps the index small and the store the only truth.

use tantivy::Index;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;

use super::tokenizers::{self, TextTokenizer, WordsTokenizer};

/// Bumped whenever the fields or the analysis change: an index of another
/// version is rebuilt at start.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Clone, Copy)]
pub struct Fields {
    /// Every term of `analyze::terms`, with positions.
    pub text: Field,
    /// Dictionary words, for ranking.
    pub words: Field,
    /// A `DocKind` code.
    pub kind: Field,
    pub channel: Field,
    /// `customer`, `agent`, `bot` (a note is the agent's).
    pub sender: Field,
    /// Event time, ms since the epoch.
    pub ts: Field,
    /// The event's global sequence number in the store.
    pub seq: Field,
    /// The conversation's internal id in the store.
    pub conv: Field,
    /// The sequence number of the message event the text belongs to (0 for
    /// notes): what a recall is checked against.
    pub msg: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = b.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizers::TEXT)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    // Presence is all ranking needs: no frequencies, no norms.
    let words = b.add_text_field("words", bare(tokenizers::WORDS));
    let kind = b.add_u64_field("kind", INDEXED | FAST);
    let channel = b.add_text_field("channel", bare("raw"));
    let sender = b.add_text_field("sender", bare("raw"));
    // Time ranges are answered from the fast column (no terms per instant).
    let ts = b.add_i64_field("ts", FAST);
    let seq = b.add_u64_field("seq", FAST);
    let conv = b.add_u64_field("conv", FAST);
    let msg = b.add_u64_field("msg", FAST);
    (b.build(), Fields { text, words, kind, channel, sender, ts, seq, conv, msg })
}

/// An indexed field without frequencies, positions or norms.
fn bare(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// Registers the tokenizers the schema names (needed before any read or write).
pub fn register(index: &Index) {
    index.tokenizers().register(tokenizers::TEXT, TextAnalyzer::from(TextTokenizer));
    index.tokenizers().register(tokenizers::WORDS, TextAnalyzer::from(WordsTokenizer::default()));
}

/// What a document's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A message's text as first sent.
    Message = 1,
    /// A message's text after an edit.
    Edit = 2,
    Note = 3,
    /// An e-mail's subject (a message's `subject` field).
    Subject = 4,
    /// A message's attachment file names.
    Attachment = 5,
}

impl DocKind {
    pub fn from_code(c: u64) -> Option<DocKind> {
        Some(match c {
            1 => DocKind::Message,
            2 => DocKind::Edit,
            3 => DocKind::Note,
            4 => DocKind::Subject,
            5 => DocKind::Attachment,
            _ => return None,
        })
    }
}
