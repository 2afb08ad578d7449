//! `chatledger import` / `export` / `reindex` through the real binary.

use crate::common::*;

fn bad_input() -> Vec<u8> {
    let good = std::fs::read(fixture("sample.ndjson")).unwrap();
    let mut v = good.clone();
    v.extend_from_slice(b"\n   \n");
    v.extend_from_slice(b"{\"type\":\"wave\",\"conversation\":\"c-9\",\"ts\":\"2026-11-02T09:00:00Z\"}\n");
    v.extend_from_slice(
        b"{\"type\":\"tag\",\"conversation\":\"c-\xff\",\"ts\":\"2026-11-02T09:00:00Z\",\"tag\":\"x\"}\n",
    );
    v.extend_from_slice(b"{\"type\":\"note\",\"conversation\":\"c-9\",\"ts\":\"2026-11-02T09:00:00Z\",\"text\":\"");
    v.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    v.extend_from_slice(b"\"}\n");
    v.extend_from_slice(
        b"{\"type\":\"tag\",\"conversation\":\"c-9\",\"ts\":\"2026-11-02T09:00:00Z\",\"tag\":\"late\"}\n",
    );
    v.extend_from_slice(b"{\"type\":\"message\",\"conversation\":\"c-9\",\"id\":\"m1\",\"chan");
    v
}

