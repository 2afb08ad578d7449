//! Configuration: defaults < `chatledger.toml` < `CHATLEDGER_*` environment < flags.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Directory holding the database (and, later, the search index).
    pub data: PathBuf,
    /// Address the HTTP server listens on.
    pub listen: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Hours a sign-in session lasts.
    pub session_hours: u64,
    /// Password for the first admin on an empty store (else one is generated and printed once).
    pub admin_password: Option<String>,
    /// redb page cache in MiB.
    pub cache_mib: usize,
    /// Business-hours schedule (metrics.md section 6). When set here, it
    /// replaces the stored one (set through the API) at every start.
    pub business_hours: Option<crate::metrics::schedule::Schedule>,
    /// First-response SLA targets. When set here, they replace the stored ones at every start.
    pub sla: Option<crate::metrics::settings::SlaTargets>,
    /// Channel instances (`[[channels]]`). Each replaces the stored instance
    /// with the same id at every start; others set through the API stay.
    pub channels: Vec<crate::channels::config::ChannelConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            session_hours: 12,
            admin_password: None,
            cache_mib: 64,
            business_hours: None,
            sla: None,
            channels: vec![],
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data", &self.data)
            .field("listen", &self.listen)
            .field("log_format", &self.log_format)
            .field("session_hours", &self.session_hours)
            .field("admin_password", &self.admin_password.as_ref().map(|_| "<redacted>"))
            .field("cache_mib", &self.cache_mib)
            .field("business_hours", &self.business_hours)
            .field("sla", &self.sla)
            .field("channels", &self.channels)
            .finish()
    }
}

/// Where the configuration came from, for the start banner.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub file: Option<PathBuf>,
}

/// Loads the file (explicit path, or `./chatledger.toml` if present), then the
/// environment, then `overrides` (the command line's flags, as a TOML-like map).
pub fn load(file: Option<&Path>, overrides: Figment) -> Result<Loaded, Box<figment::Error>> {
    let default_file = PathBuf::from("chatledger.toml");
    let file = match file {
        Some(p) => {
            if !p.exists() {
                return Err(Box::new(figment::Error::from(format!("config file {} does not exist", p.display()))));
            }
            Some(p.to_path_buf())
        }
        None => default_file.exists().then_some(default_file),
    };
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(f) = &file {
        fig = fig.merge(Toml::file(f));
    }
    warn_unknown_env();
    fig = fig.merge(Env::prefixed("CHATLEDGER_").only(KNOWN_ENV)).merge(overrides);
    let config: Config = fig.extract().map_err(Box::new)?;
    Ok(Loaded { config, file })
}

const KNOWN_ENV: &[&str] = &["data", "listen", "log_format", "session_hours", "admin_password", "cache_mib"];

fn warn_unknown_env() {
    for (k, _) in std::env::vars() {
        if let Some(rest) = k.strip_prefix("CHATLEDGER_")
            && !KNOWN_ENV.contains(&rest.to_ascii_lowercase().as_str())
        {
            eprintln!("warning: unknown environment variable {k} is ignored");
        }
    }
}

/// Every setting with its default, as a commented TOML file.
pub fn default_toml() -> String {
    let d = Config::default();
    let head = format!(
        "# chatledger.toml: every setting with its default.\n\
         # Precedence: command-line flags > CHATLEDGER_* environment > this file > defaults.\n\n\
         # Directory holding the database.\ndata = {:?}\n\n\
         # Address the HTTP server listens on.\nlisten = {:?}\n\n\
         # Log format: \"text\" or \"json\".\nlog_format = {:?}\n\n\
         # Hours a sign-in session lasts.\nsession_hours = {}\n\n\
         # Password of the first admin, used only when the store has no user yet.\n\
         # Prefer the CHATLEDGER_ADMIN_PASSWORD environment variable.\n# admin_password = \"...\"\n\n\
         # Database page cache, MiB.\ncache_mib = {}\n",
        d.data.display().to_string(),
        d.listen,
        d.log_format,
        d.session_hours,
        d.cache_mib
    );
    head + METRICS_EXAMPLE
}

