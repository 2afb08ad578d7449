use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct DemoExportArgs {
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value_t = 3000)]
    pub conversations: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// End of the 90-day window, RFC 3339 (default: now). Fix it for byte-identical output.
    #[arg(long)]
    pub end: Option<String>,
}

/// Writes the demo data set as NDJSON in the event format, without a store.
pub fn run(a: DemoExportArgs) -> anyhow::Result<i32> {
    let end = match &a.end {
        Some(s) => crate::domain::time::parse_rfc3339(s)
            .ok_or_else(|| anyhow::anyhow!("--end must be RFC 3339 with an offset"))?,
        None => crate::domain::time::now_ms(),
    };
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut err = None;
    crate::demo::generate(a.seed, a.conversations, end, &mut |v| {
        if err.is_none()
            && let Err(e) =
                serde_json::to_writer(&mut out, &v).map_err(std::io::Error::other).and_then(|_| out.write_all(b"\n"))
        {
            err = Some(e);
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    out.flush()?;
    Ok(0)
}
