use std::sync::Arc;

use clap::{Args, Subcommand};
use figment::Figment;

use super::{Global, open_store};
use crate::qa::checks::run::Checks;
use crate::store::Actor;

#[derive(Subcommand)]
pub enum QaCommand {
    /// Run the automatic checks: over the whole history, or (--new) over the
    /// conversations with events the checks have not seen yet.
    Check(CheckArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// Only the conversations that got events since the last check.
    #[arg(long)]
    pub new: bool,
}

pub fn run(g: &Global, c: QaCommand) -> anyhow::Result<i32> {
    let QaCommand::Check(a) = c;
    let loaded = g.load(Figment::new())?;
    let store = Arc::new(open_store(&loaded)?);
    let checks = Checks::new(store);
    let started = std::time::Instant::now();
    if a.new {
        let mut conversations = 0;
        loop {
            let n = checks.catch_up()?;
            if n == 0 {
                break;
            }
            conversations += n;
        }
        println!("checked {conversations} conversation(s) with new events in {:.2} s", started.elapsed().as_secs_f64());
    } else {
        let s = checks.run_all(&Actor::cli())?;
        println!("checked {} conversation(s), {} finding(s), in {:.1} s", s.conversations, s.findings, s.seconds);
    }
    Ok(0)
}