#[test]
fn a_bad_line_gets_its_own_reason_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("in.ndjson");
    std::fs::write(&file, bad_input()).unwrap();
    let out = cli(&data, &["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The sample's 26 lines and the tag after the 10 MB line.
    assert_eq!(s["accepted"], 27);
    assert_eq!(s["rejected"], 4);
    assert_eq!(s["blank"], 2);
    let reasons: Vec<(u64, String)> = s["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(reasons[0].0, 29);
    assert!(reasons[0].1.contains("unknown type"), "{reasons:?}");
    assert_eq!(reasons[1].0, 30);
    assert!(reasons[1].1.contains("UTF-8"), "{reasons:?}");
    assert_eq!(reasons[2].0, 31);
    assert!(reasons[2].1.contains("longer than the limit"), "{reasons:?}");
    assert_eq!(reasons[3].0, 33);
    assert!(reasons[3].1.contains("truncated"), "{reasons:?}");

    // The line after the 10 MB one was imported: conversation c-9 exists with its tag.
    let exp = cli(&data, &["export", "--conversation", "c-9"]);
    let lines = String::from_utf8(exp.stdout).unwrap();
    assert!(lines.contains("\"tag\":\"late\""), "{lines}");
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let f = fixture("sample.ndjson");
    let first = cli(&data, &["import", f.to_str().unwrap(), "--json"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let before = cli(&data, &["export"]).stdout;
    let again = cli(&data, &["import", f.to_str().unwrap(), "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(s["accepted"], 0);
    assert_eq!(s["duplicates"], 26);
    assert_eq!(cli(&data, &["export"]).stdout, before);
    // From stdin too.
    let piped = cli_stdin(&data, &["import", "-", "--json"], Some(&std::fs::read(&f).unwrap()));
    let s: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!((s["accepted"].as_u64(), s["duplicates"].as_u64()), (Some(0), Some(26)));
}

#[test]
fn an_export_imported_elsewhere_reproduces_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let demo = dir.path().join("demo.ndjson");
    // A generated data set: the demo generator's output, through a first store.
    let seed_store = dir.path().join("seed");
    let out =
        cli(&seed_store, &["demo-export", "--conversations", "400", "--seed", "3", "--out", demo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cli(&a, &["import", demo.to_str().unwrap()]).status.code(), Some(0));
    let sample = fixture("sample.ndjson");
    assert_eq!(cli(&a, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    let e1 = dir.path().join("e1.ndjson");
    let e1_path = e1.clone();
    assert_eq!(cli(&a, &["export", "-o", e1.to_str().unwrap()]).status.code(), Some(0));
    let out = cli(&b, &["import", e1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("MB on disk") && !text(&out).contains("compacting"), "{}", text(&out));
    let e2 = cli(&b, &["export"]).stdout;
    let e1 = std::fs::read(&e1).unwrap();
    assert!(e1.len() > 100_000, "the data set is not trivial");
    assert_eq!(e1, e2, "export → import → export is the identity");

    // Derived state agrees too.
    let sa = chatledger::store::Store::open_dir(&a, &Default::default()).unwrap();
    let sb = chatledger::store::Store::open_dir(&b, &Default::default()).unwrap();
    let f = Default::default();
    let la: Vec<_> = sa
        .list_conversations(&f, None, 100_000)
        .unwrap()
        .items
        .into_iter()
        .map(|c| (c.id.clone(), c.status(), c.holder.clone(), c.messages, c.tags.clone()))
        .collect();
    let lb: Vec<_> = sb
        .list_conversations(&f, None, 100_000)
        .unwrap()
        .items
        .into_iter()
        .map(|c| (c.id.clone(), c.status(), c.holder.clone(), c.messages, c.tags.clone()))
        .collect();
    assert_eq!(la.len(), 403);
    assert_eq!(la, lb);
    drop((sa, sb));

    // An import compacts only when asked, and the compacted store still verifies.
    let c = dir.path().join("c");
    let out = cli(&c, &["import", e1_path.to_str().unwrap(), "--compact"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("compacting") && text(&out).contains("MB on disk after"), "{}", text(&out));
    assert_eq!(cli(&c, &["export"]).stdout, e2);
    assert_eq!(cli(&c, &["verify"]).status.code(), Some(0));
    // Compacting again, without and with packing, changes nothing a reader sees.
    for args in [&["compact"][..], &["compact", "--full"][..]] {
        let out = cli(&c, args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains("compacted in"), "{}", text(&out));
        assert_eq!(cli(&c, &["export"]).stdout, e2);
    }
    assert_eq!(cli(&c, &["verify"]).status.code(), Some(0));
}

#[test]
fn reindex_rebuilds_every_derived_table_identically() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = dir.path().join("demo.ndjson");
    let out = cli(
        &dir.path().join("seed"),
        &["demo-export", "--conversations", "300", "--seed", "9", "--out", demo.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Importing in reverse order makes many conversations refold out of order.
    let text_all = std::fs::read_to_string(&demo).unwrap();
    let mut lines: Vec<&str> = text_all.lines().collect();
    lines.reverse();
    let rev = dir.path().join("rev.ndjson");
    std::fs::write(&rev, lines.join("\n")).unwrap();
    assert_eq!(cli(&data, &["import", rev.to_str().unwrap(), "--batch", "500"]).status.code(), Some(0));
    let snapshot = |data: &std::path::Path| {
        let s = chatledger::store::Store::open_dir(data, &Default::default()).unwrap();
        let items = s.list_conversations(&Default::default(), None, 100_000).unwrap().items;
        let agents = s.agents().unwrap();
        let facts: Vec<_> = items.iter().map(|c| s.conversation_facts(&c.id).unwrap().unwrap()).collect();
        (items, agents, facts)
    };
    let before = snapshot(&data);
    let out = cli(&data, &["reindex"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = snapshot(&data);
    assert_eq!(before.0.len(), 300);
    assert_eq!(before, after);
    // And the refolded state equals the state of an in-order import.
    let ordered = dir.path().join("ordered");
    assert_eq!(cli(&ordered, &["import", demo.to_str().unwrap()]).status.code(), Some(0));
    let inorder = snapshot(&ordered);
    let key = |v: &Vec<chatledger::store::Conversation>| {
        let mut k: Vec<_> = v
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.status(),
                    c.holder.clone(),
                    c.home.clone(),
                    c.waiting_since,
                    c.messages,
                    c.tags.len(),
                    c.csat,
                )
            })
            .collect();
        k.sort_by(|a, b| a.0.cmp(&b.0));
        k
    };
    assert_eq!(key(&after.0), key(&inorder.0));
    // The facts too: refolded out of order, rebuilt, or folded in order, they agree.
    let by_id = |s: &(Vec<chatledger::store::Conversation>, Vec<_>, Vec<chatledger::store::facts::Facts>)| {
        let mut v: Vec<_> = s.0.iter().map(|c| c.id.clone()).zip(s.2.iter().cloned()).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(by_id(&after), by_id(&inorder));
    assert!(after.2.iter().all(|f| !f.items.is_empty()));
}

/// An attachment with some fields absent is stored, read back and exported
/// as it came (the store's encoding once lost such records).
#[test]
fn attachments_with_absent_fields_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"type":"message","conversation":"c-a","id":"m1","channel":"email","ts":"2026-11-10T09:00:00Z","sender":"customer","contact":"k-1","text":"see file","attachments":[{"name":"invoice.pdf"}]}"#;
    let o = crate::common::cli_stdin(dir.path(), &["import", "-"], Some(line.as_bytes()));
    assert!(o.status.success(), "{}", crate::common::text(&o));
    let o = crate::common::cli(dir.path(), &["export"]);
    assert!(o.status.success(), "{}", crate::common::text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(r#""attachments":[{"name":"invoice.pdf"}]"#), "{out}");
}
