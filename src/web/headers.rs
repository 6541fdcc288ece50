//! Security headers on every answer. The Content-Security-Policy allows scripts only from
//! our own files (`/assets/*.js`: no inline script, so an injected `<script>` or `onerror=`
//! does nothing), images from ourselves (and `data:`/`blob:` for the upload previews), and
//! no framing. Inline *styles* stay allowed: views set CSS variables in `style` attributes.
//! The API's Swagger page brings inline scripts of its own and gets a looser policy.
//! With an https `base_url`, HSTS tells browsers to come back only over https.

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, header},
};

use crate::app::App;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'";
const DOCS_CSP: &str = "default-src 'self' 'unsafe-inline' data:; object-src 'none'; frame-ancestors 'none'";
const HSTS: &str = "max-age=31536000";

pub async fn secure<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let docs = req.uri().path().starts_with("/api/docs");
    let https = req.data::<App>().is_some_and(|s| s.config().secure_cookies);
    let mut resp = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if docs { DOCS_CSP } else { CSP }));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    Ok(resp)
}
