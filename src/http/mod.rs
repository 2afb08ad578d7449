//! HTTP: the one route table, error rendering, extractors, the embedded UI.
//! Handlers parse, check the caller's role, call a service, shape JSON;
//! they never open a redb table or a Tantivy writer.

pub mod assets;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{App, HttpResponse, HttpServer, dev::Server, middleware, web};

use crate::channels::service::ChannelService;
use crate::metrics::runner::Runner;
use crate::metrics::service::MetricsService;
use crate::qa::service::QaService;
use crate::search::service::SearchService;
use crate::store::Store;
use error::{ApiError, Code};
use routes::*;

pub struct AppState {
    pub store: Arc<Store>,
    pub session_hours: u64,
    pub metrics: Arc<MetricsService>,
    /// Metric queries computing at once; the others queue (see routes::metrics).
    pub metric_slots: Arc<tokio::sync::Semaphore>,
    pub metric_runner: Arc<Runner>,
    /// Started by `serve` (see `SearchService::start`); until then search answers 503.
    pub search: Arc<SearchService>,
    /// Started by `serve` (see `ChannelService::start`); until then webhooks answer 503.
    pub channels: Arc<ChannelService>,
    pub qa: Arc<QaService>,
}

impl AppState {
    pub fn new(store: Arc<Store>, session_hours: u64) -> AppState {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
        let data_dir = store.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        AppState {
            search: SearchService::new(store.clone(), &crate::search::index::dir_of(&data_dir)),
            metrics: MetricsService::new(store.clone()),
            channels: ChannelService::new(store.clone()),
            qa: QaService::new(store.clone()),
            store,
            session_hours,
            metric_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            metric_runner: Arc::new(Runner::new(slots)),
        }
    }
}

/// The route table: `/api/v1/*` first, then the UI.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(error::json_config()).app_data(error::query_config()).service(
        web::scope("/api/v1")
            // Raw bodies (e-mail uploads) up to 64 MiB.
            .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
            .service(health::health)
            .route("/openapi.json", web::get().to(|| async { HttpResponse::Ok().json(openapi::document()) }))
            .service(auth::sign_in)
            .service(auth::sign_out)
            .service(auth::me)
            .service(events::import_events)
            .service(events::export_events)
            .service(conversations::list)
            .service(metrics::conversation_figures)
            .service(conversations::get)
            .service(directory::agents)
            .service(directory::put_agent)
            .service(directory::contacts)
            .service(directory::contact)
            .service(users::list)
            .service(users::create)
            .service(users::update)
            .service(tokens::list)
            .service(tokens::create)
            .service(tokens::revoke)
            .service(audit::list)
            .service(audit::verify)
            .service(metrics::metrics)
            .service(metrics::samples)
            .service(metrics::conversations_csv)
            .service(metrics::scorecard)
            .service(settings::get_schedule)
            .service(settings::put_schedule)
            .service(settings::delete_schedule)
            .service(settings::get_sla)
            .service(settings::put_sla)
            .service(search::status)
            .service(search::search)
            .service(channels::list)
            .service(channels::put)
            .service(channels::remove)
            .service(channels::inbox)
            .service(channels::import_email)
            .service(attachments::get)
            .service(qa::scorecards)
            .service(qa::scorecard)
            .service(qa::save_scorecard)
            .service(qa::create_review)
            .service(qa::reviews)
            .service(qa::iqs)
            .service(qa::dispute)
            .service(qa::resolve)
            .service(qa::disputes)
            .service(qa::create_calibration)
            .service(qa::calibrations)
            .service(qa::calibration)
            .service(qa::close_calibration)
            .service(qa::rules)
            .service(qa::put_phrase_rules)
            .service(qa::run_checks)
            .service(qa::findings)
            .service(qa::dismiss)
            .service(qa::aqs)
            .service(qa::create_plan)
            .service(qa::plans)
            .service(qa::generate)
            .service(qa::queue)
            .service(replies::create)
            .service(replies::list)
            .service(replies::retry)
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(ApiError::new(Code::NotFound, "no such API route"))
            })),
    );
    cfg.service(
        web::scope("/hooks")
            .app_data(web::PayloadConfig::new(hooks::MAX_BODY))
            .route("/{path}/{id}", web::get().to(hooks::handshake))
            .route("/{path}/{id}", web::post().to(hooks::deliver)),
    );
    cfg.service(
        web::scope("/chat/{channel}")
            .app_data(web::PayloadConfig::new(64 * 1024))
            .route("/messages", web::post().to(widget::post))
            .route("/messages", web::get().to(widget::history))
            .route("/stream", web::get().to(widget::stream))
            .route("/{tail:.*}", web::method(actix_web::http::Method::OPTIONS).to(widget::preflight)),
    );
    cfg.default_service(web::to(assets::serve));
}

/// Starts the server on `listener`; the returned future runs until stopped.
pub fn serve(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms").log_target("chatledger::http"))
            .configure(configure)
    })
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}
