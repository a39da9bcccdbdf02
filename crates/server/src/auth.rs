//! Tokens: verifying JWTs into an [`Identity`] (PROTOCOL.md §1) and minting them.
//!
//! HS256 with a shared secret, or RS256/ES256 with a public key. `alg: none` and any algorithm
//! other than the configured one are refused, `exp` is required, and the role must be known.

use std::path::Path;

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use opsdeck_protocol::identity::{Claims, UserRef};
use opsdeck_protocol::{Role, validate};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ServerError;

/// How tokens are verified.
#[derive(Clone)]
pub enum AuthConfig {
    /// HS256 with a shared secret.
    Secret(Vec<u8>),
    /// RS256 or ES256 with a PEM public key.
    PublicKey {
        /// `RS256` or `ES256`.
        algorithm: Algorithm,
        /// The PEM text.
        pem: Vec<u8>,
    },
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret(<redacted>)"),
            Self::PublicKey { algorithm, .. } => write!(f, "PublicKey({algorithm:?})"),
        }
    }
}

impl AuthConfig {
    /// Reads a PEM public key; RSA keys give RS256, EC keys ES256.
    pub fn from_public_key_file(path: &Path) -> Result<Self, ServerError> {
        let pem = std::fs::read(path).map_err(|e| ServerError::Config {
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        let algorithm = if DecodingKey::from_rsa_pem(&pem).is_ok() {
            Algorithm::RS256
        } else if DecodingKey::from_ec_pem(&pem).is_ok() {
            Algorithm::ES256
        } else {
            return Err(ServerError::Config {
                message: format!("{}: not an RSA or EC public key in PEM", path.display()),
            });
        };
        Ok(Self::PublicKey { algorithm, pem })
    }
}

/// Who a socket or HTTP caller is, once verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For `device` tokens, the vehicle it reports for.
    pub vehicle_id: Option<String>,
    /// Admitted without a token (`--allow-anonymous`); not a known user.
    pub anonymous: bool,
}

impl Identity {
    /// An anonymous viewer, named after its socket.
    pub fn anonymous(socket_id: &str) -> Self {
        Self {
            user_id: format!("anon-{socket_id}"),
            name: "Anonymous".to_owned(),
            role: Role::Viewer,
            vehicle_id: None,
            anonymous: true,
        }
    }

    /// `{id, name, role}`.
    pub fn user_ref(&self) -> UserRef {
        UserRef {
            id: self.user_id.clone(),
            name: self.name.clone(),
            role: self.role,
        }
    }

    /// Whether this identity has at least the rights of `min`.
    pub fn at_least(&self, min: Role) -> bool {
        self.role.at_least(min)
    }
}

/// Why a token was refused. The `Display` text is what clients see after
/// `Authentication error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials were presented.
    #[error("token required")]
    Missing,
    /// Signature, format or algorithm is wrong.
    #[error("invalid token")]
    Invalid,
    /// `exp` is in the past.
    #[error("token expired")]
    Expired,
    /// The claims are incomplete or wrong.
    #[error("{0}")]
    Claims(&'static str),
}

/// Claims as they may arrive from any issuer: `id` instead of `sub`, numeric ids, no name.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawClaims {
    sub: Option<Value>,
    id: Option<Value>,
    role: Option<String>,
    name: Option<String>,
    vehicle_id: Option<String>,
}

fn id_string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Verifies tokens against one key and algorithm.
#[derive(Clone)]
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    /// A verifier for `config`.
    pub fn new(config: &AuthConfig) -> Result<Self, ServerError> {
        let (key, alg) = match config {
            AuthConfig::Secret(secret) => {
                if secret.len() < 16 {
                    return Err(ServerError::Config {
                        message: "JWT secret must be at least 16 bytes".into(),
                    });
                }
                (DecodingKey::from_secret(secret), Algorithm::HS256)
            }
            AuthConfig::PublicKey { algorithm, pem } => {
                let key = match algorithm {
                    Algorithm::ES256 => DecodingKey::from_ec_pem(pem)?,
                    _ => DecodingKey::from_rsa_pem(pem)?,
                };
                (key, *algorithm)
            }
        };
        let mut validation = Validation::new(alg);
        validation.set_required_spec_claims(&["exp"]);
        validation.leeway = 30;
        validation.validate_aud = false;
        Ok(Self { key, validation })
    }

    /// Verifies `token` (an optional `Bearer ` prefix is ignored) into an identity.
    pub fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        let token = token.trim();
        let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
        if token.is_empty() {
            return Err(AuthError::Missing);
        }
        let data =
            jsonwebtoken::decode::<RawClaims>(token, &self.key, &self.validation).map_err(|e| {
                match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                    jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(_) => {
                        AuthError::Claims("missing exp claim")
                    }
                    _ => AuthError::Invalid,
                }
            })?;
        identity_from(data.claims)
    }
}

