//! Users, JWTs, the [`Claims`] extractor and the login handler.
//!
//! - Users come from a TOML file of `[[users]] email = "..." password_hash = "$argon2id$..."`;
//!   without one the demo account is used (and the server says so loudly).
//! - Login reserves an attempt with the [`LoginLimiter`] *before* the
//!   password is checked, then checks it on the [`PasswordPool`]; it answers
//!   the same 401, after the same argon2 work, for an unknown user and a
//!   wrong password (an unknown user is checked against a dummy hash).
//! - Tokens are HS256 JWTs with `sub`, `iat`, `exp`; only HS256 is accepted,
//!   and only for a `sub` that is a current user and an `iat` not in the future.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::Block;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::error::{is_body_timeout, ApiError};
use super::limiter::LoginLimiter;
use super::password::{hash_password, PasswordPool, StoredHash};
use super::state::AppState;

/// The account used when no users file is given. For demos only.
pub const DEMO_EMAIL: &str = "analyst@tenex.ai";
pub const DEMO_PASSWORD: &str = "password123";

/// HS256 keys shorter than this are refused (RFC 7518 §3.2: at least the hash size).
pub const MIN_SECRET_BYTES: usize = 32;

/// Environment variable holding the JWT secret.
pub const SECRET_ENV: &str = "SIGNALTRACE_JWT_SECRET";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(default)]
    users: Vec<UserEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    email: String,
    password_hash: String,
}

/// The accounts that may log in: lower-cased email → parsed hash.
pub struct Users {
    by_email: HashMap<String, StoredHash>,
    /// Verified when the email is unknown, so both failures cost the same.
    dummy: StoredHash,
    pub is_demo: bool,
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Users {
    /// Loads a users file; every entry must carry a valid argon2id hash.
    pub fn load(path: &Path) -> Result<Users, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read users file {}: {e}", path.display()))?;
        let file: UsersFile = toml::from_str(&text).map_err(|e| {
            format!(
                "{}: invalid users file: {}",
                path.display(),
                e.to_string().lines().collect::<Vec<_>>().join(" ")
            )
        })?;
        if file.users.is_empty() {
            return Err(format!("{}: no [[users]] entries", path.display()));
        }
        let mut by_email = HashMap::new();
        for (i, u) in file.users.into_iter().enumerate() {
            let email = normalize_email(&u.email);
            if email.is_empty() {
                return Err(format!(
                    "{}: user {} has an empty email",
                    path.display(),
                    i + 1
                ));
            }
            let hash = StoredHash::parse(&u.password_hash)
                .map_err(|e| format!("{}: user {email}: {e}", path.display()))?;
            if by_email.insert(email.clone(), hash).is_some() {
                return Err(format!("{}: user {email} appears twice", path.display()));
            }
        }
        Ok(Users {
            by_email,
            dummy: Self::dummy_hash()?,
            is_demo: false,
        })
    }

    /// The demo account, hashed at start with a fresh salt.
    pub fn demo() -> Result<Users, String> {
        let hash = StoredHash::parse(&hash_password(DEMO_PASSWORD)?)?;
        Ok(Users {
            by_email: HashMap::from([(DEMO_EMAIL.to_string(), hash)]),
            dummy: Self::dummy_hash()?,
            is_demo: true,
        })
    }

    fn dummy_hash() -> Result<StoredHash, String> {
        let mut random = [0u8; 24];
        rand::fill(&mut random);
        let password: String = random.iter().map(|b| format!("{b:02x}")).collect();
        StoredHash::parse(&hash_password(&password)?)
    }

    /// True for the (normalized) email of a current account.
    pub fn contains(&self, email: &str) -> bool {
        !email.is_empty() && self.by_email.contains_key(email)
    }

    /// True when `email` (normalized) exists and `password` matches. Always
    /// does one argon2 check, whether or not the email exists, in `memory`.
    /// Blocking: run it on the [`PasswordPool`].
    pub fn verify(&self, email: &str, password: &str, memory: &mut Vec<Block>) -> bool {
        let (hash, known) = match self.by_email.get(email) {
            Some(h) => (h, true),
            None => (&self.dummy, false),
        };
        hash.matches(password.as_bytes(), memory) && known
    }
}

/// Signs and checks tokens.
pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
}

/// Where the secret came from, for the start-up log.
pub enum SecretSource {
    Environment,
    RandomPerStart,
}

