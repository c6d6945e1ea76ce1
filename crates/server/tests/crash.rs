//! kill -9 of a real service process during and right after a bundle
//! upload: the restarted service serves the old or the new bundle, never a
//! broken one, and leaves no temp file behind.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// Starts the test binary on 127.0.0.1:0 and waits for its address.
async fn spawn(data_dir: &Path, trust_file: &Path) -> (Child, Running) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tailor-server-test-bin"))
        .arg(data_dir)
        .arg(trust_file)
        .arg("127.0.0.1:0")
        .env("TAILOR_PUBLISH_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the test server");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the server starts in time")
        .unwrap()
        .expect("a first line");
    let addr = line.strip_prefix("listening on ").expect("listening on ADDR").parse().unwrap();
    (child, Running::external(addr, data_dir))
}

async fn kill9(mut child: Child) {
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
}

fn upload_request(body: &[u8], send: usize) -> Vec<u8> {
    let mut req = format!(
        "PUT /v1/bundles/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body[..send]);
    req
}

fn temp_files(data_dir: &Path) -> Vec<String> {
    std::fs::read_dir(data_dir.join("bundles/production"))
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_or_right_after_an_upload_restarts_on_the_old_or_the_new_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let trust_file = tmp.path().join("trust.json");
    k.trust.save(&trust_file).unwrap();
    let data = tmp.path().join("data");

    let (child, s) = spawn(&data, &trust_file).await;
    let (v1_body, v1) = sign(&payload("production", 1, "a"), &k.release);
    assert_eq!(publish(&s, "production", v1_body).await.0, 200);

    // Killed with half the body received: v1 serves after the restart.
    let (v2_body, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    stream.write_all(&upload_request(&v2_body, v2_body.len() / 2)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    kill9(child).await;
    drop(stream);

    let (mut child, mut s) = spawn(&data, &trust_file).await;
    assert_serving(&s, &v1, "a").await;

    // Killed at various moments right after the whole body was sent: either
    // bundle may be active, but a complete one, and decisions agree with it.
    let (mut current, mut current_tag) = (v1, "a");
    for (i, delay_ms) in [0u64, 1, 2, 5, 10, 20, 50].into_iter().enumerate() {
        let version = i as u64 + 2;
        let tag = if version.is_multiple_of(2) { "b" } else { "a" };
        let (body, digest) = sign(&payload_on("production", version, tag, Some(&current)), &k.release);
        let mut stream = TcpStream::connect(s.addr).await.unwrap();
        stream.write_all(&upload_request(&body, body.len())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        kill9(child).await;
        drop(stream);

        (child, s) = spawn(&data, &trust_file).await;
        let (status, active) = get(&s, "/v1/bundles/production/active").await;
        assert_eq!(status, 200, "{active}");
        let active = active["digest"].as_str().unwrap().to_owned();
        assert!(active == current || active == digest, "after kill at {delay_ms} ms: {active}");
        if active == digest {
            (current, current_tag) = (digest, tag);
        }
        assert_serving(&s, &current, current_tag).await;
        assert!(temp_files(&data).is_empty(), "{:?}", temp_files(&data));
        let (status, _) = decide(&s, "", json!({"id": "s-9", "visitor_type": "returning"})).await;
        assert_eq!(status, 200);
    }
    kill9(child).await;
}
