//! Login, tokens and the failed-login rate limit, over real HTTP against the
//! real `signaltrace serve` binary.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

fn sign(claims: &serde_json::Value, secret: &[u8], alg: Algorithm) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn analyze_small(server: &Server, token: &str) -> Response {
    let data = std::fs::read(data_dir().join("baseline_small.jsonl")).unwrap();
    server.analyze(
        token,
        "?logs=none",
        &[Part::file("baseline_small.jsonl", &data)],
    )
}

#[test]
fn demo_login_returns_a_working_token() {
    let server = Server::start(&[]);
    assert!(
        server.log_text().contains("DEMO account"),
        "loud demo warning"
    );
    let r = server.login(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["email"], DEMO_EMAIL);
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3);
    // Claims: sub, iat, exp 24 h later by default.
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64url_decode(payload)).unwrap();
    assert_eq!(claims["sub"], DEMO_EMAIL);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 24 * 3600);
    assert_eq!(body["expires_at"].as_u64().unwrap(), exp);
    assert_eq!(analyze_small(&server, token).status, 200);
    // Tokens never reach the logs.
    assert!(!server.log_text().contains(token));
}

fn b64url_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url"),
        }
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let n = chunk.iter().fold(0u32, |acc, c| (acc << 6) | val(*c)) << (6 * (4 - chunk.len()));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn wrong_password_and_unknown_user_get_the_same_401_in_the_same_time() {
    let server = Server::start(&["--login-max-failures", "100"]);
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let r = server.login(DEMO_EMAIL, "not-the-password");
        wrong.push(t.elapsed());
        assert_eq!(r.status, 401);
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        bodies.push(r.body);
        let t = Instant::now();
        let r = server.login("nobody@example.com", "not-the-password");
        unknown.push(t.elapsed());
        assert_eq!(r.status, 401);
        bodies.push(r.body);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "identical 401 bodies"
    );
    assert!(
        !server.log_text().contains("not-the-password"),
        "passwords never logged"
    );
    let (wrong, unknown) = (*wrong.iter().min().unwrap(), *unknown.iter().min().unwrap());
    // An unknown user must cost an argon2 verification too, not return at
    // once (that would be ~1 ms against ~20 ms). A factor of 4 on the fastest
    // of 7 each leaves room for a loaded machine (load average 11 seen).
    assert!(
        unknown * 4 >= wrong && wrong * 4 >= unknown,
        "wrong password {wrong:?} vs unknown user {unknown:?}"
    );
}

#[test]
fn bad_tokens_are_401() {
    let server = Server::start(&[]);
    let now = now_secs();
    let valid_claims = json!({ "sub": DEMO_EMAIL, "iat": now, "exp": now + 3600 });
    // The test secret signs a token the server accepts: the forgeries below
    // differ from it in one way each.
    let good = sign(&valid_claims, SECRET.as_bytes(), Algorithm::HS256);
    assert_eq!(analyze_small(&server, &good).status, 200);

    let expired = sign(
        &json!({ "sub": DEMO_EMAIL, "iat": now - 7200, "exp": now - 60 }),
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    let wrong_secret = sign(
        &valid_claims,
        b"another-secret-another-secret-another-secret",
        Algorithm::HS256,
    );
    let other_alg = sign(&valid_claims, SECRET.as_bytes(), Algorithm::HS512);
    let alg_none = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(valid_claims.to_string().as_bytes())
    );
    let no_exp = sign(
        &json!({ "sub": DEMO_EMAIL, "iat": now }),
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    let (ct, body) = multipart(&[Part::file("x.jsonl", b"{}\n")]);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("garbage", Some("Bearer not-a-jwt".into())),
        ("garbage segments", Some("Bearer aaa.bbb.ccc".into())),
        ("wrong scheme", Some(format!("Basic {good}"))),
        ("empty bearer", Some("Bearer ".into())),
        ("expired", Some(format!("Bearer {expired}"))),
        ("wrong secret", Some(format!("Bearer {wrong_secret}"))),
        ("HS512", Some(format!("Bearer {other_alg}"))),
        ("alg none", Some(format!("Bearer {alg_none}"))),
        ("no exp", Some(format!("Bearer {no_exp}"))),
    ];
    for (what, auth) in cases {
        let mut headers = vec![("Content-Type", ct.as_str())];
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        let r = server.request("POST", "/api/analyze", &headers, &body);
        assert_eq!(r.status, 401, "{what}: {}", r.text());
        assert!(!r.error().is_empty());
        assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{what}");
        if what == "expired" {
            assert_eq!(r.error(), "token expired");
        }
    }
}

