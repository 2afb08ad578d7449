//! `chatledger search`: the API's search on the command line, over the index
//! in the data directory (the server's, also while it runs).

use clap::Args;
use figment::Figment;

use super::{Global, open_store_with};
use crate::domain::UserRole;
use crate::search::index::{SearchIndex, Unusable, dir_of};
use crate::search::indexer::load_sets;
use crate::search::params::SearchParams;
use crate::search::service::{SearchService, Viewer};
use crate::store::{Actor, Sharing};

#[derive(Args)]
pub struct SearchArgs {
    /// The query, e.g. "退款 -测试" or "\"refund request\" channel:email".
    pub query: String,
    /// From this date (local midnight in --tz) or RFC 3339 time.
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this date (inclusive) or RFC 3339 time (exclusive).
    #[arg(long)]
    pub to: Option<String>,
    /// Time zone of the dates (default UTC).
    #[arg(long)]
    pub tz: Option<String>,
    /// Comma-separated channels.
    #[arg(long)]
    pub channel: Option<String>,
    /// Comma-separated agent ids.
    #[arg(long)]
    pub agent: Option<String>,
    /// Comma-separated teams.
    #[arg(long)]
    pub team: Option<String>,
    /// Comma-separated tags.
    #[arg(long)]
    pub tag: Option<String>,
    /// Comma-separated senders: customer, agent, bot.
    #[arg(long)]
    pub sender: Option<String>,
    /// Deleted and recalled messages: include (default), exclude, only.
    #[arg(long)]
    pub deleted: Option<String>,
    /// relevance or newest.
    #[arg(long)]
    pub sort: Option<String>,
    /// Hits to show (1 to 100).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The `next` cursor printed by the previous page.
    #[arg(long)]
    pub page: Option<String>,
    /// table or json.
    #[arg(long, default_value = "table")]
    pub format: String,
}

pub fn run(g: &Global, a: SearchArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let store = std::sync::Arc::new(open_store_with(&loaded, Sharing::Shared)?);
    let dir = dir_of(&loaded.config.data);
    let (index, payload) = SearchIndex::open(&dir).map_err(|why| match why {
        Unusable::Missing => anyhow::anyhow!(
            "no search index in {} yet: start the server (it builds one) or run `chatledger reindex --search`",
            dir.display()
        ),
        other => anyhow::anyhow!("{other}: run `chatledger reindex --search`"),
    })?;
    let head = store.facts_version()?.0;
    if payload.seq < head {
        eprintln!(
            "note: the index is {} events behind the store; the running server catches up, or run `chatledger reindex --search`",
            head - payload.seq
        );
    }
    let (sets, _) = load_sets(&store)?;
    let service = SearchService::new(store.clone(), &dir);
    service.attach(index, sets);
    let params = SearchParams {
        q: Some(a.query),
        channel: a.channel,
        agent: a.agent,
        team: a.team,
        tag: a.tag,
        sender: a.sender,
        from: a.from,
        to: a.to,
        tz: a.tz,
        deleted: a.deleted,
        sort: a.sort,
        page: a.page,
        limit: Some(a.limit),
    };
    let req = params.resolve().map_err(|e| anyhow::anyhow!(e))?;
    let viewer = Viewer { role: UserRole::Admin, agent: None, actor: Actor::cli() };
    let answer = service.search(&viewer, &req)?;
    match a.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&answer)?),
        "table" => {
            println!("{} hit{}", answer.total, if answer.total == 1 { "" } else { "s" });
            for h in &answer.hits {
                let flags = match (h.deleted, h.kind.as_str()) {
                    (true, k) => format!("{k}, deleted"),
                    (false, k) => k.to_string(),
                };
                println!(
                    "{}  {}/{}  {} {} [{}]  {}",
                    &h.ts[..16.min(h.ts.len())],
                    h.conversation,
                    h.message.as_deref().unwrap_or("note"),
                    h.channel.as_deref().unwrap_or("-"),
                    h.sender,
                    flags,
                    plain(&h.snippet)
                );
            }
            if let Some(n) = &answer.next {
                println!("more: --page {n}");
            }
        }
        other => anyhow::bail!("format {other:?} is not table or json"),
    }
    Ok(0)
}

/// A snippet for a terminal: marks as brackets, entities back to characters.
fn plain(snippet: &str) -> String {
    snippet
        .replace("<mark>", "[")
        .replace("</mark>", "]")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
