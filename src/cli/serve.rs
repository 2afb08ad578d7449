use std::net::TcpListener;
use std::sync::Arc;

use clap::Args;
use figment::Figment;
use figment::providers::Serialized;

use super::{Global, open_store_with, progress};
use crate::auth::{password, service};
use crate::domain::UserRole;
use crate::http::{self, AppState};
use crate::store::{Actor, Store};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
    /// On an empty store, load the demo data set first.
    #[arg(long)]
    pub demo: bool,
    /// Number of demo conversations.
    #[arg(long, default_value_t = 3000)]
    pub demo_conversations: usize,
    /// Seed of the demo data set.
    #[arg(long, default_value_t = 7)]
    pub demo_seed: u64,
    /// Password of the first admin (default: generated and printed once). Also CHATLEDGER_ADMIN_PASSWORD.
    #[arg(long)]
    pub admin_password: Option<String>,
}

pub fn run(g: &Global, a: ServeArgs) -> anyhow::Result<i32> {
    let mut extra = Figment::new();
    if let Some(l) = &a.listen {
        extra = extra.merge(Serialized::default("listen", l));
    }
    if let Some(p) = &a.admin_password {
        extra = extra.merge(Serialized::default("admin_password", p));
    }
    let loaded = g.load(extra)?;
    let cfg = loaded.config.clone();
    let store = Arc::new(open_store_with(&loaded, crate::store::Sharing::Shared)?);

    if a.demo {
        load_demo(&store, a.demo_seed, a.demo_conversations)?;
    }
    let first_admin = ensure_admin(&store, cfg.admin_password.as_deref())?;

    let listener =
        TcpListener::bind(&cfg.listen).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr()?;
    println!();
    println!("  chatledger {} is running", env!("CARGO_PKG_VERSION"));
    println!("  URL:         http://{addr}/");
    println!("  API:         http://{addr}/api/v1/openapi.json");
    println!("  data:        {}", std::fs::canonicalize(&cfg.data).unwrap_or(cfg.data.clone()).display());
    println!(
        "  config file: {}",
        loaded
            .file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "none (defaults, CHATLEDGER_* environment, flags)".into())
    );
    match &first_admin {
        Some((user, Some(pw))) => println!(
            "  sign in:     user {user:?}, one-time password {pw:?} (shown only now; change it after signing in)"
        ),
        Some((user, None)) => println!("  sign in:     user {user:?} with the password you gave"),
        None => println!("  sign in:     with your user; `chatledger user add` creates more"),
    }
    println!();

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let state = AppState::new(store, cfg.session_hours);
        apply_configured_settings(&state.metrics, &cfg).map_err(std::io::Error::other)?;
        // The metrics read every conversation's facts into memory once; meanwhile they answer 503.
        let metrics = state.metrics.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            match metrics.load() {
                Ok(n) => tracing::info!(conversations = n, seconds = started.elapsed().as_secs_f32(), "metrics ready"),
                Err(e) => tracing::error!(error = %e, "loading the metrics facts failed"),
            }
        });
        // The search index follows the store from its own thread; a missing
        // index is built meanwhile (search answers 503 until it is ready).
        state.search.start();
        let search = state.search.clone();
        // Webhooks are stored and acknowledged by the channel threads; translation follows.
        state.channels.start(&cfg.channels).map_err(std::io::Error::other)?;
        let channels = state.channels.clone();
        // Automatic QA checks follow the event log like the search index.
        state.qa.start();
        let qa = state.qa.clone();
        let server = http::serve(state, listener)?;
        let handle = server.handle();
        // Ctrl-C and SIGTERM (systemd's stop) both end cleanly: requests finish, the store closes.
        tokio::spawn(async move {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("install the SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            tracing::info!("stopping");
            handle.stop(true).await;
        });
        let r = server.await;
        channels.shutdown();
        qa.shutdown();
        search.shutdown();
        r
    })?;
    Ok(0)
}

/// Settings given in the config file win over stored ones at each start.
pub fn apply_configured_settings(
    metrics: &crate::metrics::service::MetricsService,
    cfg: &crate::config::Config,
) -> anyhow::Result<()> {
    let actor = Actor { who: "config".into(), ..Default::default() };
    let current = metrics.settings().map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(s) = &cfg.business_hours
        && current.schedule.as_ref() != Some(s)
    {
        metrics.set_schedule(&actor, Some(s)).map_err(|e| anyhow::anyhow!("config business_hours: {e}"))?;
    }
    if let Some(s) = &cfg.sla
        && &current.sla != s
    {
        metrics.set_sla(&actor, s).map_err(|e| anyhow::anyhow!("config sla: {e}"))?;
    }
    Ok(())
}

/// On a store with no user, creates `admin` with the configured password or a generated one.
fn ensure_admin(store: &Store, configured: Option<&str>) -> anyhow::Result<Option<(String, Option<String>)>> {
    if store.user_count()? > 0 {
        return Ok(None);
    }
    let (pw, generated) = match configured {
        Some(p) => (p.to_string(), false),
        None => (password::generate(), true),
    };
    service::add_user(store, &Actor::system(), "admin", &pw, UserRole::Admin, None)?;
    Ok(Some(("admin".into(), generated.then_some(pw))))
}

fn load_demo(store: &Store, seed: u64, conversations: usize) -> anyhow::Result<()> {
    if store.chain_head()?.is_some_and(|_| store.has_events().unwrap_or(true)) {
        println!("the store already holds data; --demo adds nothing");
        return Ok(());
    }
    let pb = progress::bar(0, "demo data");
    let started = std::time::Instant::now();
    let stats = crate::ingest::demo::load(store, seed, conversations, &mut |n| pb.set_position(n))?;
    pb.finish_and_clear();
    println!(
        "demo data: {} conversations, {} events in {:.1} s",
        conversations,
        stats.accepted,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
