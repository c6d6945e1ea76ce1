//! The decision log: JSON Lines, one line per block, written by a background
//! thread fed by a bounded queue. The hot path only tries to enqueue: when
//! the writer is behind, the decision is still answered and the dropped lines
//! are counted (`tailor_decision_log_dropped_total`). Files rotate by size and
//! the oldest beyond `keep` are deleted. The format is in `docs/http-api.md`.
//!
//! The same thread appends the storefronts' outcomes (`POST /v1/outcomes`) to
//! `outcomes-*.jsonl` beside the decisions, with the same rotation; unlike a
//! decision, a batch of outcomes is answered only once it is written.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use jiff::Timestamp;
use serde::Serialize;
use tailor_engine::plan::{Decision, FallbackReason};

use crate::error::ServerError;
use crate::metrics::Metrics;

/// Where and how decisions are logged.
#[derive(Clone, Debug)]
pub struct LogConfig {
    /// `false` turns the log off.
    pub enabled: bool,
    /// Directory of the `decisions-*.jsonl` files; `None`: `DATA_DIR/decisions`.
    pub dir: Option<PathBuf>,
    /// A file is closed and a new one started once it reaches this size.
    pub max_bytes: u64,
    /// How many files to keep (the oldest are deleted).
    pub keep: usize,
    /// Decisions queued for the writer before new ones are dropped.
    pub queue: usize,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { enabled: true, dir: None, max_bytes: 64 * 1024 * 1024, keep: 10, queue: 65_536 }
    }
}

/// One decision as the handler hands it over.
pub(crate) struct Logged {
    /// The instant the rules were evaluated for (the request's `at`).
    pub time: Timestamp,
    /// Unique across replicas and sortable by time (UUIDv7): what outcomes join on.
    pub decision_id: uuid::Uuid,
    /// The service's clock when it decided.
    pub decided_at: Timestamp,
    pub environment: Arc<str>,
    pub shopper: String,
    pub decision: Decision,
}

/// How long the writer sleeps between drains of the queue: lines reach the
/// file within this, and a full queue ([`LogConfig::queue`]) holds far more
/// than arrives in it.
const POLL: std::time::Duration = std::time::Duration::from_millis(10);

enum Msg {
    Decision(Box<Logged>),
    /// Validated outcome lines, written together; `done` hears how it went.
    Outcomes { lines: Vec<u8>, done: tokio::sync::oneshot::Sender<std::io::Result<()>> },
    Stop,
}

/// Why outcomes could not be appended.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutcomeLogError {
    #[error("outcomes are not recorded: the service runs without a decision log (--no-decision-log)")]
    Disabled,
    #[error("the log writer is behind; try again")]
    Busy,
    #[error("the outcomes log could not be written: {0}")]
    Io(#[from] std::io::Error),
}

/// One line of the log (one block of one decision): the documented shape,
/// which [`write_lines`] produces piecewise.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    decision_id: String,
    decided_at: String,
    environment: &'a str,
    shopper: &'a str,
    page: &'a str,
    #[serde(flatten)]
    block: BlockFields<'a>,
    bundle_digest: Option<&'a str>,
    version: Option<u64>,
}

/// The block's own fields of a [`Line`].
#[derive(Serialize)]
struct BlockFields<'a> {
    placement: &'a str,
    content: Option<&'a str>,
    entry: Option<&'a str>,
    segment: Option<&'a str>,
    variant: Option<u32>,
    personalized: bool,
    holdout: bool,
    propensity: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback_reason: Option<FallbackReason>,
}

impl<'a> BlockFields<'a> {
    fn of(b: &'a tailor_engine::plan::Block) -> Self {
        Self {
            placement: &b.placement,
            content: b.content.as_deref(),
            entry: b.entry.as_deref(),
            segment: b.segment.as_deref(),
            variant: b.variant,
            personalized: b.personalized,
            holdout: b.holdout,
            propensity: b.propensity,
            fallback_reason: b.fallback_reason,
        }
    }
}

