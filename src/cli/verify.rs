use clap::Args;
use figment::Figment;

use super::{Global, open_store, progress};

#[derive(Args)]
pub struct VerifyArgs {
    /// A head noted earlier, as SEQ:HASH: verify also checks that this entry is still in the chain, unchanged.
    #[arg(long, value_name = "SEQ:HASH")]
    pub anchor: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Global, a: VerifyArgs) -> anyhow::Result<i32> {
    match check(g, &a) {
        Ok(code) => Ok(code),
        // A store that cannot even be read has failed verification.
        Err(e) => {
            println!("FAILED: the store cannot be read: {e:#}");
            Ok(1)
        }
    }
}

fn check(g: &Global, a: &VerifyArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let mut store = open_store(&loaded)?;
    let integrity = match store.check_integrity() {
        Ok(true) => Ok("ok".to_string()),
        Ok(false) => Ok("repaired (the file had not been closed cleanly)".to_string()),
        Err(e) => Err(e.to_string()),
    };
    let pb = progress::bar(0, "verifying");
    let mut report = store.verify(&mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    if let Err(e) = &integrity {
        report.ok = false;
        report.problems.insert(0, format!("store integrity: {e}"));
    }
    if let Some(anchor) = &a.anchor {
        let (seq, hash) = anchor
            .split_once(':')
            .and_then(|(s, h)| Some((s.parse::<u64>().ok()?, h.to_string())))
            .ok_or_else(|| anyhow::anyhow!("--anchor must be SEQ:HASH as printed by verify"))?;
        match store.audit_hash(seq)? {
            Some(h) if h == hash => {}
            Some(h) => {
                report.ok = false;
                report.problems.push(format!(
                    "anchor: entry {seq} now has hash {h}, not the noted {hash} (the chain was rewritten)"
                ));
            }
            None => {
                report.ok = false;
                report.problems.push(format!("anchor: entry {seq} no longer exists (the chain was cut or rewritten)"));
            }
        }
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("store integrity: {}", integrity.as_deref().unwrap_or_else(|e| e));
        println!("audit entries: {}, events: {}", report.audit_entries, report.events);
        if let Some(h) = &report.head {
            println!("chain head: {}:{}", h.seq, h.hash);
            println!(
                "(note the head down; `chatledger verify --anchor {}:{}` later proves the chain was not rewritten)",
                h.seq, h.hash
            );
        }
        if report.ok {
            println!("OK: the audit chain and every stored event verify");
        } else {
            for p in &report.problems {
                println!("FAILED: {p}");
            }
        }
    }
    Ok(if report.ok { 0 } else { 1 })
}
