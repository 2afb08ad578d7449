use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};

use super::{Paged, limit};
use crate::domain::UserRole;
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::Auth;
use crate::record::views::{AgentView, ContactView, ConversationView};

/// Every agent, including those who left (active: false).
#[utoipa::path(get, path = "/api/v1/agents", tag = "directory", responses((status = 200, body = Vec<AgentView>)))]
#[get("/agents")]
pub async fn agents(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let list = blocking(move || state.store.agents()).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(AgentView::from).collect::<Vec<_>>()))
}

/// Fields of an agent to set; those left out keep their value.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AgentUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
    /// `support`, `sales` or `ops`.
    pub role: Option<String>,
    pub team: Option<String>,
    /// False when the agent leaves: its conversations stay with the company.
    pub active: Option<bool>,
}

/// Adds or changes an agent (admins and managers). Stored as an `agent` record
/// of the event format, through the same path as an import, and audited.
#[utoipa::path(put, path = "/api/v1/agents/{id}", tag = "directory", request_body = AgentUpdate,
    responses((status = 200, body = AgentView), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/agents/{id}")]
pub async fn put_agent(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: web::Json<AgentUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let (id, u) = (id.into_inner(), body.into_inner());
    let mut m = serde_json::Map::new();
    m.insert("type".into(), "agent".into());
    m.insert("id".into(), id.clone().into());
    for (k, v) in [("name", u.name), ("email", u.email), ("role", u.role), ("team", u.team)] {
        if let Some(v) = v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            m.insert(k.into(), v.into());
        }
    }
    if let Some(a) = u.active {
        m.insert("active".into(), a.into());
    }
    let record = crate::domain::parse::parse_object(&mut m).map_err(|e| ApiError::bad(e.0))?;
    let spec = crate::store::AuditSpec::new(&auth.actor(), "agent.set", format!("agent:{id}"));
    let agent = blocking(move || {
        state.store.write(spec, |tx| tx.append(vec![record]).map(|_| ()))?;
        state.store.agent(&id)
    })
    .await?
    .ok_or_else(|| ApiError::internal("the agent was not stored"))?;
    Ok(HttpResponse::Ok().json(AgentView::from(&agent)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ContactQuery {
    pub limit: Option<usize>,
    /// The last contact id of the previous page.
    pub cursor: Option<String>,
}

/// Contacts in id order. Managers, QA and admins only.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "directory", params(ContactQuery),
    responses((status = 200, body = Paged<ContactView>)))]
#[get("/contacts")]
pub async fn contacts(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ContactQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager, UserRole::Qa])?;
    let n = limit(q.limit);
    let after = q.cursor.clone();
    let list = blocking(move || state.store.contacts(after.as_deref(), n)).await?;
    let next = (list.len() == n).then(|| list.last().map(|c| c.id.clone())).flatten();
    Ok(HttpResponse::Ok().json(Paged { items: list.iter().map(ContactView::from).collect(), next }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactHistory {
    pub contact: ContactView,
    /// Every conversation of this contact, on every channel, with every agent.
    pub conversations: Vec<ConversationView>,
}

/// A contact with its whole history.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "directory",
    responses((status = 200, body = ContactHistory), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/contacts/{id}")]
pub async fn contact(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager, UserRole::Qa])?;
    let id = id.into_inner();
    let found = blocking(move || {
        let Some((c, ids)) = state.store.contact(&id)? else { return Ok(None) };
        let mut convs = Vec::new();
        for i in ids {
            if let Some(conv) = state.store.conversation_by_internal(i)? {
                convs.push(conv);
            }
        }
        Ok::<_, crate::store::StoreError>(Some((c, convs)))
    })
    .await?;
    let Some((c, convs)) = found else { return Err(ApiError::not_found("contact")) };
    Ok(HttpResponse::Ok().json(ContactHistory {
        contact: ContactView::from(&c),
        conversations: convs.iter().map(ConversationView::from).collect(),
    }))
}
