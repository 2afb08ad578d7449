//! The command line: one file per subcommand.

pub mod backup;
pub mod demo_export;
pub mod email;
pub mod export;
pub mod import;
pub mod metrics;
pub mod progress;
pub mod qa;
pub mod reindex;
pub mod search;
pub mod serve;
pub mod user;
pub mod verify;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use figment::Figment;
use figment::providers::Serialized;

use crate::config::{self, Loaded};
use crate::store::{OpenOptions, Sharing, Store};

#[derive(Parser)]
#[command(
    name = "chatledger",
    version,
    about = "Every customer conversation in one tamper-evident record, with fair performance figures."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Configuration file (default: ./chatledger.toml if it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (default: ./data).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Log format: text or json.
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the appliance (HTTP API and web UI).
    Serve(serve::ServeArgs),
    /// Import events (NDJSON, the event format) from a file or `-` for stdin.
    Import(import::ImportArgs),
    /// Export events as NDJSON.
    Export(export::ExportArgs),
    /// Check the audit chain against the stored events; print the chain's head.
    Verify(verify::VerifyArgs),
    /// Make a consistent copy of the store, also while the server runs.
    Backup(backup::BackupArgs),
    /// Rebuild every derived table and the search index from the events (`--search`: only the index).
    Reindex(reindex::ReindexArgs),
    /// Search every transcript (the query language of the API).
    Search(search::SearchArgs),
    /// Team performance figures for a period (as the API computes them).
    Metrics(metrics::MetricsArgs),
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Quality review: run the automatic checks.
    #[command(subcommand)]
    Qa(qa::QaCommand),
    /// E-mail: import .eml and .mbox files into an e-mail channel.
    #[command(subcommand)]
    Email(email::EmailCommand),
    /// Print every setting with its default, as a chatledger.toml.
    DefaultConfig,
    /// Show the space each table of the store uses.
    Stats,
    /// Give free space in the database file back to the file system (needs the store alone).
    Compact {
        /// Also pack half-empty pages into fewer (slower; later writes split them again).
        #[arg(long)]
        full: bool,
    },
    /// Write the demo data set as NDJSON (the event format), without a store.
    DemoExport(demo_export::DemoExportArgs),
}

impl Global {
    pub fn load(&self, extra: Figment) -> anyhow::Result<Loaded> {
        let mut flags = Figment::new();
        if let Some(d) = &self.data {
            flags = flags.merge(Serialized::default("data", d));
        }
        if let Some(f) = &self.log_format {
            flags = flags.merge(Serialized::default("log_format", f));
        }
        Ok(config::load(self.config.as_deref(), flags.merge(extra))?)
    }
}

pub fn open_store(loaded: &Loaded) -> anyhow::Result<Store> {
    open_store_with(loaded, Sharing::PreferExclusive)
}

pub fn open_store_with(loaded: &Loaded, sharing: Sharing) -> anyhow::Result<Store> {
    let opts = OpenOptions { cache_bytes: loaded.config.cache_mib * 1024 * 1024, sharing };
    Store::open_dir(&loaded.config.data, &opts)
        .map_err(|e| anyhow::anyhow!("cannot open the store in {}: {e}", loaded.config.data.display()))
}

/// Runs the command; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Serve(a) => serve::run(&cli.global, a),
        Command::Import(a) => import::run(&cli.global, a),
        Command::Export(a) => export::run(&cli.global, a),
        Command::Verify(a) => verify::run(&cli.global, a),
        Command::Backup(a) => backup::run(&cli.global, a),
        Command::Reindex(a) => reindex::run(&cli.global, a),
        Command::Search(a) => search::run(&cli.global, a),
        Command::Metrics(a) => metrics::run(&cli.global, a),
        Command::User(c) => user::run(&cli.global, c),
        Command::Email(c) => email::run(&cli.global, c),
        Command::Qa(c) => qa::run(&cli.global, c),
        Command::DemoExport(a) => demo_export::run(a),
        Command::Compact { full } => {
            let loaded = cli.global.load(Figment::new())?;
            let mut store = open_store(&loaded)?;
            if !store.is_exclusive() {
                anyhow::bail!("another chatledger process (the server?) has the store open; stop it first");
            }
            let before = crate::store::FileSize::of(store.path());
            let started = std::time::Instant::now();
            store.compact_fully(full, &mut |n, size| {
                eprintln!("  pass {n}: {:.0} MB, {:.1} s", size as f64 / 1e6, started.elapsed().as_secs_f64())
            })?;
            let after = crate::store::FileSize::of(store.path());
            println!("compacted in {:.1} s: {before} before, {after} after", started.elapsed().as_secs_f64());
            Ok(0)
        }
        Command::Stats => {
            let loaded = cli.global.load(Figment::new())?;
            let store = open_store(&loaded)?;
            let file = crate::store::FileSize::of(store.path());
            println!("{:<18} {:>12} {:>14} {:>14}", "table", "entries", "stored bytes", "page bytes");
            for t in store.table_space()? {
                println!("{:<18} {:>12} {:>14} {:>14}", t.table, t.entries, t.stored_bytes, t.page_bytes);
            }
            println!("file: {} bytes on disk, {} bytes long", file.on_disk, file.length);
            Ok(0)
        }
        Command::DefaultConfig => {
            print!("{}", config::default_toml());
            Ok(0)
        }
    }
}
