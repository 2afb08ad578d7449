//! `/conversations/{id}/messages`: an agent's reply out through the
//! conversation's channel, and the replies not sent yet.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::channels::service::ReplyError;
use crate::domain::UserRole;
use crate::http::AppState;
use crate::http::error::{ApiError, Code, blocking};
use crate::http::extract::Auth;
use crate::store::outbox::Reply;

impl From<ReplyError> for ApiError {
    fn from(e: ReplyError) -> Self {
        match e {
            ReplyError::Invalid(m) => ApiError::bad(m),
            ReplyError::NoChannel(m) | ReplyError::Window(m) => ApiError::new(Code::Conflict, m),
            ReplyError::NotFound => ApiError::not_found("reply"),
            ReplyError::Store(m) => ApiError::internal(m),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewReply {
    /// The reply (for a template: how the record shows it; default: its name and parameters).
    #[serde(default)]
    pub text: String,
    /// WhatsApp only: a pre-approved template, what WhatsApp allows after its 24-hour window.
    pub template: Option<crate::store::outbox::Template>,
    /// The agent it is sent as: required for users not linked to an agent;
    /// an agent user always replies as its own agent.
    pub agent: Option<String>,
}

/// May this caller act in this conversation, and as which agent?
fn replying_agent(
    state: &AppState,
    auth: &Auth,
    conversation: &str,
    asked: Option<String>,
) -> Result<String, ApiError> {
    let conv = state.store.conversation(conversation)?.ok_or_else(|| ApiError::not_found("conversation"))?;
    match auth.who.role {
        UserRole::Agent => {
            let own = auth.who.agent.clone().ok_or_else(ApiError::forbidden)?;
            // An agent answers its own conversations, or takes one nobody has answered.
            if !conv.agents.is_empty() && !conv.agents.contains(&own) {
                return Err(ApiError::forbidden());
            }
            if asked.is_some_and(|a| a != own) {
                return Err(ApiError::forbidden());
            }
            Ok(own)
        }
        UserRole::Admin | UserRole::Manager => asked
            .or_else(|| auth.who.agent.clone())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| ApiError::bad("say which `agent` the reply is sent as")),
        _ => Err(ApiError::forbidden()),
    }
}

/// Sends a reply: stored at once (202), sent through the channel with retries,
/// and recorded as the agent's message when the channel accepts it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "record", request_body = NewReply,
    responses((status = 202, body = Reply), (status = 409, body = crate::http::error::ErrorBody)))]
#[post("/conversations/{id}/messages")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: web::Json<NewReply>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let NewReply { text, agent, template } = body.into_inner();
    let actor = auth.actor();
    let reply = blocking(move || {
        let agent = replying_agent(&state, &auth, &id, agent)?;
        state.channels.queue_reply(&actor, &id, &agent, &text, template).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(reply))
}

/// The conversation's replies not sent yet: pending, or failed with the reason.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages/unsent", tag = "record",
    responses((status = 200, body = Vec<Reply>)))]
#[get("/conversations/{id}/messages/unsent")]
pub async fn list(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let replies = blocking(move || {
        if auth.who.role == UserRole::Agent {
            let conv = state.store.conversation(&id)?.ok_or_else(|| ApiError::not_found("conversation"))?;
            let own = auth.who.agent.clone().unwrap_or_default();
            if !conv.agents.is_empty() && !conv.agents.contains(&own) {
                return Err(ApiError::not_found("conversation"));
            }
        }
        state.channels.unsent_replies(&id).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(replies))
}

/// Puts a failed reply back in the queue.
#[utoipa::path(post, path = "/api/v1/replies/{reply}/retry", tag = "record",
    responses((status = 202, body = Reply), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/replies/{reply}/retry")]
pub async fn retry(state: web::Data<AppState>, auth: Auth, reply: web::Path<u64>) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager, UserRole::Agent])?;
    let actor = auth.actor();
    let r = blocking(move || state.channels.retry_reply(&actor, *reply).map_err(ApiError::from)).await?;
    Ok(HttpResponse::Accepted().json(r))
}
