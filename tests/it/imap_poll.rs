//! Polling a mailbox on a real IMAP server: Debian's dovecot (installed by
//! .ci/run), started on a free loopback port with its own configuration.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

struct Dovecot {
    dir: tempfile::TempDir,
    port: u16,
}

/// Mail files belong to this uid (dovecot refuses root for mail access).
const MAIL_UID: u32 = 65534;

impl Dovecot {
    fn start() -> Dovecot {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Dovecot's unprivileged login processes must reach its base directory.
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        for sub in ["run", "state", "home/support/Maildir/new", "home/support/Maildir/cur", "home/support/Maildir/tmp"]
        {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        std::fs::write(d.join("users"), "support:{PLAIN}mail-pass\n").unwrap();
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             default_internal_user = dovecot\ndefault_internal_group = dovecot\ndefault_login_user = dovenull\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={MAIL_UID} gid={MAIL_UID} home={d}/home/%u\n}}\n\
             mail_location = maildir:{d}/home/%u/Maildir\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            d = d.display()
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        chown_tree(&d.join("home"));
        let st = std::process::Command::new("/usr/sbin/dovecot")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .status()
            .expect("the IMAP test needs Debian's dovecot (apt-get install dovecot-imapd)");
        assert!(
            st.success(),
            "dovecot did not start: {}",
            std::fs::read_to_string(d.join("dovecot.log")).unwrap_or_default()
        );
        let t0 = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t0.elapsed().as_secs() < 15, "dovecot is not listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Dovecot { dir, port }
    }

    fn deliver(&self, name: &str, bytes: &[u8]) {
        let new = self.dir.path().join("home/support/Maildir/new");
        let tmp = self.dir.path().join("home/support/Maildir/tmp").join(name);
        std::fs::write(&tmp, bytes).unwrap();
        std::os::unix::fs::chown(&tmp, Some(MAIL_UID), Some(MAIL_UID)).unwrap();
        std::fs::rename(&tmp, new.join(name)).unwrap();
    }
}

fn chown_tree(p: &Path) {
    std::os::unix::fs::chown(p, Some(MAIL_UID), Some(MAIL_UID)).unwrap();
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chown_tree(&e.unwrap().path());
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = std::process::Command::new("/usr/sbin/dovecot")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .arg("stop")
            .status();
    }
}

fn email(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("channels/email/{name}"))).unwrap()
}

fn messages_in(app: &TestApp, token: &str, conv: &str) -> usize {
    let (s, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(token));
    if s != 200 {
        return 0;
    }
    t["timeline"].as_array().unwrap().iter().filter(|i| i["event"]["type"] == "message").count()
}

fn wait_messages(app: &TestApp, token: &str, conv: &str, n: usize) {
    let t0 = Instant::now();
    while messages_in(app, token, conv) < n {
        assert!(
            t0.elapsed().as_secs() < 30,
            "{conv} never had {n} messages: {}",
            get(&app.url("/api/v1/channels"), Some(token)).1
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_polled_mailbox_brings_each_new_message_once_and_leaves_the_mail_unread() {
    let dovecot = Dovecot::start();
    dovecot.deliver("1.host", &email("mikel-mail_rfc2822_example05_original.eml"));
    dovecot.deliver("2.host", &email("mikel-mail_rfc2822_example06_reply.eml"));
    let app = TestApp::start();
    let admin = app.admin_token();
    let url = format!("imap://support:mail-pass@127.0.0.1:{}/INBOX", dovecot.port);
    let cfg = json!({"kind": "email", "account_id": "support@example.com", "imap_url": url, "poll_seconds": 1});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/mail"), Some(&admin), &cfg).0, 200);
    let conv = "mail:1234@local.machine.example";
    wait_messages(&app, &admin, conv, 2);
    // A message arriving later comes with the next poll; the earlier ones are not read again.
    dovecot.deliver("3.host", &email("mikel-mail_rfc2822_example07_reply_to_reply.eml"));
    wait_messages(&app, &admin, conv, 3);
    std::thread::sleep(Duration::from_millis(2500));
    let (_, inbox) = get(&app.url("/api/v1/channels-inbox?channel=mail"), Some(&admin));
    assert_eq!(inbox["items"].as_array().unwrap().len(), 3, "{inbox}");
    let (_, list) = get(&app.url("/api/v1/channels"), Some(&admin));
    assert!(list[0]["last_poll"].as_str().unwrap().contains("ok"), "{list}");
    assert_eq!(list[0]["imap_url_set"], true);
    assert!(!list.to_string().contains("mail-pass"));
    // Read-only: the messages are still unseen in the mailbox (no \Seen flag in their names).
    let cur: Vec<PathBuf> = std::fs::read_dir(dovecot.dir.path().join("home/support/Maildir/cur"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(cur.iter().all(|p| !p.to_string_lossy().contains(":2,S")), "{cur:?}");

    // A wrong password is reported in the channel's status, not fatal.
    let bad = json!({"kind": "email", "account_id": "x@example.com", "imap_url": format!("imap://support:wrong@127.0.0.1:{}/INBOX", dovecot.port), "poll_seconds": 1});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/mail2"), Some(&admin), &bad).0, 200);
    let t0 = Instant::now();
    loop {
        let (_, list) = get(&app.url("/api/v1/channels"), Some(&admin));
        let m2 = list.as_array().unwrap().iter().find(|c| c["id"] == "mail2").unwrap().clone();
        if m2["last_poll"].as_str().is_some_and(|s| s.contains("failed") && s.contains("login")) {
            break;
        }
        assert!(t0.elapsed().as_secs() < 20, "{m2}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
