//! The search index as a derived, resumable, self-healing copy of the store,
//! and the `search` / `reindex --search` commands.

use std::sync::Arc;

use chatledger::search::index::dir_of;
use chatledger::search::indexer::Indexer;
use chatledger::store::{Actor, OpenOptions, Store};

use crate::common::{cli, fixture, text};

fn store_with_corpus(dir: &std::path::Path) -> Arc<Store> {
    let store = Arc::new(Store::open_dir(dir, &OpenOptions::default()).unwrap());
    let mut r = std::io::BufReader::new(std::fs::File::open(fixture("search_corpus.ndjson")).unwrap());
    let s = chatledger::ingest::import(&store, &Actor::system(), &mut r, &Default::default(), &mut |_| {});
    assert_eq!(s.rejected, 0);
    store
}

#[test]
fn a_restart_resumes_and_a_broken_index_is_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let store = store_with_corpus(&data);
    let dir = dir_of(&data);
    let head = store.facts_version().unwrap().0;

    let (mut ix, fresh) = Indexer::open(store.clone(), &dir).unwrap();
    assert!(fresh, "no index yet");
    assert_eq!(ix.catch_up(&|_, _| {}).unwrap(), head);
    ix.finish().unwrap();

    // Reopened: it knows where it stopped and reads nothing again.
    let (mut ix, fresh) = Indexer::open(store.clone(), &dir).unwrap();
    assert!(!fresh);
    assert_eq!(ix.payload.seq, head);
    assert_eq!(ix.catch_up(&|_, _| {}).unwrap(), 0);
    // Only what came since is read.
    let line = r#"{"type":"note","conversation":"s-01","ts":"2026-11-01T09:06:00+08:00","agent":"a-zh1","text":"再次确认退款"}"#;
    let mut r = std::io::BufReader::new(line.as_bytes());
    chatledger::ingest::import(&store, &Actor::system(), &mut r, &Default::default(), &mut |_| {});
    assert_eq!(ix.catch_up(&|_, _| {}).unwrap(), 1);
    ix.finish().unwrap();

    // A damaged index is noticed and rebuilt from the store.
    std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
    let (mut ix, fresh) = Indexer::open(store.clone(), &dir).unwrap();
    assert!(fresh, "a corrupt index is rebuilt");
    assert_eq!(ix.catch_up(&|_, _| {}).unwrap(), head + 1);
    ix.finish().unwrap();

    // A second writer is refused while one is open.
    let (_ix, _) = Indexer::open(store.clone(), &dir).unwrap();
    assert!(matches!(Indexer::open(store.clone(), &dir), Err(chatledger::search::SearchError::Locked)));
}

