use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use figment::Figment;

use super::{Global, open_store};
use crate::domain::Channel;
use crate::domain::time::parse_rfc3339;
use crate::store::export::ExportFilter;
use crate::store::{Actor, AuditSpec};

#[derive(Args)]
pub struct ExportArgs {
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub conversation: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    /// Conversations this agent took part in.
    #[arg(long)]
    pub agent: Option<String>,
    /// Events at or after this time (RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Events before this time (RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// Leave out agent and contact records.
    #[arg(long)]
    pub no_directory: bool,
}

fn time(name: &str, v: &Option<String>) -> anyhow::Result<Option<i64>> {
    v.as_ref()
        .map(|s| {
            parse_rfc3339(s)
                .ok_or_else(|| anyhow::anyhow!("--{name} must be RFC 3339 with an offset, e.g. 2026-10-01T00:00:00Z"))
        })
        .transpose()
}

pub fn run(g: &Global, a: ExportArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let store = open_store(&loaded)?;
    let f = ExportFilter {
        conversation: a.conversation.clone(),
        channel: a
            .channel
            .as_ref()
            .map(|c| Channel::parse(c).ok_or_else(|| anyhow::anyhow!("unknown channel {c:?}")))
            .transpose()?,
        agent: a.agent.clone(),
        from: time("from", &a.from)?,
        to: time("to", &a.to)?,
        no_directory: a.no_directory,
    };
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(BufWriter::with_capacity(1 << 20, std::fs::File::create(p)?)),
        None => Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    };
    let spec = AuditSpec::new(&Actor::cli(), "events.export", "store").detail(format!(
        "conversation={:?} channel={:?} agent={:?} from={:?} to={:?}",
        a.conversation, a.channel, a.agent, a.from, a.to
    ));
    let n = store.export(spec, &f, &mut |rec| {
        serde_json::to_writer(&mut out, &rec.to_json()).map_err(io::Error::other)?;
        out.write_all(b"\n")
    })?;
    out.flush()?;
    eprintln!("exported {n} records");
    Ok(0)
}
