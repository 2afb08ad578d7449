//! A small HTTP/1.1 server on 127.0.0.1 that plays a channel's API: it
//! records every request and answers what the test's responder says.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path with query string.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// `(request, how many earlier requests had the same path)` → (status, JSON body).
type Responder = dyn Fn(&Recorded, usize) -> (u16, String) + Send + Sync;

pub struct MockServer {
    pub base: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl MockServer {
    pub fn start(responder: impl Fn(&Recorded, usize) -> (u16, String) + Send + Sync + 'static) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let (reqs, responder): (_, Arc<Responder>) = (requests.clone(), Arc::new(responder));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(req) = read_request(&mut stream) else { continue };
                let n = reqs.lock().unwrap().iter().filter(|r| r.path == req.path).count();
                reqs.lock().unwrap().push(req.clone());
                let (status, body) = responder(&req, n);
                // A page when it looks like one (a customer's site embedding the widget), else JSON.
                let ct = if body.starts_with('<') { "text/html; charset=utf-8" } else { "application/json" };
                let head = format!(
                    "HTTP/1.1 {status} Mock\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        MockServer { base, requests }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) until `n` requests have come.
    pub fn wait_for(&self, n: usize) -> Vec<Recorded> {
        let t0 = std::time::Instant::now();
        loop {
            let r = self.recorded();
            if r.len() >= n {
                return r;
            }
            assert!(t0.elapsed().as_secs() < 20, "only {} of {n} requests came: {r:?}", r.len());
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Recorded> {
    let mut r = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Recorded { method, path, headers, body })
}