/// Appends one [`Line`] per block to `out`, byte for byte what serializing
/// each `Line` would give, but the fields every block of a decision shares
/// (time, ids, environment, shopper, page, digest, version) are escaped once per
/// decision instead of once per block: the writer runs on the service's
/// cores, so its cost is the service's.
fn write_lines(logged: &Logged, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let d = &logged.decision;
    let mut head = Vec::with_capacity(128);
    head.extend_from_slice(b"{\"time\":");
    serde_json::to_writer(&mut head, &logged.time.to_string())?;
    head.extend_from_slice(b",\"decision_id\":\"");
    head.extend_from_slice(logged.decision_id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).as_bytes());
    head.extend_from_slice(b"\",\"decided_at\":");
    serde_json::to_writer(&mut head, &logged.decided_at.to_string())?;
    head.extend_from_slice(b",\"environment\":");
    serde_json::to_writer(&mut head, &*logged.environment)?;
    head.extend_from_slice(b",\"shopper\":");
    serde_json::to_writer(&mut head, &logged.shopper)?;
    head.extend_from_slice(b",\"page\":");
    serde_json::to_writer(&mut head, &d.page)?;
    head.push(b',');
    let mut tail = Vec::with_capacity(112);
    tail.extend_from_slice(b",\"bundle_digest\":");
    serde_json::to_writer(&mut tail, &d.bundle_digest)?;
    tail.extend_from_slice(b",\"version\":");
    serde_json::to_writer(&mut tail, &d.version)?;
    tail.extend_from_slice(b"}\n");
    let mut fields = Vec::with_capacity(256);
    for b in &d.blocks {
        fields.clear();
        serde_json::to_writer(&mut fields, &BlockFields::of(b))?;
        out.extend_from_slice(&head);
        // `{…}` without its braces.
        out.extend_from_slice(&fields[1..fields.len() - 1]);
        out.extend_from_slice(&tail);
    }
    Ok(())
}

/// Handle of the log writer; cheap to share.
pub(crate) struct DecisionLog {
    tx: Option<SyncSender<Msg>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    metrics: Metrics,
}

impl DecisionLog {
    /// Starts the writer (or a no-op log when disabled).
    pub fn start(config: &LogConfig, data_dir: &Path, metrics: Metrics) -> Result<Self, ServerError> {
        if !config.enabled {
            return Ok(Self { tx: None, thread: Mutex::new(None), metrics });
        }
        let dir = config.dir.clone().unwrap_or_else(|| data_dir.join("decisions"));
        fs::create_dir_all(&dir).map_err(|source| ServerError::DecisionLog { path: dir.clone(), source })?;
        let (tx, rx) = sync_channel(config.queue.max(1));
        let writer = Writer {
            decisions: Rotating::new(dir.clone(), "decisions-", config),
            outcomes: Rotating::new(dir.clone(), "outcomes-", config),
            metrics: metrics.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("tailor-decision-log".into())
            .spawn(move || writer.run(rx))
            .map_err(|source| ServerError::DecisionLog { path: data_dir.to_owned(), source })?;
        Ok(Self { tx: Some(tx), thread: Mutex::new(Some(thread)), metrics })
    }

    /// Queues a decision without ever blocking; counts the lines dropped.
    pub fn record(&self, logged: Logged) {
        let Some(tx) = &self.tx else { return };
        let lines = logged.decision.blocks.len() as u64;
        match tx.try_send(Msg::Decision(Box::new(logged))) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => self.metrics.log_dropped.inc_by(lines),
        }
    }

    /// Appends validated outcome lines (each ending in `\n`) to the
    /// outcomes log and waits until they are written and flushed.
    pub async fn record_outcomes(&self, lines: Vec<u8>) -> Result<(), OutcomeLogError> {
        let Some(tx) = &self.tx else { return Err(OutcomeLogError::Disabled) };
        let (done, written) = tokio::sync::oneshot::channel();
        tx.try_send(Msg::Outcomes { lines, done }).map_err(|_| OutcomeLogError::Busy)?;
        match written.await {
            Ok(result) => result.map_err(OutcomeLogError::Io),
            Err(_) => Err(OutcomeLogError::Busy),
        }
    }

    /// Writes out everything queued, syncs and stops the writer. Blocking:
    /// call from `spawn_blocking` in async code.
    pub fn close(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Stop);
        }
        let handle = self.thread.lock().map(|mut t| t.take()).unwrap_or(None);
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

struct Writer {
    decisions: Rotating,
    outcomes: Rotating,
    metrics: Metrics,
}

