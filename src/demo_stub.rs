pub fn generate(_seed: u64, _conversations: usize, _end_ms: i64, _out: &mut dyn FnMut(serde_json::Value)) {}
