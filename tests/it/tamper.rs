//! Changes made behind the appliance's back are caught by `chatledger verify`.

use crate::common::*;

fn imported_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let f = fixture("sample.ndjson");
    assert_eq!(cli(&data, &["import", f.to_str().unwrap(), "--batch", "10"]).status.code(), Some(0));
    (dir, data)
}

/// Flips one bit of every copy of `needle` in the database file (copy-on-write
/// leaves stale copies in free pages; one of the copies is the live one).
fn alter(data: &std::path::Path, needle: &[u8]) {
    let p = data.join("chatledger.redb");
    let mut b = std::fs::read(&p).unwrap();
    let hits: Vec<usize> = b.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect();
    assert!(!hits.is_empty(), "needle in the file");
    for i in hits {
        b[i + needle.len() - 1] ^= 0x01;
    }
    std::fs::write(&p, b).unwrap();
}

#[test]
fn verify_passes_on_an_untouched_store_and_prints_the_head() {
    let (_d, data) = imported_store();
    let out = cli(&data, &["verify"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("OK"), "{t}");
    assert!(t.contains("events: 26"), "{t}");
    let head = t.lines().find_map(|l| l.strip_prefix("chain head: ")).unwrap().to_string();
    // The noted head is accepted as an anchor while the chain grows...
    let f = fixture("sample.ndjson");
    cli(&data, &["import", f.to_str().unwrap()]);
    let out = cli(&data, &["verify", "--anchor", &head]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // ...and a different hash for that entry is reported as a rewrite.
    let (seq, _) = head.split_once(':').unwrap();
    let forged = format!("{seq}:{}", "0".repeat(64));
    let out = cli(&data, &["verify", "--anchor", &forged]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("rewritten"), "{}", text(&out));
}

#[test]
fn an_altered_message_text_is_caught_and_named() {
    let (_d, data) = imported_store();
    alter(&data, "请提供订单号".as_bytes());
    let out = cli(&data, &["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["ok"], false);
    let problems = r["problems"].to_string();
    // The chain names the batch holding the event (sample line 8 is in the batch of lines 1-10).
    assert!(problems.contains("events 1..=10") && problems.contains("altered"), "{problems}");
}

#[test]
fn an_altered_audit_entry_is_caught_and_named() {
    let (_d, data) = imported_store();
    alter(&data, b"lines 11-20");
    let out = cli(&data, &["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = r["problems"].to_string();
    assert!(problems.contains("audit entry 2"), "{problems}");
}

#[test]
fn a_user_record_changed_behind_the_back_is_caught() {
    let (_d, data) = imported_store();
    let out =
        cli_stdin(&data, &["user", "add", "mallory", "--role", "qa", "--password-stdin"], Some(b"password-123\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cli(&data, &["verify"]).status.code(), Some(0));
    // Turn the qa user into something else by flipping a byte of its stored record.
    alter(&data, b"mallory");
    let out = cli(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}