#[test]
fn tokens_from_another_server_start_are_rejected_without_a_configured_secret() {
    // No SIGNALTRACE_JWT_SECRET: each start draws its own random secret.
    let a = Server::start_with_env(&[], &[]);
    let b = Server::start_with_env(&[], &[]);
    let token = a.token();
    assert_eq!(analyze_small(&a, &token).status, 200);
    assert_eq!(analyze_small(&b, &token).status, 401);
}

#[test]
fn a_short_secret_refuses_to_start() {
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("SIGNALTRACE_JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 32"), "{err}");
    assert!(!err.contains("listening on"));
}

#[test]
fn failed_logins_trip_the_rate_limit_and_it_recovers() {
    let server = Server::start(&["--login-max-failures", "3", "--login-window-secs", "2"]);
    for _ in 0..3 {
        assert_eq!(server.login(DEMO_EMAIL, "wrong").status, 401);
    }
    let started = Instant::now();
    // Blocked now, even with the right password.
    for password in ["wrong", DEMO_PASSWORD] {
        let r = server.login(DEMO_EMAIL, password);
        assert_eq!(r.status, 429, "{}", r.text());
        let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=2).contains(&retry), "Retry-After {retry}");
        assert!(r.error().contains("too many"));
    }
    std::thread::sleep(Duration::from_millis(2100).saturating_sub(started.elapsed()));
    let r = server.login(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(r.status, 200, "recovered after the window: {}", r.text());
}

#[test]
fn users_file_with_hash_password_output_replaces_the_demo_account() {
    let mut child = Command::new(BIN)
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let hash = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct horse"));

    let dir = TempDir::new("users");
    let users = dir.path().join("users.toml");
    std::fs::write(
        &users,
        format!("[[users]]\nemail = \"Alice@Example.com\"\npassword_hash = \"{hash}\"\n"),
    )
    .unwrap();
    let server = Server::start(&["--users", users.to_str().unwrap()]);
    assert!(!server.log_text().contains("DEMO"));
    let r = server.login("alice@example.com", "correct horse battery");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["email"], "alice@example.com");
    assert_eq!(
        server.login("alice@example.com", "correct horse").status,
        401
    );
    assert_eq!(server.login(DEMO_EMAIL, DEMO_PASSWORD).status, 401);

    // A broken users file stops the start with a reason.
    std::fs::write(
        &users,
        "[[users]]\nemail = \"a@b\"\npassword_hash = \"plain\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--users",
            users.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a PHC hash"));
}

#[test]
fn malformed_login_bodies_are_400_and_415() {
    let server = Server::start(&[]);
    let r = server.request(
        "POST",
        "/api/auth/login",
        &[("Content-Type", "application/json")],
        b"{nope",
    );
    assert_eq!(r.status, 400);
    r.error();
    let r = server.request(
        "POST",
        "/api/auth/login",
        &[("Content-Type", "application/json")],
        br#"{"email":"a@b"}"#,
    );
    assert_eq!(r.status, 400);
    let r = server.request(
        "POST",
        "/api/auth/login",
        &[("Content-Type", "text/plain")],
        b"x",
    );
    assert_eq!(r.status, 415);
    r.error();
}

#[test]
fn tokens_for_unknown_empty_or_future_subjects_are_401() {
    let server = Server::start(&[]);
    let now = now_secs();
    let cases = [
        (
            "unknown sub",
            json!({ "sub": "nobody@example.com", "iat": now, "exp": now + 600 }),
        ),
        (
            "empty sub",
            json!({ "sub": "", "iat": now, "exp": now + 600 }),
        ),
        (
            "future iat",
            json!({ "sub": DEMO_EMAIL, "iat": now + 3600, "exp": now + 7200 }),
        ),
    ];
    for (what, claims) in cases {
        let token = sign(&claims, SECRET.as_bytes(), Algorithm::HS256);
        let r = analyze_small(&server, &token);
        assert_eq!(r.status, 401, "{what}: {}", r.text());
        assert_eq!(r.error(), "invalid token", "{what}");
    }
    // The same token with a current user and iat is fine.
    let good = json!({ "sub": DEMO_EMAIL, "iat": now, "exp": now + 600 });
    let r = analyze_small(&server, &sign(&good, SECRET.as_bytes(), Algorithm::HS256));
    assert_eq!(r.status, 200);
}

#[test]
fn token_responses_are_not_cached_and_the_login_limit_is_stated_right() {
    let server = Server::start(&[]);
    let r = server.login(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = server.login(DEMO_EMAIL, "wrong");
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let big = format!(r#"{{"email":"a","password":"{}"}}"#, "x".repeat(20 << 10));
    let r = server.request(
        "POST",
        "/api/auth/login",
        &[("Content-Type", "application/json")],
        big.as_bytes(),
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.error(), "request body too large: the limit is 16 KiB");
}
