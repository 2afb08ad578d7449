//! Named settings (JSON values), e.g. the business-hours schedule. Every
//! change is a write with its audit entry, like any other.

use redb::ReadableTable;

use super::error::Result;
use super::tables::SETTINGS;
use super::{Actor, AuditSpec, Store};

impl Store {
    /// A setting's JSON text, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(SETTINGS)?;
        Ok(t.get(key)?.map(|v| String::from_utf8_lossy(v.value()).into_owned()))
    }

    /// Sets (Some) or clears (None) a setting; audited as `settings.set` / `settings.clear`.
    pub fn put_setting(&self, actor: &Actor, key: &str, json: Option<&str>) -> Result<()> {
        let action = if json.is_some() { "settings.set" } else { "settings.clear" };
        let spec = AuditSpec::new(actor, action, key);
        let spec = match json {
            Some(j) => spec.detail(j.to_string()),
            None => spec,
        };
        self.write(spec, |tx| {
            match json {
                Some(j) => {
                    tx.settings.insert(key, j.as_bytes())?;
                }
                None => {
                    tx.settings.remove(key)?;
                }
            }
            Ok(())
        })
    }
}
