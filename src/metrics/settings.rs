//! The settings the metrics read: the business-hours schedule and the SLA
//! targets. Kept in the store (set through the API or the config file).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Setting names in the store.
pub const SCHEDULE_KEY: &str = "business_hours";
pub const SLA_KEY: &str = "sla";

/// The first-response target (metrics.md section 4, SLA attainment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTargets {
    /// Seconds; 300 unless set.
    #[serde(default = "default_sla")]
    pub default_seconds: i64,
    /// Per team, seconds.
    #[serde(default)]
    pub teams: BTreeMap<String, i64>,
}

fn default_sla() -> i64 {
    300
}

impl Default for SlaTargets {
    fn default() -> Self {
        SlaTargets { default_seconds: default_sla(), teams: BTreeMap::new() }
    }
}

impl SlaTargets {
    pub fn check(&self) -> Result<(), String> {
        if self.default_seconds < 0 || self.teams.values().any(|&s| s < 0) {
            return Err("SLA targets are seconds, 0 or more".into());
        }
        Ok(())
    }

    pub fn for_team(&self, team: Option<&str>) -> i64 {
        team.and_then(|t| self.teams.get(t)).copied().unwrap_or(self.default_seconds)
    }
}
