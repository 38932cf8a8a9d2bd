//! Health, the OpenAPI document against the real responses, the app bundle
//! (SPA fallback, cache headers, compression) and the security headers.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::Value;

#[test]
fn health_reports_status_and_version() {
    let server = Server::start(&[]);
    let r = server.get("/api/health");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["status"], "ok");
    let cli_version = std::process::Command::new(BIN)
        .arg("--version")
        .output()
        .unwrap();
    let cli_version = String::from_utf8(cli_version.stdout).unwrap();
    assert!(
        cli_version.contains(v["version"].as_str().unwrap()),
        "{cli_version}"
    );
}

/// Resolves `{"$ref": "#/components/schemas/X"}` against the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("local ref");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The body's top-level keys are the documented ones: all `required` keys
/// present, and no key the schema does not list.
fn check_keys(doc: &Value, schema: &Value, body: &Value, what: &str) {
    let schema = resolve(doc, schema);
    let Some(obj) = body.as_object() else {
        panic!("{what}: body is not an object");
    };
    let documented: BTreeSet<&str> = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: schema without properties"))
        .keys()
        .map(String::as_str)
        .collect();
    let present: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let undocumented: Vec<_> = present.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "{what}: undocumented keys {undocumented:?}"
    );
    for req in schema["required"].as_array().into_iter().flatten() {
        let req = req.as_str().unwrap();
        assert!(
            present.contains(req),
            "{what}: required key `{req}` missing"
        );
    }
}

#[test]
fn openapi_document_matches_the_real_responses() {
    let server = Server::start(&["--login-max-failures", "2", "--max-upload-mb", "1"]);
    let doc = server.get("/api/openapi.json");
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        doc["info"]["version"],
        server.get("/api/health").json()["version"]
    );

    // Observe every status each route can give, the way clients cause them.
    let mut seen: Vec<(&str, &str, u16, Value)> = Vec::new();
    let mut note = |path: &'static str, method: &'static str, r: Response| {
        let body = r.json();
        seen.push((path, method, r.status, body));
    };
    let token = server.token();
    let data = std::fs::read(data_dir().join("anomalous_exfiltration.jsonl")).unwrap();
    let json_ct = [("Content-Type", "application/json")];

    note(
        "/api/auth/login",
        "post",
        server.login(DEMO_EMAIL, DEMO_PASSWORD),
    );
    note(
        "/api/auth/login",
        "post",
        server.request("POST", "/api/auth/login", &json_ct, b"[1]"),
    );
    note(
        "/api/auth/login",
        "post",
        server.request(
            "POST",
            "/api/auth/login",
            &[("Content-Type", "text/plain")],
            b"x",
        ),
    );
    let big = format!(r#"{{"email":"a","password":"{}"}}"#, "x".repeat(20 << 10));
    note(
        "/api/auth/login",
        "post",
        server.request("POST", "/api/auth/login", &json_ct, big.as_bytes()),
    );
    note("/api/auth/login", "post", server.login(DEMO_EMAIL, "wrong"));
    note("/api/auth/login", "post", server.login(DEMO_EMAIL, "wrong"));
    note("/api/auth/login", "post", server.login(DEMO_EMAIL, "wrong"));

    for q in ["", "?logs=none", "?logs=anomalous"] {
        note(
            "/api/analyze",
            "post",
            server.analyze(&token, q, &[Part::file("x.jsonl", &data)]),
        );
    }
    note(
        "/api/analyze",
        "post",
        server.analyze(&token, "", &[Part::file("x.jsonl", b"nope\n")]),
    );
    note(
        "/api/analyze",
        "post",
        server.analyze("bad", "", &[Part::file("x.jsonl", &data)]),
    );
    let two_mb = vec![b'\n'; 2 << 20];
    note(
        "/api/analyze",
        "post",
        server.analyze(&token, "", &[Part::file("x.jsonl", &two_mb)]),
    );
    let auth = format!("Bearer {token}");
    note(
        "/api/analyze",
        "post",
        server.request(
            "POST",
            "/api/analyze",
            &[("Authorization", &auth), ("Content-Type", "text/csv")],
            b"a",
        ),
    );
    for (path, method, r) in timeouts(&token) {
        note(path, method, r);
    }
    note("/api/health", "get", server.get("/api/health"));
    note("/api/openapi.json", "get", server.get("/api/openapi.json"));

    let mut observed: BTreeMap<(&str, &str), BTreeSet<u16>> = BTreeMap::new();
    for (path, method, status, body) in &seen {
        observed.entry((path, method)).or_default().insert(*status);
        let op = &doc["paths"][*path][*method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let response = &op["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} gave undocumented {status}"
        );
        let schema = &response["content"]["application/json"]["schema"];
        check_keys(&doc, schema, body, &format!("{method} {path} {status}"));
    }
    // …and every documented operation and status was observed.
    let mut documented: BTreeMap<(String, String), BTreeSet<u16>> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let statuses = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|s| s.parse().unwrap())
                .collect();
            documented.insert((path.clone(), method.clone()), statuses);
        }
    }
    let observed: BTreeMap<(String, String), BTreeSet<u16>> = observed
        .into_iter()
        .map(|((p, m), s)| ((p.to_string(), m.to_string()), s))
        .collect();
    assert_eq!(documented, observed);
}