#[test]
fn the_search_command_and_reindex_search() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let o = cli(&data, &["search", "退款"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("no search index"), "{}", text(&o));

    let o = cli(&data, &["import", fixture("search_corpus.ndjson").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("search index:"), "the import indexes too: {}", text(&o));

    let o = cli(&data, &["search", "退款 -测试", "--from", "2026-10-01"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.starts_with("5 hits"), "{out}");
    assert!(out.contains("s-06/m1") && out.contains("[退款]") && !out.contains("s-02/m4"), "{out}");

    let o = cli(&data, &["search", "reembolso", "--format", "json", "--sort", "newest"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 4);
    assert_eq!(v["hits"][0]["conversation"], "s-22");

    let o = cli(&data, &["search", "\"open"]);
    assert!(!o.status.success() && text(&o).contains("not closed"), "{}", text(&o));

    std::fs::remove_dir_all(dir_of(&data)).unwrap();
    let o = cli(&data, &["reindex", "--search"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("events indexed"), "{}", text(&o));
    let o = cli(&data, &["search", "返金"]);
    assert!(text(&o).starts_with("1 hit\n"), "{}", text(&o));
    // Searches from the command line are audited too.
    let store = Store::open_dir(&data, &OpenOptions::default()).unwrap();
    let entries = store.audit_entries(None, 50).unwrap();
    assert!(entries.iter().any(|e| e.action == "search" && e.detail.as_deref().is_some_and(|d| d.contains("返金"))));
}

#[test]
fn search_answers_not_ready_until_the_index_is_built() {
    use chatledger::domain::UserRole;
    use chatledger::search::SearchError;
    use chatledger::search::service::{SearchRequest, SearchService, Viewer};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let store = store_with_corpus(&data);
    let service = SearchService::new(store.clone(), &dir_of(&data));
    let viewer = Viewer { role: UserRole::Admin, agent: None, actor: Actor::system() };
    let req = SearchRequest { q: "退款".into(), ..Default::default() };
    assert!(matches!(service.search(&viewer, &req), Err(SearchError::NotReady { .. })));
    assert!(!service.status().ready);
    service.start();
    let t0 = std::time::Instant::now();
    while !service.status().ready {
        assert!(t0.elapsed().as_secs() < 30, "not ready: {:?}", service.status());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(service.search(&viewer, &req).unwrap().total, 6);
    service.shutdown();
}

/// Imports `lines` through the bulk path, answering the batches it committed (one per line).
fn import_followed(store: &Store, lines: &[&str]) -> Vec<chatledger::ingest::Committed> {
    let (tx, rx) = std::sync::mpsc::sync_channel(lines.len() + 1);
    let body = lines.join("\n");
    let opts = chatledger::ingest::ImportOptions { batch: 1, ..Default::default() };
    let mut r = std::io::BufReader::new(body.as_bytes());
    let s = chatledger::ingest::import_followed(store, &Actor::system(), &mut r, &opts, &mut |_| {}, Some(tx));
    assert_eq!(s.rejected, 0);
    rx.try_iter().collect()
}

fn plain_import(store: &Store, lines: &[&str]) {
    let body = lines.join("\n");
    let mut r = std::io::BufReader::new(body.as_bytes());
    chatledger::ingest::import(store, &Actor::system(), &mut r, &Default::default(), &mut |_| {});
}

#[test]
fn a_bulk_import_hands_its_batches_to_the_index_which_reads_what_it_missed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Alone with the store, as a bulk import is: summaries wait for durable commits,
    // and edits and deletes wait for their messages.
    let opts = OpenOptions { sharing: chatledger::store::Sharing::PreferExclusive, ..Default::default() };
    let store = Arc::new(Store::open_dir(&data, &opts).unwrap());
    assert!(store.is_exclusive());
    let corpus = std::fs::read_to_string(fixture("search_corpus.ndjson")).unwrap();
    let lines: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
    let fifth = lines.len() / 5;
    let (a, rest) = lines.split_at(fifth);
    let (b, rest) = rest.split_at(fifth);
    let (c, rest) = rest.split_at(fifth);
    let (d, e) = rest.split_at(fifth);

    plain_import(&store, a);
    let (mut ix, _) = Indexer::open_with_threads(store.clone(), &dir_of(&data), 1).unwrap();
    ix.follow_bulk_import();
    ix.catch_up(&|_, _| {}).unwrap();
    // B is handed over, batch by batch, and follows on from the index.
    let head_a = store.facts_version().unwrap().0;
    let batches = import_followed(&store, b);
    assert_eq!(batches.len(), b.len());
    for batch in &batches {
        assert_eq!(batch.records.len(), batch.placed.len());
        ix.index_placed(&batch.records, &batch.placed).unwrap();
    }
    assert_eq!(ix.payload.seq, head_a + b.len() as u64);
    // C was not handed over (a full queue); D was: the index reads C (and D) from the store first,
    // then skips what D's batches hold.
    plain_import(&store, c);
    let batches = import_followed(&store, d);
    for batch in &batches {
        ix.index_placed(&batch.records, &batch.placed).unwrap();
    }
    let head = store.facts_version().unwrap().0;
    assert_eq!(ix.payload.seq, head);
    // E follows on again.
    for batch in &import_followed(&store, e) {
        ix.index_placed(&batch.records, &batch.placed).unwrap();
    }
    let head = store.facts_version().unwrap().0;
    assert_eq!(ix.payload.seq, head);
    // A repeated import stores nothing: its batches place nothing, and nothing is indexed twice.
    let again = import_followed(&store, d);
    assert!(again.iter().all(|b| b.placed.iter().all(|p| p.seq == 0)));
    for batch in &again {
        ix.index_placed(&batch.records, &batch.placed).unwrap();
    }
    ix.settle_and_let_go(&|_, _| {}).unwrap().commit_and_wait().unwrap();

    // The same documents as an index built from the store alone.
    let fresh = tmp.path().join("fresh-index");
    let (mut full, _) = Indexer::open(store.clone(), &fresh).unwrap();
    full.catch_up(&|_, _| {}).unwrap();
    full.finish().unwrap();
    let docs = |dir: &std::path::Path| {
        let ix = chatledger::search::index::SearchIndex::open(dir).unwrap().0;
        let searcher = ix.reader.searcher();
        let mut seqs: Vec<[u64; 4]> = Vec::new();
        for seg in searcher.segment_readers() {
            let col = |name: &str| seg.fast_fields().u64(name).unwrap();
            let (seq, kind, conv, msg) = (col("seq"), col("kind"), col("conv"), col("msg"));
            for d in seg.doc_ids_alive() {
                let v = |c: &tantivy::columnar::Column<u64>| c.first(d).unwrap();
                seqs.push([v(&seq), v(&kind), v(&conv), v(&msg)]);
            }
        }
        seqs.sort_unstable();
        seqs
    };
    let (built, expected) = (docs(&dir_of(&data)), docs(&fresh));
    assert!(expected.len() > lines.len() / 2, "{}", expected.len());
    // Edits are documents of their messages: the corpus has some, and they found them.
    assert!(expected.iter().any(|d| d[1] == 2 && d[3] != 0), "an edit of a known message");
    assert_eq!(built, expected);
}
