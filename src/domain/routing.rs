//! Who holds a conversation and whose it is (the holder and home agent of the
//! metric definitions, section 1), folded event by event. Shared by the
//! stored conversation state (agents as strings) and the metric rules (agents
//! as interned numbers), so both read the spec once.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routing<A = String> {
    routed_to: Option<A>,
    last_responder: Option<A>,
    first_routing: Option<A>,
    first_responder: Option<A>,
}

impl<A> Default for Routing<A> {
    fn default() -> Self {
        Routing { routed_to: None, last_responder: None, first_routing: None, first_responder: None }
    }
}

impl<A: Clone> Routing<A> {
    pub fn assign(&mut self, agent: &A) {
        self.routed_to = Some(agent.clone());
        self.first_routing.get_or_insert_with(|| agent.clone());
    }

    pub fn transfer(&mut self, from: &A, to: &A) {
        self.routed_to = Some(to.clone());
        self.first_routing.get_or_insert_with(|| from.clone());
    }

    pub fn human_response(&mut self, agent: &A) {
        self.last_responder = Some(agent.clone());
        self.first_responder.get_or_insert_with(|| agent.clone());
    }

    /// The agent of the latest assign or transfer, else the latest human responder.
    pub fn holder(&self) -> Option<&A> {
        self.routed_to.as_ref().or(self.last_responder.as_ref())
    }

    /// The agent of the first routing event (an assign's agent, a transfer's from), else the first responder.
    pub fn home(&self) -> Option<&A> {
        self.first_routing.as_ref().or(self.first_responder.as_ref())
    }
}