/// 408 for stalled bodies and 503 for an analysis over its time limit, from
/// a server with 1–2 s limits.
fn timeouts(token: &str) -> Vec<(&'static str, &'static str, Response)> {
    let server = Server::start(&["--body-idle-secs", "1", "--analysis-timeout-secs", "2"]);
    let within = std::time::Duration::from_secs(20);
    let mut out = Vec::new();
    let mut login = server.send_raw(
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"email\": ",
    );
    let (raw, _) = read_until_closed(&mut login, within);
    out.push(("/api/auth/login", "post", parse_response(&raw)));
    let data = b"{}\n".repeat(100);
    let mut upload = server.stalled_upload(token, &[Part::file("x.jsonl", &data)]);
    let (raw, _) = read_until_closed(&mut upload, within);
    out.push(("/api/analyze", "post", parse_response(&raw)));
    // A trickle: never silent for a second, but never done either.
    let mut slow = server.stalled_upload(token, &[Part::file("x.jsonl", &data)]);
    let mut writer = slow.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..60 {
            std::thread::sleep(std::time::Duration::from_millis(300));
            if std::io::Write::write_all(&mut writer, b"{}").is_err() {
                break;
            }
        }
    });
    let (raw, _) = read_until_closed(&mut slow, within);
    out.push(("/api/analyze", "post", parse_response(&raw)));
    drop(slow);
    trickle.join().unwrap();
    out
}

/// A fake app bundle: index.html with an inline module script, hashed
/// js/wasm, and a plain file.
fn bundle_dir(test: &str) -> TempDir {
    let tmp = TempDir::new(&format!("dist-{test}"));
    let dir = tmp.path();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><head>\
         <link rel=\"modulepreload\" href=\"/app-0123456789abcdef.js\">\
         <script type=\"module\">import init from '/app-0123456789abcdef.js';init('/app-0123456789abcdef_bg.wasm');</script>\
         </head><body></body></html>",
    )
    .unwrap();
    std::fs::write(
        dir.join("app-0123456789abcdef.js"),
        "export default function init() {}\n".repeat(200),
    )
    .unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(b"\x01\x02\x03\x04 wasm section ".as_slice(), 4000).flatten());
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), &wasm).unwrap();
    std::fs::write(dir.join("robots.txt"), "User-agent: *\n").unwrap();
    tmp
}

#[test]
fn app_bundle_is_served_with_spa_fallback_cache_headers_and_compression() {
    let tmp = bundle_dir("spa");
    let dir = tmp.path();
    let server = Server::start(&["--static-dir", dir.to_str().unwrap()]);
    let index = std::fs::read(dir.join("index.html")).unwrap();

    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, index);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    // Client-side routes get the app.
    for path in ["/results", "/login", "/some/deep/route"] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body, index, "{path}");
    }
    // A missing asset is a 404, not HTML the browser would try to run.
    assert_eq!(server.get("/app-ffffffffffffffff.js").status, 404);
    // API paths never fall back to the app.
    let r = server.get("/api/nothing-here");
    assert_eq!(r.status, 404);
    r.error();

    let wasm = std::fs::read(dir.join("app-0123456789abcdef_bg.wasm")).unwrap();
    let r = server.get("/app-0123456789abcdef_bg.wasm");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, wasm);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let r = server.get("/robots.txt");
    assert_eq!(r.header("cache-control"), Some("no-cache"));

    for encoding in ["br", "gzip"] {
        for path in [
            "/app-0123456789abcdef_bg.wasm",
            "/app-0123456789abcdef.js",
            "/",
        ] {
            let r = server.request("GET", path, &[("Accept-Encoding", encoding)], b"");
            assert_eq!(r.status, 200);
            assert_eq!(
                r.header("content-encoding"),
                Some(encoding),
                "{path} {encoding}"
            );
            let raw = if path == "/" {
                index.len()
            } else {
                std::fs::metadata(dir.join(&path[1..])).unwrap().len() as usize
            };
            assert!(
                r.body.len() < raw,
                "{path} {encoding}: {} of {raw} bytes",
                r.body.len()
            );
        }
    }
    // API responses are compressed too.
    let r = server.request(
        "GET",
        "/api/openapi.json",
        &[("Accept-Encoding", "br")],
        b"",
    );
    assert_eq!(r.header("content-encoding"), Some("br"));
}