impl Jwt {
    /// Keys from `SIGNALTRACE_JWT_SECRET` (at least 32 bytes, else an error),
    /// or random bytes when it is unset — tokens then die with the process.
    pub fn from_env(ttl: Duration) -> Result<(Jwt, SecretSource), String> {
        match std::env::var_os(SECRET_ENV) {
            Some(v) => {
                let bytes = v.as_encoded_bytes();
                if bytes.len() < MIN_SECRET_BYTES {
                    return Err(format!(
                        "{SECRET_ENV} is {} bytes; it must be at least {MIN_SECRET_BYTES} \
                         (e.g. `openssl rand -base64 48`)",
                        bytes.len()
                    ));
                }
                Ok((Jwt::new(bytes, ttl), SecretSource::Environment))
            }
            None => {
                let mut secret = [0u8; 64];
                rand::fill(&mut secret);
                Ok((Jwt::new(&secret, ttl), SecretSource::RandomPerStart))
            }
        }
    }

    fn new(secret: &[u8], ttl: Duration) -> Jwt {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        // We issue and check our own tokens with one clock: no skew to allow for.
        validation.leeway = 0;
        Jwt {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    pub fn issue(&self, subject: &str) -> Result<(String, u64), ApiError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| ApiError::Internal(format!("clock before 1970: {e}")))?
            .as_secs();
        let claims = Claims {
            sub: subject.to_string(),
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("cannot sign a token: {e}")))?;
        Ok((token, claims.exp))
    }

    /// The claims of a valid token: our signature, HS256, unexpired, not
    /// issued in the future, for a user that exists now.
    fn check(&self, token: &str, users: &Users) -> Result<Claims, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::Unauthorized("token expired"),
                _ => ApiError::Unauthorized("invalid token"),
            })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| ApiError::Internal(format!("clock before 1970: {e}")))?
            .as_secs();
        if claims.iat > now || claims.iat > claims.exp || !users.contains(&claims.sub) {
            return Err(ApiError::Unauthorized("invalid token"));
        }
        Ok(claims)
    }
}

/// The verified claims of the request's bearer token. As an extractor it
/// rejects the request with 401 unless `Authorization: Bearer <token>`
/// carries a valid, unexpired HS256 token signed with our secret.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's email.
    pub sub: String,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
}

impl FromRequestParts<AppState> for Claims {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized("missing bearer token"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized(
                "malformed Authorization header: expected `Bearer <token>`",
            ))?;
        state.auth.jwt.check(token, &state.auth.users)
    }
}

/// Everything login and the [`Claims`] extractor need.
pub struct Auth {
    pub users: Users,
    pub jwt: Jwt,
    pub limiter: Arc<LoginLimiter>,
    /// Where password checks run (a thread per core, one buffer each).
    pub passwords: PasswordPool,
}

#[derive(Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    token: String,
    email: String,
    /// When the token expires, seconds since the Unix epoch.
    expires_at: u64,
}

/// `POST /api/auth/login` — `{email, password}` → `{token, email, expires_at}`.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(req) = body.map_err(login_body_error)?;
    let email = normalize_email(&req.email);
    // Reserved before the check: parallel guesses cannot outrun the limit.
    let attempt = state.auth.limiter.reserve(peer.ip(), &email)?;
    let auth = Arc::clone(&state.auth);
    let user = email.clone();
    let ok = state
        .auth
        .passwords
        .run(move |memory| auth.users.verify(&user, &req.password, memory))
        .await?;
    if !ok {
        attempt.failed();
        tracing::info!(client = %peer.ip(), "login failed");
        return Err(ApiError::BadCredentials);
    }
    drop(attempt);
    let (token, expires_at) = state.auth.jwt.issue(&email)?;
    tracing::info!(user = %email, "login ok");
    Ok(Json(LoginResponse {
        token,
        email,
        expires_at,
    }))
}

fn login_body_error(e: JsonRejection) -> ApiError {
    match e.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType("application/json"),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge {
            limit_bytes: super::LOGIN_BODY_LIMIT as u64,
        },
        _ if is_body_timeout(&e) => ApiError::BodyTimeout,
        _ => ApiError::BadRequest(
            "login body must be JSON {\"email\": \"...\", \"password\": \"...\"}".into(),
        ),
    }
}
