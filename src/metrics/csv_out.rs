//! CSV of a grouped metrics answer: one row for the whole selection, then one
//! per group; nested figures become `first_response.median`-style columns.

use serde_json::Value;

use super::report::{Metrics, MetricsAnswer};

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(|x| x.to_string()).collect();
            out.push((prefix.to_string(), parts.join(" ")));
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn row(m: &Metrics) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten("", &serde_json::to_value(m).expect("serializable"), &mut out);
    out
}

/// The answer as CSV text. Columns are the union over every row (channel
/// shares differ between groups), in order of first appearance.
pub fn grouped_csv(a: &MetricsAnswer) -> String {
    let label = a.query.group_by.map_or("group", |g| g.as_str());
    let mut rows: Vec<(String, Vec<(String, String)>)> = vec![("(all)".to_string(), row(&a.overall))];
    for g in &a.groups {
        rows.push((g.group.clone().unwrap_or_else(|| "(none)".into()), row(&g.metrics)));
    }
    let mut columns: Vec<String> = Vec::new();
    for (_, r) in &rows {
        for (k, _) in r {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![label.to_string()];
    header.extend(columns.iter().cloned());
    w.write_record(&header).expect("in memory");
    for (name, r) in rows {
        let mut rec = vec![name];
        for c in &columns {
            rec.push(r.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone()).unwrap_or_default());
        }
        w.write_record(&rec).expect("in memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("utf-8")
}
