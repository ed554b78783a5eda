//! What a refusal means on the wire, said once by the crate that refuses,
//! and how a service wraps it in its own envelope.
//!
//! Each crate's refusal type implements [`Refusal`]: its HTTP status, the
//! generic message a client may see, and the label metrics and logs use.
//! The crates' tower layers render refusals through a [`RefusalResponse`]
//! policy the service chooses (as tower-http's `ValidateRequest` takes a
//! policy), so one service answers every refusal in one format. The
//! default, [`JsonError`], writes `{"error": "<message>"}`.

use std::fmt;

use http::{Extensions, HeaderValue, Response, StatusCode, header};

/// A request refused before it reached the application.
pub trait Refusal: fmt::Debug + Send + Sync {
    /// The HTTP status to answer with.
    fn status(&self) -> StatusCode;

    /// A generic message for the client: never the detail (that goes to
    /// the log).
    fn public_message(&self) -> &'static str;

    /// A short stable label for metrics and logs (`rate_limited`,
    /// `bad_signature`, ...).
    fn label(&self) -> &'static str;
}

/// How a layer turns a [`Refusal`] into a response: the service's error
/// envelope. `extensions` are the refused request's, where outer layers
/// leave what the envelope may need (a request id, say).
///
/// Any `Fn(&dyn Refusal, &Extensions) -> Response<B>` that is `Clone +
/// Send + Sync` is a policy.
pub trait RefusalResponse<B>: Clone + Send + Sync + 'static {
    /// The response for `refusal`.
    fn respond(&self, refusal: &dyn Refusal, extensions: &Extensions) -> Response<B>;
}

impl<B, F> RefusalResponse<B> for F
where
    F: Fn(&dyn Refusal, &Extensions) -> Response<B> + Clone + Send + Sync + 'static,
{
    fn respond(&self, refusal: &dyn Refusal, extensions: &Extensions) -> Response<B> {
        self(refusal, extensions)
    }
}

/// The default policy: `{"error": "<public message>"}` as
/// `application/json`, with `WWW-Authenticate: Bearer` on a 401.
///
/// ```
/// use alphaguard_config::refusal::{JsonError, Refusal, RefusalResponse};
/// use http::StatusCode;
///
/// #[derive(Debug)]
/// struct Nope;
/// impl Refusal for Nope {
///     fn status(&self) -> StatusCode { StatusCode::UNAUTHORIZED }
///     fn public_message(&self) -> &'static str { "unauthorized" }
///     fn label(&self) -> &'static str { "nope" }
/// }
///
/// let response: http::Response<String> = JsonError.respond(&Nope, &http::Extensions::new());
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.body(), r#"{"error":"unauthorized"}"#);
/// assert_eq!(response.headers()["www-authenticate"], "Bearer");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonError;

impl<B: From<String>> RefusalResponse<B> for JsonError {
    fn respond(&self, refusal: &dyn Refusal, _: &Extensions) -> Response<B> {
        json_error(refusal.status(), refusal.public_message(), None)
    }
}

/// `{"error": message}` (and `"request_id"` when given) with `status`:
/// the body every alphaguard error response has. `message` and `request_id`
/// are written as JSON strings, escaped.
pub fn json_error<B: From<String>>(
    status: StatusCode,
    message: &str,
    request_id: Option<&str>,
) -> Response<B> {
    let mut body = String::with_capacity(64);
    body.push_str(r#"{"error":"#);
    push_json_string(&mut body, message);
    if let Some(id) = request_id {
        body.push_str(r#","request_id":"#);
        push_json_string(&mut body, id);
    }
    body.push('}');
    let mut response = Response::new(B::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_ids_are_escaped() {
        let response: Response<String> =
            json_error(StatusCode::BAD_REQUEST, "a\"b\\c\n", Some("id-1"));
        let body = response.body();
        assert_eq!(body, r#"{"error":"a\"b\\c\u000a","request_id":"id-1"}"#);
        assert!(!response.headers().contains_key("www-authenticate"));
    }
}