/// The metrics settings, commented out (see docs/metrics.md).
const METRICS_EXAMPLE: &str = r#"
# Business hours (docs/metrics.md). When set here, they replace the ones set
# through the API at every start. Unlisted weekdays are closed.
# [business_hours]
# tz = "Asia/Shanghai"
# holidays = ["2026-10-01"]
# [business_hours.hours]
# mon = [["09:00", "12:00"], ["13:00", "18:00"]]
# tue = [["09:00", "18:00"]]

# First-response SLA targets in seconds (default 300), per team if needed.
# [sla]
# default_seconds = 300
# [sla.teams]
# cn-care = 120

# Channel instances (docs/channels.md). Webhooks arrive at /hooks/<kind>/<id>.
# Prefer the admin API for secrets, or keep this file readable by chatledger only.
# [[channels]]
# id = "wa-main"
# kind = "whatsapp"
# account_id = "1122334455667"    # phone_number_id
# secret = "..."                  # App Secret (signs webhooks)
# verify_token = "..."            # hub.verify_token of the subscription
# access_token = "..."            # for sending replies
"#;

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's own signature
mod tests {
    use super::*;

    #[test]
    fn business_hours_and_sla_read_from_the_file() {
        figment::Jail::expect_with(|jail| {
            // The commented example of default_toml, uncommented, must load as it reads.
            let example: String = default_toml()
                .lines()
                .skip_while(|l| !l.contains("[business_hours]"))
                .take_while(|l| !l.contains("Channel instances"))
                .map(|l| l.trim_start_matches("# "))
                .filter(|l| !l.starts_with('#') && !l.starts_with("First-response"))
                .collect::<Vec<_>>()
                .join("\n");
            jail.create_file("chatledger.toml", &example)?;
            let c =
                load(Some(std::path::Path::new("chatledger.toml")), Figment::new()).map_err(|e| e.to_string())?.config;
            let b = c.business_hours.expect("schedule");
            assert_eq!(b.tz, "Asia/Shanghai");
            assert_eq!(b.hours["mon"].len(), 2);
            b.compile().map_err(|e| e.to_string())?;
            let sla = c.sla.expect("sla");
            assert_eq!((sla.default_seconds, sla.teams["cn-care"]), (300, 120));
            Ok(())
        });
    }

    #[test]
    fn the_channel_example_reads_as_it_is_written() {
        figment::Jail::expect_with(|jail| {
            let example: String = default_toml()
                .lines()
                .skip_while(|l| !l.contains("[[channels]]"))
                .map(|l| l.trim_start_matches("# "))
                .collect::<Vec<_>>()
                .join("\n");
            jail.create_file("chatledger.toml", &example)?;
            let c =
                load(Some(std::path::Path::new("chatledger.toml")), Figment::new()).map_err(|e| e.to_string())?.config;
            assert_eq!(c.channels.len(), 1);
            assert_eq!(c.channels[0].kind, Some(crate::channels::config::Kind::Whatsapp));
            c.channels[0].validate().map_err(|e| e.to_string())?;
            Ok(())
        });
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("chatledger.toml", "listen = \"127.0.0.1:1\"\nsession_hours = 3\ncache_mib = 5\n")?;
            jail.set_env("CHATLEDGER_LISTEN", "127.0.0.1:2");
            jail.set_env("CHATLEDGER_SESSION_HOURS", "4");
            let flags = Figment::new().merge(Serialized::default("listen", "127.0.0.1:3"));
            let l = load(None, flags).map_err(|e| e.to_string())?;
            assert_eq!(l.config.listen, "127.0.0.1:3");
            assert_eq!(l.config.session_hours, 4);
            assert_eq!(l.config.cache_mib, 5);
            assert_eq!(l.config.log_format, "text");
            assert!(l.file.is_some());
            Ok(())
        });
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("chatledger.toml", "lisen = \"x\"\n")?;
            assert!(load(None, Figment::new()).is_err());
            Ok(())
        });
    }
}