/// A log of JSON Lines files `{prefix}YYYYMMDDTHHMMSSZ-NNNN.jsonl` that
/// rotate by size, keeping the newest `keep`.
struct Rotating {
    dir: PathBuf,
    prefix: &'static str,
    max_bytes: u64,
    keep: usize,
    file: Option<BufWriter<File>>,
    written: u64,
    seq: u32,
}

impl Writer {
    /// Drains the queue, writes and flushes, then sleeps [`POLL`]. Polling
    /// instead of blocking on `recv` means a handler's `try_send` never has
    /// a parked writer to wake: under load, waking it once per decision
    /// (a futex call and a context switch) cost more than the writing.
    fn run(mut self, rx: Receiver<Msg>) {
        let mut buf = Vec::with_capacity(512);
        loop {
            let mut wrote = false;
            loop {
                match rx.try_recv() {
                    Ok(Msg::Decision(logged)) => {
                        self.write(&logged, &mut buf);
                        wrote = true;
                    }
                    Ok(Msg::Outcomes { lines, done }) => {
                        let result = self.outcomes.append(&lines).and_then(|()| self.outcomes.flush());
                        if let Err(e) = &result {
                            tracing::warn!(error = %e, dir = %self.outcomes.dir.display(), "outcomes log write failed");
                        }
                        let _ = done.send(result);
                    }
                    Ok(Msg::Stop) | Err(TryRecvError::Disconnected) => {
                        self.finish();
                        return;
                    }
                    Err(TryRecvError::Empty) => break,
                }
            }
            if wrote && self.decisions.flush().is_err() {
                self.metrics.log_write_errors.inc();
            }
            std::thread::sleep(POLL);
        }
    }

    fn write(&mut self, logged: &Logged, buf: &mut Vec<u8>) {
        let mut lines = std::mem::take(buf);
        lines.clear();
        if write_lines(logged, &mut lines).is_err() {
            self.metrics.log_write_errors.inc();
        } else if let Err(e) = self.decisions.append(&lines) {
            self.metrics.log_write_errors.inc();
            tracing::warn!(error = %e, dir = %self.decisions.dir.display(), "decision log write failed");
        }
        *buf = lines;
    }

    fn finish(&mut self) {
        for log in [&mut self.decisions, &mut self.outcomes] {
            if log.close().is_err() {
                self.metrics.log_write_errors.inc();
            }
        }
    }
}

