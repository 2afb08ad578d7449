//! Test harness: a real store in a temp dir, the real server on 127.0.0.1:0,
//! the real CLI binary.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chatledger::auth::service;
use chatledger::domain::UserRole;
use chatledger::http::{self, AppState};
use chatledger::store::{Actor, OpenOptions, Store};
use serde_json::Value;

pub const ADMIN_PW: &str = "admin-password-1";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs the chatledger binary with `--data dir` and the given arguments.
pub fn cli(dir: &Path, args: &[&str]) -> Output {
    cli_stdin(dir, args, None)
}

pub fn cli_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatledger"));
    cmd.arg("--data").arg(dir).args(args);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn chatledger");
    {
        let mut si = child.stdin.take().unwrap();
        if let Some(b) = stdin {
            si.write_all(b).unwrap();
        }
    }
    child.wait_with_output().expect("wait chatledger")
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A running server over a store in its own temp dir.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub store: Arc<Store>,
    pub base: String,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    pub search: Arc<chatledger::search::service::SearchService>,
    pub channels: Arc<chatledger::channels::service::ChannelService>,
    pub qa: Arc<chatledger::qa::service::QaService>,
}

impl TestApp {
    pub fn start() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_dir(&dir.path().join("data"), &OpenOptions::default()).unwrap());
        service::add_user(&store, &Actor::system(), "admin", ADMIN_PW, UserRole::Admin, None).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let state = AppState::new(store.clone(), 1);
        state.search.start();
        state.channels.start(&[]).unwrap();
        state.qa.start();
        let search = state.search.clone();
        let channels = state.channels.clone();
        let qa = state.qa.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = http::serve(state, listener).unwrap();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            })
        });
        let handle = rx.recv().unwrap();
        TestApp { dir, store, base, handle, thread: Some(thread), search, channels, qa }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Imports a fixture through the store's one path in.
    pub fn import_fixture(&self, name: &str) {
        let mut r = std::io::BufReader::new(std::fs::File::open(fixture(name)).unwrap());
        let s = chatledger::ingest::import(&self.store, &Actor::system(), &mut r, &Default::default(), &mut |_| {});
        assert_eq!(s.rejected, 0, "{:?}", s.rejections);
    }

    /// Creates a user (if needed) and returns a new API token acting as it.
    pub fn token_for(&self, user: &str, role: UserRole, agent: Option<&str>) -> String {
        if self.store.user(user).unwrap().is_none() {
            service::add_user(&self.store, &Actor::system(), user, "password-123", role, agent.map(str::to_string))
                .unwrap();
        }
        service::create_token(&self.store, &Actor::system(), user, "test").unwrap().0
    }

    pub fn admin_token(&self) -> String {
        service::create_token(&self.store, &Actor::system(), "admin", "test").unwrap().0
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let h = self.handle.clone();
        let _ = std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false))).join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.search.shutdown();
        self.channels.shutdown();
        self.qa.shutdown();
    }
}

/// A plain HTTP client on loopback; no status is turned into an error.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn finish(mut resp: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = agent().get(url);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    finish(req.call().unwrap())
}

pub fn send_json(method: &str, url: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let a = agent();
    let req = match method {
        "POST" => a.post(url),
        "PATCH" => a.patch(url),
        "PUT" => a.put(url),
        other => panic!("{other}"),
    };
    let req = match token {
        Some(t) => req.header("Authorization", &format!("Bearer {t}")),
        None => req,
    };
    finish(req.send_json(body).unwrap())
}

pub fn post_bytes(url: &str, token: &str, body: &[u8]) -> (u16, Value) {
    let req = agent()
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/x-ndjson");
    finish(req.send(body).unwrap())
}

/// GET a text body: (status, content type, body).
pub fn get_text(url: &str, token: &str) -> (u16, String, String) {
    let mut resp = agent().get(url).header("Authorization", &format!("Bearer {token}")).call().unwrap();
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (resp.status().as_u16(), ct, resp.body_mut().read_to_string().unwrap())
}

pub fn delete(url: &str, token: &str) -> (u16, Value) {
    finish(agent().delete(url).header("Authorization", &format!("Bearer {token}")).call().unwrap())
}

/// Audit entries (newest first) as (action, target) pairs.
pub fn audit_actions(store: &Store, n: usize) -> Vec<(String, String)> {
    store.audit_entries(None, n).unwrap().into_iter().map(|e| (e.action, e.target)).collect()
}

impl TestApp {
    /// Waits until the search index has every event of the store (at most 30 s).
    pub fn wait_indexed(&self) {
        let head = self.store.facts_version().unwrap().0;
        let t0 = std::time::Instant::now();
        loop {
            let s = self.search.status();
            if s.ready && s.events_indexed >= head {
                return;
            }
            assert!(s.error.is_none(), "indexer failed: {:?}", s.error);
            assert!(t0.elapsed().as_secs() < 30, "search index not ready: {s:?}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