#[test]
fn the_single_file_build_is_a_download() {
    let tmp = bundle_dir("single");
    let dir = tmp.path();
    let single = "<!doctype html><title>signaltrace</title><script type=\"module\">1</script>";
    std::fs::write(dir.join("signaltrace.html"), single).unwrap();
    let server = Server::start(&["--static-dir", dir.to_str().unwrap()]);
    let r = server.get("/signaltrace.html");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, single.as_bytes());
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"signaltrace.html\"")
    );
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    // Only that file: the app itself still renders.
    assert_eq!(server.get("/").header("content-disposition"), None);
}

#[test]
fn every_response_carries_the_security_headers() {
    let tmp = bundle_dir("headers");
    let dir = tmp.path();
    let server = Server::start(&["--static-dir", dir.to_str().unwrap()]);
    let inline =
        "import init from '/app-0123456789abcdef.js';init('/app-0123456789abcdef_bg.wasm');";
    let hash = {
        use base64::Engine as _;
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(inline.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    for path in [
        "/",
        "/app-0123456789abcdef_bg.wasm",
        "/api/health",
        "/api/nope",
    ] {
        let r = server.get(path);
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        let directives: BTreeMap<&str, &str> = csp
            .split(';')
            .filter_map(|d| d.trim().split_once(' '))
            .collect();
        assert_eq!(directives["default-src"], "'self'");
        let script = directives["script-src"];
        assert_eq!(script, format!("'self' 'wasm-unsafe-eval' {hash}"));
        assert!(!script.contains("'unsafe-inline'") && !script.contains("'unsafe-eval'"));
        assert_eq!(directives["worker-src"], "'self' blob:");
        assert_eq!(directives["frame-ancestors"], "'none'");
        assert_eq!(directives["object-src"], "'none'");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert!(
            r.header("x-request-id").is_some_and(|id| !id.is_empty()),
            "{path}"
        );
    }
}

#[test]
fn unknown_api_paths_are_json_404_even_with_a_bundle() {
    let tmp = bundle_dir("api404");
    let server = Server::start(&["--static-dir", tmp.path().to_str().unwrap()]);
    for path in ["/api", "/api/", "/api/nope", "/api/auth/", "/api/x/y/z"] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        assert_eq!(r.error(), "no such endpoint", "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    // The app's own routes still get index.html.
    let r = server.get("/settings");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<html"));
}

#[test]
fn a_forged_request_id_never_reaches_the_log() {
    let server = Server::start(&[]);
    let forged = format!(
        "x id=evil {{\"level\":\"ERROR\",\"forged\":true}}\tFORGED{}",
        "A".repeat(60 << 10)
    );
    let r = server.request("GET", "/api/health", &[("X-Request-Id", &forged)], b"");
    assert_eq!(r.status, 200);
    let echoed = r.header("x-request-id").unwrap().to_string();
    assert_ne!(echoed, forged);
    assert!(
        echoed.len() <= 64
            && echoed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
        "{echoed}"
    );
    // A safe client id is kept, echoed and logged.
    let r = server.request(
        "GET",
        "/api/health",
        &[("X-Request-Id", "client-7.a_b")],
        b"",
    );
    assert_eq!(r.header("x-request-id"), Some("client-7.a_b"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.log_text();
    assert!(log.contains(&echoed), "the generated id is logged");
    assert!(log.contains("client-7.a_b"));
    assert!(!log.contains("FORGED") && !log.contains("forged"), "{log}");
    assert!(!log.contains(&"A".repeat(100)));
}

#[test]
fn without_a_bundle_a_placeholder_page_explains_how_to_build_it() {
    let server = Server::start(&["--static-dir", "/nonexistent/signaltrace-dist"]);
    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("not built"));
    assert!(r.text().contains("scripts/build-app.sh"));
    assert_eq!(server.get("/results").status, 404);
    assert_eq!(server.get("/api/health").status, 200);
}
