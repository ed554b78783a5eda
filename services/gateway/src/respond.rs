//! Responses: the body type, JSON answers and the error envelope every
//! refusal goes out in: `{"error": "<generic message>", "request_id": "..."}`.

use std::error::Error as StdError;

use alphaguard_config::refusal::{Refusal, json_error};
use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full};

/// Errors a response body can fail with.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// The response body type.
pub type Body = UnsyncBoxBody<Bytes, BoxError>;

/// A body of these bytes.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// `status` with a JSON body.
pub fn json(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The error envelope: a generic message and the request id (401 adds
/// `WWW-Authenticate: Bearer`).
pub fn error(status: StatusCode, message: &str, request_id: &str) -> Response<Body> {
    json_error::<String>(status, message, Some(request_id)).map(full)
}

/// A crate's refusal, in the envelope: its status and public message, as
/// the crate says once.
pub fn refusal(refusal: &dyn Refusal, request_id: &str) -> Response<Body> {
    error(refusal.status(), refusal.public_message(), request_id)
}

/// 405 with `Allow`.
pub fn method_not_allowed(allow: &'static str, request_id: &str) -> Response<Body> {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        request_id,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}
