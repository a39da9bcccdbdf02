//! Request extractors and the error envelope of the REST API.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use opsdeck_protocol::admin::HttpOk;
use opsdeck_protocol::{AckFailure, ErrorCode, ProtocolError, Role};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{AuthError, Identity};
use crate::state::App;

/// A failed request, rendered as `{success: false, error}` with the code's status.
#[derive(Debug)]
pub struct ApiError(pub ProtocolError);

impl From<ProtocolError> for ApiError {
    fn from(e: ProtocolError) -> Self {
        Self(e)
    }
}

impl From<crate::error::ServerError> for ApiError {
    fn from(e: crate::error::ServerError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(AckFailure::from(&self.0))).into_response()
    }
}

/// `{success: true, data}`.
pub fn ok<T: Serialize>(data: T) -> Json<HttpOk<T>> {
    Json(HttpOk {
        success: true,
        data,
    })
}

/// The verified caller of an HTTP request (`Authorization: Bearer <JWT>`).
pub struct Caller(pub Identity);

impl Caller {
    /// Refuses callers below `min`.
    pub fn require(&self, min: Role) -> Result<&Identity, ApiError> {
        if self.0.at_least(min) {
            Ok(&self.0)
        } else {
            Err(ProtocolError::forbidden(format!("requires role {min} or above")).into())
        }
    }
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or(AuthError::Missing);
        header
            .and_then(|h| app.verifier.verify(h))
            .map(Caller)
            .map_err(|e| ProtocolError::new(ErrorCode::Unauthorized, e.to_string()).into())
    }
}

/// A JSON body whose rejections use the API envelope (`bad_request`, `too_large`).
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<App> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, app: &App) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, app).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ProtocolError::new(ErrorCode::TooLarge, "request body too large").into())
            }
            Err(e) => Err(ProtocolError::bad_request(e.body_text()).into()),
        }
    }
}

/// A minimum role for [`AtLeast`].
pub trait MinRole {
    /// The role.
    const ROLE: Role;
}

/// Marker: role `viewer` or above.
pub struct ViewerRole;
impl MinRole for ViewerRole {
    const ROLE: Role = Role::Viewer;
}
/// Marker: role `dispatcher` or above.
pub struct DispatcherRole;
impl MinRole for DispatcherRole {
    const ROLE: Role = Role::Dispatcher;
}
/// Marker: role `admin`.
pub struct AdminRole;
impl MinRole for AdminRole {
    const ROLE: Role = Role::Admin;
}

/// A verified caller with at least role `R`, checked before the body is read, so a caller
/// without the right gets 401/403 whatever it sent.
pub struct AtLeast<R: MinRole>(pub Identity, pub std::marker::PhantomData<R>);

impl<R: MinRole> FromRequestParts<App> for AtLeast<R> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, app).await?;
        caller.require(R::ROLE)?;
        Ok(Self(caller.0, std::marker::PhantomData))
    }
}

/// Role `viewer` or above.
pub type Viewer = AtLeast<ViewerRole>;
/// Role `dispatcher` or above.
pub type Dispatcher = AtLeast<DispatcherRole>;
/// Role `admin`.
pub type Admin = AtLeast<AdminRole>;
