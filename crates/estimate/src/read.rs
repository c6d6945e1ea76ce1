//! Reading events: JSON Lines ([`events_from_jsonl`]), CSV exports with a
//! column [`Mapping`] ([`events_from_csv`]), and the decision service's log
//! joined with an outcomes file ([`events_from_decision_log`]).
//!
//! Every reader is atomic: the first bad row fails the whole file with
//! `FILE: row N (line L), column C: message` (rows count data rows from 1;
//! lines count physical lines, header included). Propensities outside
//! (0, 1] are refused.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use crate::event::{Event, check_propensity, parse_time};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: row {row} (line {line}){}: {message}", path.display(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Row { path: PathBuf, row: u64, line: u64, column: Option<String>, message: String },
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReadError + '_ {
    move |source| ReadError::Io { path: path.to_owned(), source }
}

fn row_err(path: &Path, row: u64, line: u64, column: Option<&str>, message: impl Into<String>) -> ReadError {
    ReadError::Row { path: path.to_owned(), row, line, column: column.map(str::to_owned), message: message.into() }
}

/// Non-empty lines of a JSON Lines file as (row, line, text).
fn json_lines(path: &Path) -> Result<Vec<(u64, u64, String)>, ReadError> {
    let f = std::fs::File::open(path).map_err(io(path))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push((out.len() as u64 + 1, i as u64 + 1, line));
    }
    Ok(out)
}

/// Reads events written one [`Event`] per line. A missing `id` becomes the
/// row number.
pub fn events_from_jsonl(path: impl AsRef<Path>) -> Result<Vec<Event>, ReadError> {
    let path = path.as_ref();
    let mut events = Vec::new();
    for (row, line, text) in json_lines(path)? {
        let mut e: Event = serde_json::from_str(&text).map_err(|x| row_err(path, row, line, None, x.to_string()))?;
        if e.id.is_empty() {
            e.id = row.to_string();
        }
        check_propensity(e.propensity).map_err(|m| row_err(path, row, line, Some("propensity"), m))?;
        if let Some((k, v)) = e.rewards.iter().find(|(_, v)| !v.is_finite()) {
            return Err(row_err(path, row, line, Some(&format!("rewards.{k}")), format!("{v} is not a number")));
        }
        events.push(e);
    }
    Ok(events)
}

/// Where a CSV row's placement comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum PlacementSource {
    /// Every row is this placement (`page.placement`).
    Fixed(String),
    /// A column's value, mapped (`logged value → page.placement`); a value
    /// missing from a non-empty map is an error.
    Column { column: String, map: BTreeMap<String, String> },
}

/// Where a CSV row's propensity comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum PropensitySource {
    Column(String),
    /// The same for every row (e.g. 1/k for a uniform test over k contents).
    Fixed(f64),
}

/// How the columns of a CSV export become events. Columns not named here
/// (and not ignored) become shopper attributes, as text (the engine
/// converts them with the workspace's attribute types); empty cells are
/// left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    pub page: String,
    pub placement: PlacementSource,
    pub action_column: String,
    /// `logged value → content id`; when non-empty, a value missing from it
    /// is an error. Applied before `action_prefix`.
    pub action_map: BTreeMap<String, String>,
    /// Prepended to the (mapped) action, e.g. `item_` for `item_12`.
    pub action_prefix: String,
    pub propensity: PropensitySource,
    /// Outcome columns, each a reward of the same name (numbers, or
    /// true/false as 1/0).
    pub reward_columns: Vec<String>,
    /// The shopper id; the row number when absent.
    pub shopper_id_column: Option<String>,
    /// The decision's instant (RFC 3339).
    pub time_column: Option<String>,
    /// Columns to drop; a trailing `*` matches a prefix. Columns with an
    /// empty header are always dropped.
    pub ignore_columns: Vec<String>,
}

impl Mapping {
    /// A mapping with one placement, a propensity column and one reward.
    pub fn new(page: &str, placement: &str, action_column: &str, propensity: PropensitySource, reward_column: &str) -> Self {
        Self {
            page: page.into(),
            placement: PlacementSource::Fixed(placement.into()),
            action_column: action_column.into(),
            action_map: BTreeMap::new(),
            action_prefix: String::new(),
            propensity,
            reward_columns: vec![reward_column.into()],
            shopper_id_column: None,
            time_column: None,
            ignore_columns: Vec::new(),
        }
    }

