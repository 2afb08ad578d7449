//! Upgrades: a store written by an earlier schema version opens in this one,
//! migrated, with the same record.

use chatledger::store::{Conversation, Store, codec, event_index};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::common::{cli, text};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const CONVERSATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("conversations");

/// A summary as schema 1 stored it: the same fields, but the event index as
/// postcard's plain sequence of (seq, fingerprint) pairs. The index is the last
/// field, so only the end of the value differs.
fn as_schema_1(value: &[u8]) -> Vec<u8> {
    let c: Conversation = codec::decode(value, "conversation").unwrap();
    let index = event_index::encode(&c.events);
    let len_prefix = postcard::to_allocvec(&index.len()).unwrap().len();
    let fields = &value[..value.len() - index.len() - len_prefix];
    let mut old = fields.to_vec();
    old.extend(postcard::to_allocvec(&c.events).unwrap());
    old
}

/// A conversation as a reader sees it: id, messages, timeline (seq, event), tags.
type Seen = (String, usize, Vec<(u64, String)>, Vec<String>);

fn record(store: &Store) -> Vec<Seen> {
    let page = store.list_conversations(&Default::default(), None, 100_000).unwrap();
    page.items
        .iter()
        .map(|c| {
            let events = store.conversation_events(&c.id).unwrap().unwrap();
            let timeline = events.iter().map(|(seq, e)| (*seq, format!("{:?}", e.body))).collect();
            (c.id.clone(), c.messages as usize, timeline, c.tags.clone())
        })
        .collect()
}

/// Rewrites a store's file as schema 1 left it.
fn downgrade_to_schema_1(file: &std::path::Path) {
    let db = redb::Database::open(file).unwrap();
    let txn = db.begin_write().unwrap();
    {
        txn.open_table(META).unwrap().insert("schema_version", 1u32.to_le_bytes().as_slice()).unwrap();
        let mut convs = txn.open_table(CONVERSATIONS).unwrap();
        let old: Vec<(u64, Vec<u8>)> =
            convs.iter().unwrap().map(|r| r.unwrap()).map(|(k, v)| (k.value(), as_schema_1(v.value()))).collect();
        for (k, v) in &old {
            // The old layout does not read as the new one.
            let original: Conversation = codec::decode(convs.get(*k).unwrap().unwrap().value(), "c").unwrap();
            assert_ne!(codec::decode::<Conversation>(v, "c").ok(), Some(original));
        }
        for (k, v) in old {
            convs.insert(k, v.as_slice()).unwrap();
        }
    }
    txn.commit().unwrap();
}

fn schema_of(db: &redb::Database) -> u32 {
    let txn = db.begin_read().unwrap();
    let v = txn.open_table(META).unwrap().get("schema_version").unwrap().unwrap().value().to_vec();
    u32::from_le_bytes(v.try_into().unwrap())
}

#[test]
fn a_schema_1_store_is_migrated_on_open_and_keeps_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = dir.path().join("demo.ndjson");
    let out = cli(
        &dir.path().join("seed"),
        &["demo-export", "--conversations", "150", "--seed", "5", "-o", demo.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cli(&data, &["import", demo.to_str().unwrap()]).status.code(), Some(0));
    let before = {
        let store = Store::open_dir(&data, &Default::default()).unwrap();
        record(&store)
    };
    assert_eq!(before.len(), 150);

    // Rewrite the file as schema 1 left it.
    let file = data.join("chatledger.redb");
    downgrade_to_schema_1(&file);

    // This version migrates it on open, and the record is the same.
    let store = Store::open_dir(&data, &Default::default()).unwrap();
    assert_eq!(record(&store), before);
    drop(store);
    assert_eq!(schema_of(&redb::Database::open(&file).unwrap()), chatledger::store::tables::SCHEMA_VERSION);
    let out = cli(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_store_another_process_has_open_is_not_migrated_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sample = crate::common::fixture("sample.ndjson");
    assert_eq!(cli(&data, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    let file = data.join("chatledger.redb");
    downgrade_to_schema_1(&file);

    // Another process (here: this one) has the store open, shared, as a server would.
    let other = redb::Database::builder().set_concurrency_mode(redb::ConcurrencyMode::MultiWriter).open(&file).unwrap();
    let out = cli(&data, &["verify"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("needs the store alone"), "{}", text(&out));
    assert_eq!(schema_of(&other), 1, "nothing was migrated under the other process");
    drop(other);

    // Alone, the same command migrates it and the record verifies.
    let out = cli(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(schema_of(&redb::Database::open(&file).unwrap()), chatledger::store::tables::SCHEMA_VERSION);
}
