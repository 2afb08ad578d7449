//! The OpenAPI document, served at `/api/v1/openapi.json`.

use utoipa::OpenApi;

use super::routes::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "chatledger API",
        description = "Every customer conversation in one tamper-evident record. \
        JSON under /api/v1; errors are {\"error\":{\"code\",\"message\"}}; times are RFC 3339; durations are seconds. \
        Authenticate with the session cookie from /auth/signin, or `Authorization: Bearer <token>`."
    ),
    paths(
        health::health,
        auth::sign_in,
        auth::sign_out,
        auth::me,
        events::import_events,
        events::export_events,
        conversations::list,
        conversations::get,
        directory::agents,
        directory::put_agent,
        directory::contacts,
        directory::contact,
        users::list,
        users::create,
        users::update,
        tokens::list,
        tokens::create,
        tokens::revoke,
        audit::list,
        audit::verify,
        metrics::metrics,
        metrics::samples,
        metrics::conversations_csv,
        metrics::scorecard,
        metrics::conversation_figures,
        settings::get_schedule,
        settings::put_schedule,
        settings::delete_schedule,
        settings::get_sla,
        settings::put_sla,
        search::search,
        search::status,
        attachments::get,
        qa::scorecards,
        qa::scorecard,
        qa::save_scorecard,
        qa::create_review,
        qa::reviews,
        qa::iqs,
        qa::dispute,
        qa::resolve,
        qa::disputes,
        qa::create_calibration,
        qa::calibrations,
        qa::calibration,
        qa::close_calibration,
        qa::rules,
        qa::put_phrase_rules,
        qa::run_checks,
        qa::findings,
        qa::dismiss,
        qa::aqs,
        qa::create_plan,
        qa::plans,
        qa::generate,
        qa::queue,
        replies::create,
        replies::list,
        replies::retry,
        channels::list,
        channels::put,
        channels::remove,
        channels::inbox,
        channels::import_email,
    ),
    components(schemas(crate::http::error::ErrorBody, crate::http::error::ErrorDetail))
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}