    fn ignored(&self, column: &str) -> bool {
        column.trim().is_empty()
            || self.ignore_columns.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => column.starts_with(prefix),
                None => column == p,
            })
    }
}

/// Parses `a=b,c=d` (as given on the command line) into a map.
pub fn parse_pairs(s: &str) -> Result<BTreeMap<String, String>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
            _ => Err(format!("`{p}` is not `logged value=id`")),
        })
        .collect()
}

fn reward_value(s: &str) -> Option<f64> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(1.0),
        "false" => Some(0.0),
        t => t.parse::<f64>().ok().filter(|v| v.is_finite()),
    }
}

/// Reads a CSV export (header row) with `mapping`.
pub fn events_from_csv(path: impl AsRef<Path>, mapping: &Mapping) -> Result<Vec<Event>, ReadError> {
    let path = path.as_ref();
    let f = std::fs::File::open(path).map_err(io(path))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(BufReader::new(f));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|x| ReadError::File { path: path.to_owned(), message: format!("header: {x}") })?
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| -> Result<usize, ReadError> {
        header.iter().position(|h| h == name).ok_or_else(|| ReadError::File {
            path: path.to_owned(),
            message: format!("no column \"{name}\" (columns: {})", header.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(", ")),
        })
    };
    let action = col(&mapping.action_column)?;
    let placement = match &mapping.placement {
        PlacementSource::Fixed(_) => None,
        PlacementSource::Column { column, .. } => Some(col(column)?),
    };
    let propensity = match &mapping.propensity {
        PropensitySource::Column(c) => Some(col(c)?),
        PropensitySource::Fixed(p) => {
            check_propensity(*p).map_err(|m| ReadError::File { path: path.to_owned(), message: format!("--propensity: {m}") })?;
            None
        }
    };
    let rewards: Vec<(String, usize)> = mapping.reward_columns.iter().map(|c| Ok((c.clone(), col(c)?))).collect::<Result<_, ReadError>>()?;
    let sid = mapping.shopper_id_column.as_deref().map(col).transpose()?;
    let time = mapping.time_column.as_deref().map(col).transpose()?;
    let mut used: BTreeSet<usize> = [Some(action), placement, propensity, sid, time].into_iter().flatten().collect();
    used.extend(rewards.iter().map(|(_, i)| *i));
    let attrs: Vec<usize> = (0..header.len()).filter(|i| !used.contains(i) && !mapping.ignored(&header[*i])).collect();

    let mut events = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let row = k as u64 + 1;
        let rec = rec.map_err(|x| {
            let line = x.position().map(|p| p.line()).unwrap_or(row + 1);
            row_err(path, row, line, None, x.to_string())
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(row + 1);
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let bad = |i: usize, m: String| row_err(path, row, line, Some(&header[i]), m);

        let raw = cell(action);
        if raw.is_empty() {
            return Err(bad(action, "empty action".into()));
        }
        let mapped = if mapping.action_map.is_empty() {
            raw.to_owned()
        } else {
            mapping.action_map.get(raw).cloned().ok_or_else(|| bad(action, format!("`{raw}` is not in the action map")))?
        };
        let placement = match (&mapping.placement, placement) {
            (PlacementSource::Fixed(p), _) => p.clone(),
            (PlacementSource::Column { map, .. }, Some(i)) => {
                let v = cell(i);
                if map.is_empty() {
                    v.to_owned()
                } else {
                    map.get(v).cloned().ok_or_else(|| bad(i, format!("`{v}` is not in the placement map")))?
                }
            }
            (PlacementSource::Column { .. }, None) => unreachable!("placement column resolved above"),
        };
        let p = match (&mapping.propensity, propensity) {
            (PropensitySource::Fixed(p), _) => *p,
            (_, Some(i)) => {
                let v = cell(i).parse::<f64>().map_err(|_| bad(i, format!("`{}` is not a number", cell(i))))?;
                check_propensity(v).map_err(|m| bad(i, m))?;
                v
            }
            (PropensitySource::Column(_), None) => unreachable!("propensity column resolved above"),
        };
        let mut rw = BTreeMap::new();
        for (name, i) in &rewards {
            let v = reward_value(cell(*i)).ok_or_else(|| bad(*i, format!("`{}` is not a number or true/false", cell(*i))))?;
            rw.insert(name.clone(), v);
        }
        let at = match time {
            Some(i) => Some(parse_time(cell(i)).ok_or_else(|| bad(i, format!("`{}` is not an RFC 3339 time", cell(i))))?),
            None => None,
        };
        let shopper_id = match sid {
            Some(i) if !cell(i).is_empty() => cell(i).to_owned(),
            Some(i) => return Err(bad(i, "empty shopper id".into())),
            None => row.to_string(),
        };
        let mut shopper = Map::new();
        shopper.insert("id".into(), Json::String(shopper_id));
        for &i in &attrs {
            let v = cell(i);
            if !v.is_empty() && header[i] != "id" {
                shopper.insert(header[i].clone(), Json::String(v.to_owned()));
            }
        }
        events.push(Event {
            id: row.to_string(),
            shopper,
            page: mapping.page.clone(),
            placement,
            action: format!("{}{mapped}", mapping.action_prefix),
            propensity: p,
            rewards: rw,
            time: at,
        });
    }
    Ok(events)
}