fn identity_from(c: RawClaims) -> Result<Identity, AuthError> {
    let user_id = c
        .sub
        .or(c.id)
        .and_then(id_string)
        .ok_or(AuthError::Claims("missing sub claim"))?;
    validate::id("sub", &user_id).map_err(|_| AuthError::Claims("invalid sub claim"))?;
    let role = c.role.ok_or(AuthError::Claims("missing role claim"))?;
    let role = Role::parse(&role).ok_or(AuthError::Claims("unknown role"))?;
    if role == Role::Device {
        match &c.vehicle_id {
            Some(v) if validate::id("vehicleId", v).is_ok() => {}
            _ => return Err(AuthError::Claims("device token needs a vehicleId claim")),
        }
    }
    let name = c
        .name
        .map(|n| n.trim().chars().take(100).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| user_id.clone());
    Ok(Identity {
        user_id,
        name,
        role,
        vehicle_id: c.vehicle_id,
        anonymous: false,
    })
}

/// Mints a token: HS256 with `secret`, valid for `ttl`.
pub fn mint_hs256(
    secret: &[u8],
    sub: &str,
    role: Role,
    name: &str,
    ttl: chrono::Duration,
    vehicle_id: Option<&str>,
) -> Result<String, ServerError> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: sub.to_owned(),
        role,
        name: name.to_owned(),
        exp: now + ttl.num_seconds(),
        iat: Some(now),
        vehicle_id: vehicle_id.map(str::to_owned),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )?)
}

/// Mints a token with an RSA or EC private key in PEM (RS256 / ES256).
pub fn mint_with_private_key(pem: &[u8], claims: &Claims) -> Result<String, ServerError> {
    let (key, alg) = match EncodingKey::from_rsa_pem(pem) {
        Ok(k) => (k, Algorithm::RS256),
        Err(_) => (EncodingKey::from_ec_pem(pem)?, Algorithm::ES256),
    };
    Ok(jsonwebtoken::encode(&Header::new(alg), claims, &key)?)
}

/// Parses a TTL like `24h`, `30m`, `7d`, `90s` or a bare number of seconds.
pub fn parse_ttl(s: &str) -> Result<chrono::Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| format!("invalid ttl `{s}`"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("invalid ttl unit in `{s}` (use s, m, h or d)")),
    };
    if secs <= 0 {
        return Err("ttl must be positive".into());
    }
    Ok(chrono::Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn verifier() -> Verifier {
        Verifier::new(&AuthConfig::Secret(SECRET.to_vec())).unwrap()
    }

    fn sign(claims: serde_json::Value) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap()
    }

    fn exp() -> i64 {
        Utc::now().timestamp() + 3600
    }

    #[test]
    fn minted_tokens_verify() {
        let t = mint_hs256(
            SECRET,
            "alice",
            Role::Dispatcher,
            "Alice Doe",
            parse_ttl("1h").unwrap(),
            None,
        )
        .unwrap();
        let id = verifier().verify(&t).unwrap();
        assert_eq!(id.user_id, "alice");
        assert_eq!(id.name, "Alice Doe");
        assert_eq!(id.role, Role::Dispatcher);
        assert_eq!(verifier().verify(&format!("Bearer {t}")).unwrap(), id);
    }

    #[test]
    fn accepts_id_claim_and_numeric_ids() {
        let t = sign(serde_json::json!({"id": 42, "role": "viewer", "exp": exp()}));
        let id = verifier().verify(&t).unwrap();
        assert_eq!(id.user_id, "42");
        assert_eq!(id.name, "42");
    }

    #[test]
    fn refuses_bad_tokens() {
        let v = verifier();
        assert_eq!(v.verify(""), Err(AuthError::Missing));
        assert_eq!(v.verify("garbage"), Err(AuthError::Invalid));
        let expired = sign(serde_json::json!({"sub": "a", "role": "viewer", "exp": 1000}));
        assert_eq!(v.verify(&expired), Err(AuthError::Expired));
        let no_exp = sign(serde_json::json!({"sub": "a", "role": "viewer"}));
        assert!(v.verify(&no_exp).is_err());
        let no_role = sign(serde_json::json!({"sub": "a", "exp": exp()}));
        assert_eq!(
            v.verify(&no_role),
            Err(AuthError::Claims("missing role claim"))
        );
        let bad_role = sign(serde_json::json!({"sub": "a", "role": "root", "exp": exp()}));
        assert_eq!(v.verify(&bad_role), Err(AuthError::Claims("unknown role")));
        let device = sign(serde_json::json!({"sub": "d", "role": "device", "exp": exp()}));
        assert!(v.verify(&device).is_err());
        let other = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &serde_json::json!({"sub": "a", "role": "admin", "exp": exp()}),
            &EncodingKey::from_secret(b"another-secret-another-secret!!"),
        )
        .unwrap();
        assert_eq!(v.verify(&other), Err(AuthError::Invalid));
    }

    #[test]
    fn refuses_alg_none() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = b64.encode(
            serde_json::json!({"sub": "a", "role": "admin", "exp": exp()})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(
            verifier().verify(&format!("{header}.{body}.")),
            Err(AuthError::Invalid)
        );
    }

    #[test]
    fn ttl_parsing() {
        assert_eq!(parse_ttl("24h").unwrap().num_seconds(), 86_400);
        assert_eq!(parse_ttl("90").unwrap().num_seconds(), 90);
        assert_eq!(parse_ttl("7d").unwrap().num_seconds(), 604_800);
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("5y").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
