//! `chatledger metrics`: the figures of a period on the command line, as a
//! table, JSON or CSV, computed exactly as the API computes them.

use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::Global;
use crate::domain::time::now_ms;
use crate::metrics::csv_out::grouped_csv;
use crate::metrics::query::QueryParams;
use crate::metrics::report::Metrics;
use crate::metrics::service::MetricsService;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Start, inclusive: YYYY-MM-DD (local midnight in --tz) or RFC 3339. Default: 30 days before --to.
    #[arg(long)]
    from: Option<String>,
    /// End, exclusive. Default: the end of today.
    #[arg(long)]
    to: Option<String>,
    /// IANA time zone, e.g. Asia/Shanghai.
    #[arg(long, default_value = "UTC")]
    tz: String,
    /// agent, team, role, channel, tag, hour, day, week, month, hour_of_day, weekday, weekday_hour.
    #[arg(long)]
    group_by: Option<String>,
    /// Filters (comma-separated values).
    #[arg(long)]
    agent: Option<String>,
    #[arg(long)]
    team: Option<String>,
    #[arg(long)]
    role: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long)]
    tag: Option<String>,
    /// Business-hours variants (default: when a schedule is set).
    #[arg(long)]
    business: Option<bool>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Benchmarking: run the query this many more times and print each run's time to stderr.
    #[arg(long, hide = true, default_value_t = 0)]
    repeat: u32,
}

pub fn run(global: &Global, a: MetricsArgs) -> anyhow::Result<i32> {
    let loaded = global.load(figment::Figment::new())?;
    let store = Arc::new(super::open_store_with(&loaded, crate::store::Sharing::Shared)?);
    let params = QueryParams {
        from: a.from,
        to: a.to,
        tz: Some(a.tz),
        group_by: a.group_by,
        agent: a.agent,
        team: a.team,
        role: a.role,
        channel: a.channel,
        tag: a.tag,
        business: a.business,
    };
    let q = match params.resolve(now_ms()) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    let service = MetricsService::new(store);
    // The same settings the server would use: the config file's win.
    super::serve::apply_configured_settings(&service, &loaded.config)?;
    let answer = match service.metrics(&q) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    for _ in 0..a.repeat {
        let t = std::time::Instant::now();
        service.metrics(&q).map_err(|e| anyhow::anyhow!("{e}"))?;
        eprintln!("query ms: {:.1}", t.elapsed().as_secs_f64() * 1000.0);
    }
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Csv => print!("{}", grouped_csv(&answer)),
        Format::Table => {
            println!("{} to {} ({})", answer.query.from, answer.query.to, answer.query.tz);
            print_table(&answer.overall, &answer.groups);
        }
    }
    Ok(0)
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("-".into(), |x| x.to_string())
}

fn print_table(overall: &Metrics, groups: &[crate::metrics::report::Group]) {
    println!(
        "{:<18} {:>8} {:>6} {:>9} {:>8} {:>9} {:>9} {:>9} {:>6} {:>6} {:>5}",
        "group", "handled", "new", "frt_med", "frt_p90", "reply_avg", "reply_p90", "resol_med", "sla%", "unans", "csat"
    );
    let line = |name: &str, m: &Metrics| {
        println!(
            "{:<18} {:>8} {:>6} {:>9} {:>8} {:>9} {:>9} {:>9} {:>6} {:>6} {:>5}",
            name,
            m.conversations_handled,
            m.new_conversations,
            opt(m.first_response.median),
            opt(m.first_response.p90),
            opt(m.reply.mean.map(|x| format!("{x:.1}"))),
            opt(m.reply.p90),
            opt(m.resolution.median),
            opt(m.sla.share.map(|x| format!("{:.1}", x * 100.0))),
            m.unanswered,
            opt(m.csat.mean.map(|x| format!("{x:.2}"))),
        )
    };
    line("(all)", overall);
    for g in groups {
        line(g.group.as_deref().unwrap_or("(none)"), &g.metrics);
    }
}