/// One line of the decision service's log (docs/http-api.md).
#[derive(Deserialize)]
struct LogLine {
    time: Timestamp,
    /// Set by services that give each decision an id (outcomes join on it).
    #[serde(default)]
    decision_id: Option<String>,
    shopper: String,
    page: String,
    placement: String,
    content: Option<String>,
    propensity: f64,
}

/// What [`events_from_decision_log`] joined and left out.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct JoinReport {
    /// Log lines read.
    pub decisions: u64,
    /// Events produced.
    pub events: u64,
    /// Log lines without content (nothing shown), left out.
    pub without_content: u64,
    /// Events with at least one outcome line.
    pub with_outcomes: u64,
    /// Outcome lines that matched no decision.
    pub unmatched_outcomes: u64,
    /// Events whose shopper had no attributes (only the id).
    pub without_attributes: u64,
    /// Reward names found in the outcomes.
    pub rewards: Vec<String>,
}

/// Joins decision log files (JSON Lines, one line per block) with outcome
/// files (JSON Lines) and, optionally, the shoppers' attributes.
///
/// Join key: an outcome line `{"decision_id": ID, "placement"?: P,
/// <reward>: number|bool, …, "attributes"?: {…}}` (what the service's
/// `POST /v1/outcomes` records) belongs to the log lines of that decision;
/// a line without `decision_id`, `{"shopper": ID, "time": T, …}`, belongs to
/// the log lines with the same shopper id and the same instant `time` (the
/// decision's `time`). When `placement` is given, only that placement's
/// line matches; without it the outcome applies to every block of that page
/// view. Several outcome lines for one
/// event are summed. Every other field is a reward; an event without an
/// outcome line gets 0 for every reward.
///
/// Shopper attributes come from the outcome line's `attributes`, else from
/// `shoppers` (JSON Lines of flat shopper objects with `id`), else only the
/// id is known.
pub fn events_from_decision_log(
    logs: &[PathBuf],
    outcome_files: &[PathBuf],
    shoppers: Option<&Path>,
) -> Result<(Vec<Event>, JoinReport), ReadError> {
    let mut report = JoinReport::default();
    // Outcomes by decision id, or by (shopper, time) for lines without one:
    // (placement or None, rewards, attributes), and whether a decision used it.
    type Outcome = (Option<String>, BTreeMap<String, f64>, Option<Map<String, Json>>);
    let mut by_id: HashMap<String, Vec<(Outcome, bool)>> = HashMap::new();
    let mut by_key: HashMap<(String, Timestamp), Vec<(Outcome, bool)>> = HashMap::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for outcomes in outcome_files {
        for (row, line, text) in json_lines(outcomes)? {
            let bad = |c: Option<&str>, m: String| row_err(outcomes, row, line, c, m);
            let obj: Map<String, Json> = serde_json::from_str(&text).map_err(|x| bad(None, x.to_string()))?;
            let decision_id = match obj.get("decision_id") {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(_) => return Err(bad(Some("decision_id"), "not a decision id (a non-empty string)".into())),
            };
            let key = match decision_id {
                Some(id) => Err(id),
                None => {
                    let shopper = match obj.get("shopper") {
                        Some(Json::String(s)) if !s.is_empty() => s.clone(),
                        Some(Json::Number(n)) => n.to_string(),
                        _ => return Err(bad(Some("shopper"), "missing decision_id, or shopper id and time".into())),
                    };
                    let time = obj
                        .get("time")
                        .and_then(Json::as_str)
                        .and_then(parse_time)
                        .ok_or_else(|| bad(Some("time"), "missing or not an RFC 3339 time".into()))?;
                    Ok((shopper, time))
                }
            };
            let placement = match obj.get("placement") {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) => Some(s.clone()),
                Some(_) => return Err(bad(Some("placement"), "not a string".into())),
            };
            let attributes = match obj.get("attributes") {
                None | Some(Json::Null) => None,
                Some(Json::Object(m)) => Some(m.clone()),
                Some(_) => return Err(bad(Some("attributes"), "not an object".into())),
            };
            let mut rewards = BTreeMap::new();
            for (k, v) in &obj {
                if matches!(k.as_str(), "shopper" | "time" | "placement" | "attributes" | "decision_id") {
                    continue;
                }
                let x = match v {
                    Json::Bool(b) => f64::from(u8::from(*b)),
                    Json::Number(n) => n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| bad(Some(k), "not a finite number".into()))?,
                    _ => return Err(bad(Some(k), format!("reward must be a number or true/false, found {v}"))),
                };
                names.insert(k.clone());
                rewards.insert(k.clone(), x);
            }
            let outcome = ((placement, rewards, attributes), false);
            match key {
                Err(id) => by_id.entry(id).or_default().push(outcome),
                Ok(key) => by_key.entry(key).or_default().push(outcome),
            }
        }
    }
    let mut known: HashMap<String, Map<String, Json>> = HashMap::new();
    if let Some(p) = shoppers {
        for (row, line, text) in json_lines(p)? {
            let obj: Map<String, Json> = serde_json::from_str(&text).map_err(|x| row_err(p, row, line, None, x.to_string()))?;
            let id = match obj.get("id") {
                Some(Json::String(s)) if !s.is_empty() => s.clone(),
                Some(Json::Number(n)) => n.to_string(),
                _ => return Err(row_err(p, row, line, Some("id"), "missing shopper id")),
            };
            known.insert(id, obj);
        }
    }
    let mut events = Vec::new();
    for log in logs {
        for (row, line, text) in json_lines(log)? {
            report.decisions += 1;
            let l: LogLine = serde_json::from_str(&text).map_err(|x| row_err(log, row, line, None, x.to_string()))?;
            check_propensity(l.propensity).map_err(|m| row_err(log, row, line, Some("propensity"), m))?;
            let Some(content) = l.content else {
                report.without_content += 1;
                continue;
            };
            let mut rewards: BTreeMap<String, f64> = names.iter().map(|n| (n.clone(), 0.0)).collect();
            let mut attrs: Option<Map<String, Json>> = None;
            let mut matched = false;
            let with_id = l.decision_id.as_ref().and_then(|id| by_id.get_mut(id)).into_iter().flatten();
            let with_key = by_key.get_mut(&(l.shopper.clone(), l.time)).into_iter().flatten();
            for ((pl, rw, at), used) in with_id.chain(with_key) {
                if pl.as_ref().is_some_and(|p| *p != l.placement) {
                    continue;
                }
                *used = true;
                matched = true;
                for (k, v) in rw.iter() {
                    *rewards.entry(k.clone()).or_default() += v;
                }
                if at.is_some() {
                    attrs.clone_from(at);
                }
            }
            report.with_outcomes += u64::from(matched);
            let mut shopper = attrs.or_else(|| known.get(&l.shopper).cloned()).unwrap_or_default();
            if shopper.keys().all(|k| k == "id") {
                report.without_attributes += 1;
            }
            shopper.insert("id".into(), Json::String(l.shopper.clone()));
            events.push(Event {
                id: format!("{}:{row}", log.file_name().and_then(|f| f.to_str()).unwrap_or("log")),
                shopper,
                page: l.page,
                placement: l.placement,
                action: content,
                propensity: l.propensity,
                rewards,
                time: Some(l.time),
            });
        }
    }
    report.events = events.len() as u64;
    report.unmatched_outcomes =
        by_id.values().chain(by_key.values()).flatten().filter(|(_, used)| !used).count() as u64;
    report.rewards = names.into_iter().collect();
    Ok((events, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn mapping() -> Mapping {
        let mut m = Mapping::new("home", "home.hero", "shown", PropensitySource::Column("p".into()), "clicked");
        m.action_map = parse_pairs("A=hero_a,B=hero_b").unwrap();
        m.shopper_id_column = Some("user".into());
        m
    }

    #[test]
    fn csv_rows_become_events_and_other_columns_attributes() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "e.csv", "user,device,shown,p,clicked\nu1,mobile,A,0.5,1\nu2,,B,0.5,false\n");
        let ev = events_from_csv(&p, &mapping()).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].action, "hero_a");
        assert_eq!(ev[0].shopper["id"], "u1");
        assert_eq!(ev[0].shopper["device"], "mobile");
        assert_eq!(ev[0].rewards["clicked"], 1.0);
        assert!(!ev[1].shopper.contains_key("device"), "empty cells are left out");
        assert_eq!(ev[1].rewards["clicked"], 0.0);
    }

    #[test]
    fn a_bad_propensity_fails_the_whole_file_with_row_line_and_column() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "e.csv", "user,device,shown,p,clicked\nu1,mobile,A,0.5,1\nu2,desktop,B,1.5,0\n");
        let e = events_from_csv(&p, &mapping()).unwrap_err().to_string();
        assert!(e.ends_with("row 2 (line 3), column p: propensity 1.5 is outside (0, 1]"), "{e}");
        let p = write(&d, "z.csv", "user,device,shown,p,clicked\nu1,mobile,A,0,1\n");
        assert!(events_from_csv(&p, &mapping()).unwrap_err().to_string().contains("row 1 (line 2), column p: propensity 0 is outside"));
    }

    #[test]
    fn unmapped_actions_and_missing_columns_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "e.csv", "user,device,shown,p,clicked\nu1,mobile,C,0.5,1\n");
        let e = events_from_csv(&p, &mapping()).unwrap_err().to_string();
        assert!(e.contains("row 1 (line 2), column shown: `C` is not in the action map"), "{e}");
        let mut m = mapping();
        m.reward_columns = vec!["bought".into()];
        let e = events_from_csv(&p, &m).unwrap_err().to_string();
        assert!(e.contains("no column \"bought\""), "{e}");
        let mut m = mapping();
        m.propensity = PropensitySource::Fixed(0.0);
        assert!(events_from_csv(&p, &m).unwrap_err().to_string().contains("--propensity"));
    }

    #[test]
    fn jsonl_events_are_checked_row_by_row() {
        let d = tempfile::tempdir().unwrap();
        let ok = r#"{"shopper":{"id":"s1"},"page":"home","placement":"home.hero","action":"a","propensity":0.5,"rewards":{"click":1}}"#;
        let p = write(&d, "e.jsonl", &format!("{ok}\n\n{}\n", ok.replace("0.5", "-1")));
        let e = events_from_jsonl(&p).unwrap_err().to_string();
        assert!(e.contains("row 2 (line 3), column propensity"), "{e}");
        let p = write(&d, "f.jsonl", &format!("{ok}\n"));
        let ev = events_from_jsonl(&p).unwrap();
        assert_eq!(ev[0].id, "1");
    }

    #[test]
    fn decision_log_joins_outcomes_by_shopper_time_and_placement() {
        let d = tempfile::tempdir().unwrap();
        let log = write(
            &d,
            "decisions-1.jsonl",
            concat!(
                r#"{"time":"2026-11-25T12:00:00Z","environment":"production","shopper":"s-1","page":"home","placement":"home.hero","content":"hero_back","entry":"returning_hero","segment":"returning","variant":null,"personalized":true,"holdout":false,"propensity":0.9,"bundle_digest":"sha256:x","version":12}"#,
                "\n",
                r#"{"time":"2026-11-25T12:00:00Z","environment":"production","shopper":"s-1","page":"home","placement":"home.promo","content":"free_shipping","entry":null,"segment":null,"variant":null,"personalized":false,"holdout":false,"propensity":1.0,"bundle_digest":"sha256:x","version":12}"#,
                "\n",
                r#"{"time":"2026-11-25T12:05:00Z","environment":"production","shopper":"s-2","page":"home","placement":"home.hero","content":null,"entry":null,"segment":null,"variant":null,"personalized":false,"holdout":false,"propensity":1.0,"bundle_digest":"sha256:x","version":12}"#,
                "\n"
            ),
        );
        let outcomes = write(
            &d,
            "outcomes.jsonl",
            concat!(
                r#"{"shopper":"s-1","time":"2026-11-25T12:00:00Z","placement":"home.hero","click":true}"#,
                "\n",
                r#"{"shopper":"s-1","time":"2026-11-25T12:00:00+00:00","revenue":40.5}"#,
                "\n",
                r#"{"shopper":"s-9","time":"2026-11-25T12:00:00Z","click":1}"#,
                "\n"
            ),
        );
        let shoppers = write(&d, "shoppers.jsonl", r#"{"id":"s-1","visitor_type":"returning"}"#);
        let (ev, rep) = events_from_decision_log(&[log], &[outcomes], Some(&shoppers)).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(rep.without_content, 1);
        assert_eq!(rep.unmatched_outcomes, 1);
        assert_eq!(rep.rewards, vec!["click".to_owned(), "revenue".to_owned()]);
        assert_eq!(ev[0].rewards, BTreeMap::from([("click".into(), 1.0), ("revenue".into(), 40.5)]));
        assert_eq!(ev[1].rewards, BTreeMap::from([("click".into(), 0.0), ("revenue".into(), 40.5)]));
        assert_eq!(ev[0].propensity, 0.9);
        assert_eq!(ev[0].shopper["visitor_type"], "returning");
    }

    #[test]
    fn decision_log_joins_outcomes_by_decision_id_across_files() {
        let d = tempfile::tempdir().unwrap();
        let line = |id: &str, shopper: &str, placement: &str, content: &str| {
            format!(
                r#"{{"time":"2026-11-25T12:00:00Z","decision_id":"{id}","decided_at":"2026-11-25T12:00:00.1Z","environment":"production","shopper":"{shopper}","page":"home","placement":"{placement}","content":"{content}","entry":null,"segment":null,"personalized":false,"holdout":false,"propensity":0.5,"bundle_digest":"sha256:x","version":1}}"#
            )
        };
        // Two decisions for the same shopper at the same instant: only the
        // id tells them apart.
        let log = write(
            &d,
            "decisions-1.jsonl",
            &[line("d-1", "s-1", "home.hero", "a"), line("d-1", "s-1", "home.promo", "b"), line("d-2", "s-1", "home.hero", "c")]
                .join("\n"),
        );
        let o1 = write(&d, "outcomes-1.jsonl", r#"{"decision_id":"d-1","placement":"home.hero","time":"2026-11-25T12:01:00Z","click":true}"#);
        let o2 = write(
            &d,
            "outcomes-2.jsonl",
            concat!(
                r#"{"decision_id":"d-2","time":"2026-11-25T12:02:00Z","revenue":12}"#,
                "\n",
                r#"{"decision_id":"d-404","time":"2026-11-25T12:02:00Z","click":true}"#
            ),
        );
        let (ev, rep) = events_from_decision_log(&[log], &[o1, o2], None).unwrap();
        let rewards: Vec<(&str, f64, f64)> = ev.iter().map(|e| (e.action.as_str(), e.rewards["click"], e.rewards["revenue"])).collect();
        assert_eq!(rewards, [("a", 1.0, 0.0), ("b", 0.0, 0.0), ("c", 0.0, 12.0)]);
        assert_eq!((rep.with_outcomes, rep.unmatched_outcomes), (2, 1));
    }
}
