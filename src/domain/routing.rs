//! Who holds a conversation and whose it is (the holder and home agent of the
//! metric definitions, section 1), folded event by event. Shared by the
//! stored conversation state and the metric rules, so both read the spec once.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    routed_to: Option<String>,
    last_responder: Option<String>,
    first_routing: Option<String>,
    first_responder: Option<String>,
}

impl Routing {
    pub fn assign(&mut self, agent: &str) {
        self.routed_to = Some(agent.to_string());
        self.first_routing.get_or_insert_with(|| agent.to_string());
    }

    pub fn transfer(&mut self, from: &str, to: &str) {
        self.routed_to = Some(to.to_string());
        self.first_routing.get_or_insert_with(|| from.to_string());
    }

    pub fn human_response(&mut self, agent: &str) {
        self.last_responder = Some(agent.to_string());
        self.first_responder.get_or_insert_with(|| agent.to_string());
    }

    /// The agent of the latest assign or transfer, else the latest human responder.
    pub fn holder(&self) -> Option<&str> {
        self.routed_to.as_deref().or(self.last_responder.as_deref())
    }

    /// The agent of the first routing event (an assign's agent, a transfer's from), else the first responder.
    pub fn home(&self) -> Option<&str> {
        self.first_routing.as_deref().or(self.first_responder.as_deref())
    }
}
