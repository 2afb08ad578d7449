use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use figment::Figment;

use super::{Global, open_store};
use crate::channels::service::ChannelService;

#[derive(Subcommand)]
pub enum EmailCommand {
    /// Import .eml and .mbox files into an e-mail channel (threads by Message-ID,
    /// In-Reply-To and References; a message already stored is skipped).
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The e-mail channel instance (see `[[channels]]` or the admin API).
    #[arg(long)]
    pub channel: String,
    /// .eml files (one message) and .mbox files (many); an mbox is recognised by its `From ` first line.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(g: &Global, c: EmailCommand) -> anyhow::Result<i32> {
    let EmailCommand::Import(a) = c;
    let loaded = g.load(Figment::new())?;
    let store = Arc::new(open_store(&loaded)?);
    let channels = ChannelService::new(store);
    channels.load(&loaded.config.channels).map_err(|e| anyhow::anyhow!(e))?;
    let mut failed = false;
    for f in &a.files {
        let data = std::fs::read(f).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
        let mbox = data.starts_with(b"From ");
        match channels.import_email(&a.channel, &data, mbox) {
            Ok(s) => {
                println!(
                    "{}: {} message(s), {} new, {} already stored, {} event(s)",
                    f.display(),
                    s.messages,
                    s.new,
                    s.redeliveries,
                    s.events
                );
                for e in &s.errors {
                    println!("  {e}");
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                failed = true;
            }
        }
    }
    Ok(if failed { 1 } else { 0 })
}