impl Rotating {
    fn new(dir: PathBuf, prefix: &'static str, config: &LogConfig) -> Self {
        Self { dir, prefix, max_bytes: config.max_bytes.max(1), keep: config.keep.max(1), file: None, written: 0, seq: 0 }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.file.is_some() && self.written + bytes.len() as u64 > self.max_bytes && self.written > 0 {
            self.rotate()?;
        }
        if self.file.is_none() {
            self.open()?;
        }
        let f = self.file.as_mut().expect("opened above");
        f.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.flush()?;
            f.get_ref().sync_all()?;
        }
        Ok(())
    }

    /// Starts a new file `{prefix}YYYYMMDDTHHMMSSZ-NNNN.jsonl` (names sort
    /// in creation order) and deletes the oldest beyond `keep`.
    fn open(&mut self) -> std::io::Result<()> {
        let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let path = loop {
            let p = self.dir.join(format!("{}{stamp}-{:04}.jsonl", self.prefix, self.seq));
            self.seq = self.seq.wrapping_add(1);
            if !p.exists() {
                break p;
            }
        };
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        self.file = Some(BufWriter::with_capacity(64 * 1024, file));
        self.written = 0;
        self.prune();
        Ok(())
    }

    fn prune(&self) {
        let Ok(read) = fs::read_dir(&self.dir) else { return };
        let mut names: Vec<String> = read
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(self.prefix) && n.ends_with(".jsonl"))
            .collect();
        names.sort();
        if names.len() > self.keep {
            for old in &names[..names.len() - self.keep] {
                if let Err(e) = fs::remove_file(self.dir.join(old)) {
                    tracing::warn!(error = %e, file = %old, "could not delete an old log file");
                }
            }
        }
    }

    fn close(&mut self) -> std::io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.flush()?;
            f.get_ref().sync_all()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_engine::plan::Block;

    fn decision(n_blocks: usize) -> Decision {
        Decision {
            bundle_digest: Some("sha256:abc".into()),
            version: Some(3),
            page: "home".into(),
            blocks: (0..n_blocks)
                .map(|i| Block {
                    placement: format!("home.p{i}"),
                    content: Some("c".into()),
                    entry: Some("e".into()),
                    segment: Some("s".into()),
                    variant: None,
                    personalized: true,
                    holdout: false,
                    propensity: 0.9,
                    products: vec![],
                    fallback_reason: None,
                })
                .collect(),
            trace: None,
        }
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        v.sort();
        v
    }

    #[test]
    fn log_rotates_by_size_and_keeps_the_newest_files() {
        let tmp = tempfile::tempdir().unwrap();
        let metrics = Metrics::new().unwrap();
        let config = LogConfig { enabled: true, dir: Some(tmp.path().into()), max_bytes: 1500, keep: 3, queue: 1000 };
        let log = DecisionLog::start(&config, tmp.path(), metrics.clone()).unwrap();
        for i in 0..40 {
            log.record(Logged {
                time: Timestamp::UNIX_EPOCH,
                decision_id: uuid::Uuid::now_v7(),
                decided_at: Timestamp::UNIX_EPOCH,
                environment: Arc::from("production"),
                shopper: format!("s-{i}"),
                decision: decision(2),
            });
        }
        log.close();
        let files = files(tmp.path());
        assert_eq!(files.len(), 3, "{files:?}");
        let mut shoppers = Vec::new();
        for f in &files {
            let text = fs::read_to_string(f).unwrap();
            assert!(text.len() as u64 <= 1500, "{} is {} bytes", f.display(), text.len());
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_eq!(v["environment"], "production");
                assert_eq!(v["propensity"], 0.9);
                assert_eq!(v["bundle_digest"], "sha256:abc");
                shoppers.push(v["shopper"].as_str().unwrap().to_owned());
            }
        }
        // The newest files hold the last shoppers, in order.
        assert_eq!(shoppers.last().unwrap(), "s-39");
        assert_eq!(metrics.log_dropped.get(), 0);
    }

    #[test]
    fn lines_are_byte_for_byte_the_serialized_line_shape() {
        let mut d = decision(3);
        d.blocks[1].content = None;
        d.blocks[1].fallback_reason = Some(FallbackReason::NoCandidate);
        d.blocks[2].variant = Some(1);
        d.blocks[2].segment = Some("quote \" and \\ and ü".into());
        let logged = Logged {
            time: "2026-11-25T10:00:00.5Z".parse().unwrap(),
            decision_id: uuid::Uuid::now_v7(),
            decided_at: "2026-11-25T10:00:01Z".parse().unwrap(),
            environment: Arc::from("production"),
            shopper: "s-\"1\"".into(),
            decision: d,
        };
        let mut out = Vec::new();
        write_lines(&logged, &mut out).unwrap();
        let mut expected = Vec::new();
        let d = &logged.decision;
        for b in &d.blocks {
            serde_json::to_writer(
                &mut expected,
                &Line {
                    time: logged.time.to_string(),
                    decision_id: logged.decision_id.to_string(),
                    decided_at: logged.decided_at.to_string(),
                    environment: &logged.environment,
                    shopper: &logged.shopper,
                    page: &d.page,
                    block: BlockFields::of(b),
                    bundle_digest: d.bundle_digest.as_deref(),
                    version: d.version,
                },
            )
            .unwrap();
            expected.push(b'\n');
        }
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }

    #[test]
    fn a_full_queue_drops_lines_and_counts_them() {
        let tmp = tempfile::tempdir().unwrap();
        let metrics = Metrics::new().unwrap();
        let log = DecisionLog::start(&LogConfig::default(), tmp.path(), metrics.clone()).unwrap();
        log.close(); // writer gone: every record is a drop
        log.record(Logged {
            time: Timestamp::UNIX_EPOCH,
            decision_id: uuid::Uuid::now_v7(),
            decided_at: Timestamp::UNIX_EPOCH,
            environment: Arc::from("staging"),
            shopper: "s".into(),
            decision: decision(3),
        });
        assert_eq!(metrics.log_dropped.get(), 3);
    }
}
