//! Faults: a full disk, kill -9 in the middle of an import, a backup while serving.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn demo_file(dir: &std::path::Path, conversations: &str, seed: &str) -> std::path::PathBuf {
    let f = dir.join(format!("demo-{conversations}-{seed}.ndjson"));
    let out = cli(
        &dir.join("seed"),
        &["demo-export", "--conversations", conversations, "--seed", seed, "--out", f.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f
}

#[test]
fn kill_9_during_an_import_loses_nothing_acknowledged_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "8000", "5");
    let reference = dir.path().join("ref");
    assert_eq!(cli(&reference, &["import", file.to_str().unwrap()]).status.code(), Some(0));
    let expected = cli(&reference, &["export"]).stdout;

    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatledger"))
        .arg("--data")
        .arg(&data)
        .args(["import", file.to_str().unwrap(), "--batch", "200"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then kill without warning.
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let size = std::fs::metadata(data.join("chatledger.redb")).map(|m| m.len()).unwrap_or(0);
        if size > 4_000_000 || started.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was still running when killed");

    let out = cli(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "after kill -9: {}", text(&out));
    let partial = cli(&data, &["export"]).stdout;
    assert!(!partial.is_empty() && partial.len() < expected.len(), "killed mid-way");
    assert!(expected.starts_with(&partial), "what was stored is a prefix of the file, nothing doubled");

    let again = cli(&data, &["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let s: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(s["duplicates"].as_u64().unwrap() > 0);
    assert_eq!(cli(&data, &["export"]).stdout, expected);
    assert_eq!(cli(&data, &["verify"]).status.code(), Some(0));
}

#[test]
fn a_full_disk_stops_the_import_with_a_clear_error_and_what_was_committed_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "3000", "6");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // A file-size limit (ulimit -f, in 1 KiB blocks) plays a disk that runs full:
    // writes past it fail with EFBIG. SIGXFSZ is ignored so the write error is seen.
    let script = format!(
        "trap '' XFSZ; ulimit -f 3072; exec '{}' --data '{}' import '{}' --batch 1000",
        env!("CARGO_BIN_EXE_chatledger"),
        data.display(),
        file.display()
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("the import stopped"), "{t}");
    assert!(t.contains("everything up to line"), "{t}");
    // Nothing of a failed import is committed to the search index.
    assert!(t.contains("the search index was left as it was"), "{t}");
    let size = std::fs::metadata(data.join("chatledger.redb")).unwrap().len();
    assert!(size <= 3072 * 1024, "the limit held ({size} bytes)");

    let out = cli(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "what was committed verifies: {}", text(&out));
    // With room again, the same import completes, and its index is the one a rebuild makes.
    let out = cli(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cli(&data, &["verify"]).status.code(), Some(0));
    let totals = || {
        ["refund", "退款", "order"]
            .map(|q| text(&cli(&data, &["search", q])).lines().next().unwrap_or_default().to_string())
    };
    let after_import = totals();
    assert!(after_import.iter().all(|l| l.ends_with("hits") && !l.starts_with("0 ")), "{after_import:?}");
    assert_eq!(cli(&data, &["reindex", "--search"]).status.code(), Some(0));
    assert_eq!(totals(), after_import);
}

#[test]
fn a_backup_taken_while_the_server_runs_serves_the_same_record() {
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let admin = app.admin_token();
    let backup = app.dir.path().join("backup");
    let out = cli(&app.data(), &["backup", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Verify works on the live store too, while the server has it open.
    let out = cli(&app.data(), &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The live server keeps working after the backup.
    assert_eq!(get(&app.url("/api/v1/conversations/c-1"), Some(&admin)).0, 200);
    let out = cli(&backup, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let a = cli(&app.data(), &["export", "--no-directory"]).stdout;
    let b = cli(&backup, &["export", "--no-directory"]).stdout;
    assert_eq!(a, b);
    // `chatledger serve --data PATH` runs from the copy: the real binary, its banner, HTTP.
    let mut server = Command::new(env!("CARGO_BIN_EXE_chatledger"))
        .arg("--data")
        .arg(&backup)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut reader = std::io::BufReader::new(server.stdout.take().unwrap());
    let url = loop {
        let mut line = String::new();
        assert!(std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 0, "banner ended: {banner}");
        banner.push_str(&line);
        if let Some(u) = line.trim().strip_prefix("URL:") {
            break u.trim().trim_end_matches('/').to_string();
        }
    };
    // The API token made on the original works on the copy: users and tokens came along.
    let (s, list) = get(&format!("{url}/api/v1/conversations?limit=5"), Some(&admin));
    server.kill().unwrap();
    let _ = server.wait();
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(3));
    // A second backup to the same place is refused, not overwritten.
    let out = cli(&app.data(), &["backup", backup.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
}
