//! The index's fields. Text is indexed, never stored: hits are read back from
//! the store, which keeps the index small and the store the only truth.

use tantivy::Index;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;

use super::tokenizers::{self, TextTokenizer, WordsTokenizer};

/// Bumped whenever the fields or the analysis change: an index of another
/// version is rebuilt at start.
pub const SCHEMA_VERSION: u32 = 1;

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
    /// `message_key` of the message the text belongs to (0 for notes).
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
    let words = b.add_text_field(
        "words",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizers::WORDS)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let kind = b.add_u64_field("kind", INDEXED | FAST);
    let channel = b.add_text_field("channel", STRING);
    let sender = b.add_text_field("sender", STRING);
    let ts = b.add_i64_field("ts", INDEXED | FAST);
    let seq = b.add_u64_field("seq", FAST);
    let conv = b.add_u64_field("conv", FAST);
    let msg = b.add_u64_field("msg", FAST);
    (b.build(), Fields { text, words, kind, channel, sender, ts, seq, conv, msg })
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

/// A stable 64-bit key of a message: FNV-1a over the conversation's internal
/// id and the message id. Stable across versions because it is stored.
pub fn message_key(conv: u64, message: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in conv.to_le_bytes().iter().chain(message.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.max(1)
}
