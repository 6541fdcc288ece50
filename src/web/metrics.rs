//! `/metrics` for a Prometheus server (behind an API token, as `Authorization: Bearer`),
//! and the middleware that times every request for it.

use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request, Response, handler, http::header, web::Data};

use crate::app::{self, App, AppError};

/// Times the request and records it under its area and status class.
pub async fn observe<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let started = Instant::now();
    let path = req.uri().path().to_string();
    let state = req.data::<App>().cloned();
    let resp = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    if let Some(state) = state {
        state.observe(&path, resp.status().as_u16(), started.elapsed());
    }
    Ok(resp)
}

#[handler]
pub async fn metrics(Data(state): Data<&App>, req: &Request) -> poem::Result<Response> {
    let token = req
        .header(header::AUTHORIZATION)
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| AppError::Unauthorized("an API token is needed (Authorization: Bearer …)".into()))?;
    app::auth::check_api_token(state, token.trim()).await?;
    let text = app::metrics::render(state).await?;
    Ok(text.with_content_type("text/plain; version=0.0.4; charset=utf-8").into_response())
}
