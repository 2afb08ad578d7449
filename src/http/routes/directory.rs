use actix_web::{HttpResponse, get, web};
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
