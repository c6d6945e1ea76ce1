//! Three-way merge of a workspace's rules (docs/collaboration.md).
//!
//! *base* is the bundle a workspace last published or pulled for an
//! environment, *theirs* the bundle active there now, *mine* the workspace.
//! Each rules section is a list of entities keyed by name or id (the
//! constraints are one entity); each entity is merged on its own, and two
//! edits of one entity field by field (top-level fields of its JSON form):
//!
//! | base → theirs, base → mine            | result                      |
//! |---------------------------------------|-----------------------------|
//! | same change on both sides (or none)   | that value                  |
//! | changed on one side only              | that side's value           |
//! | both changed, both still objects      | per field, by the rows above|
//! | one field changed to different values | **conflict**, mine kept     |
//! | edited on one side, deleted on other  | **conflict**, mine kept     |
//!
//! A conflict keeps mine in the result so nothing is lost until someone
//! decides; the caller records the conflicts and refuses to publish while
//! any is open. The merge works on JSON values so it follows the model's
//! fields without listing them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tailor_model::spec::Snapshot;
use ts_rs::TS;

/// The rules sections, in the snapshot's order, with the field that keys
/// each entity. `constraints` is one entity, keyed [`CONSTRAINTS`].
pub const SECTIONS: [(&str, &str); 8] = [
    ("attributes", "name"),
    ("segments", "name"),
    ("stages", "name"),
    ("page_types", "name"),
    ("content", "id"),
    ("campaigns", "name"),
    ("plan", "id"),
    ("catalog", "id"),
];

/// The section, and the key, of the one constraints entity.
pub const CONSTRAINTS: &str = "constraints";

/// One entity in one section.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EntityRef {
    pub section: String,
    pub key: String,
}

/// The same entity (or one field of it) changed differently on both sides,
/// or edited on one and deleted on the other. `None` values are "absent"
/// (a deleted entity, or a field not set).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Conflict {
    pub section: String,
    pub key: String,
    /// The top-level field in conflict; `None` when the whole entity is.
    pub field: Option<String>,
    #[ts(type = "unknown")]
    pub base: Option<Value>,
    #[ts(type = "unknown")]
    pub theirs: Option<Value>,
    #[ts(type = "unknown")]
    pub mine: Option<Value>,
}

impl Conflict {
    /// A stable name: `section/key`, or `section/key#field`.
    pub fn id(&self) -> String {
        match &self.field {
            Some(f) => format!("{}/{}#{f}", self.section, self.key),
            None => format!("{}/{}", self.section, self.key),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map_or_else(|| "(absent)".to_owned(), Value::to_string);
        let what = format!("{} \"{}\"", section_label(&self.section), self.key);
        match &self.field {
            Some(field) => write!(f, "{what}, field {field}: ")?,
            None if self.theirs.is_none() => write!(f, "{what}: deleted there, edited here: ")?,
            None if self.mine.is_none() => write!(f, "{what}: edited there, deleted here: ")?,
            None => write!(f, "{what}: ")?,
        }
        write!(f, "base {}, theirs {}, mine {}", show(&self.base), show(&self.theirs), show(&self.mine))
    }
}

/// What a merge did, for the review and the merge view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeSummary {
    /// Every entity the environment changed since the base.
    pub incoming: Vec<EntityRef>,
    /// Those of `incoming` that merged by themselves (no conflict).
    pub merged: Vec<EntityRef>,
    pub conflicts: Vec<Conflict>,
}

/// One entity to write into mine to reach the result (`None` deletes it).
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub section: String,
    pub key: String,
    pub after: Option<Value>,
}

/// A merge's result, the writes that turn mine into it, and its summary.
#[derive(Clone, Debug)]
pub struct Merge {
    pub summary: MergeSummary,
    pub writes: Vec<Write>,
    pub result: Snapshot,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("a {section} entity has no \"{field}\" to key it by")]
    NoKey { section: String, field: String },
    #[error("two {section} entities are both keyed \"{key}\"")]
    DuplicateKey { section: String, key: String },
    #[error("the rules do not convert to or from JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// One section merged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SectionMerge {
    /// The merged entities, keyed, in order.
    pub result: Vec<(String, Value)>,
    pub writes: Vec<Write>,
    pub summary: MergeSummary,
}

/// A person-facing name of a section's entities.
pub fn section_label(section: &str) -> &str {
    match section {
        "attributes" => "attribute",
        "segments" => "segment",
        "stages" => "stage",
        "page_types" => "page type",
        "content" => "content",
        "campaigns" => "campaign",
        "plan" => "plan entry",
        "catalog" => "product",
        "constraints" => "constraints",
        other => other,
    }
}

/// `entity` with `field` set to `value` (or removed when `None`). A
/// non-object entity is returned as it is.
pub fn with_field(entity: &Value, field: &str, value: Option<&Value>) -> Value {
    let mut out = entity.clone();
    if let Value::Object(map) = &mut out {
        match value {
            Some(v) => {
                map.insert(field.to_owned(), v.clone());
            }
            None => {
                map.remove(field);
            }
        }
    }
    out
}

/// Merges `theirs` and `mine`, both made from `base`.
pub fn merge(base: &Snapshot, theirs: &Snapshot, mine: &Snapshot) -> Result<Merge, MergeError> {
    let (b, t, m) = (serde_json::to_value(base)?, serde_json::to_value(theirs)?, serde_json::to_value(mine)?);
    let mut out = Map::new();
    let mut summary = MergeSummary::default();
    let mut writes = Vec::new();
    let mut add = |merged: SectionMerge| -> Value {
        summary.incoming.extend(merged.summary.incoming);
        summary.merged.extend(merged.summary.merged);
        summary.conflicts.extend(merged.summary.conflicts);
        writes.extend(merged.writes);
        Value::Array(merged.result.into_iter().map(|(_, v)| v).collect())
    };
    for (section, key_field) in SECTIONS {
        let (b, t, m) = (keyed(&b, section, key_field)?, keyed(&t, section, key_field)?, keyed(&m, section, key_field)?);
        let merged = merge_section(section, &b, &t, &m);
        out.insert(section.to_owned(), add(merged));
    }
    let one = |s: &Value| vec![(CONSTRAINTS.to_owned(), s.get(CONSTRAINTS).cloned().unwrap_or(Value::Object(Map::new())))];
    let merged = merge_section(CONSTRAINTS, &one(&b), &one(&t), &one(&m));
    let constraints = match add(merged) {
        Value::Array(mut v) if !v.is_empty() => v.remove(0),
        _ => Value::Object(Map::new()),
    };
    out.insert(CONSTRAINTS.to_owned(), constraints);
    let result = serde_json::from_value(Value::Object(out))?;
    Ok(Merge { summary, writes, result })
}

/// The entities of one section of a snapshot's JSON form, keyed.
fn keyed(snapshot: &Value, section: &str, key_field: &str) -> Result<Vec<(String, Value)>, MergeError> {
    let items = snapshot.get(section).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut seen = HashSet::new();
    items
        .iter()
        .map(|item| {
            let key = item.get(key_field).and_then(Value::as_str).ok_or_else(|| MergeError::NoKey {
                section: section.to_owned(),
                field: key_field.to_owned(),
            })?;
            if !seen.insert(key) {
                return Err(MergeError::DuplicateKey { section: section.to_owned(), key: key.to_owned() });
            }
            Ok((key.to_owned(), item.clone()))
        })
        .collect()
}

/// Merges one section (keys must be unique within each side).
pub fn merge_section(
    section: &str,
    base: &[(String, Value)],
    theirs: &[(String, Value)],
    mine: &[(String, Value)],
) -> SectionMerge {
    let (bi, ti, mi) = (index(base), index(theirs), index(mine));
    let entity = |key: &str| EntityRef { section: section.to_owned(), key: key.to_owned() };

    let mut out = SectionMerge::default();
    let mut values: HashMap<&str, Value> = HashMap::new();
    for key in order(base, theirs, mine) {
        let (b, t, m) = (bi.get(key).copied(), ti.get(key).copied(), mi.get(key).copied());
        let theirs_changed = b != t;
        if theirs_changed {
            out.summary.incoming.push(entity(key));
        }
        let (value, conflicts) = if t == m || !theirs_changed {
            (m.cloned(), Vec::new())
        } else if b == m {
            (t.cloned(), Vec::new())
        } else {
            both_changed(section, key, b, t, m)
        };
        if theirs_changed && conflicts.is_empty() {
            out.summary.merged.push(entity(key));
        }
        out.summary.conflicts.extend(conflicts);
        if value.as_ref() != m {
            out.writes.push(Write { section: section.to_owned(), key: key.to_owned(), after: value.clone() });
        }
        if let Some(v) = value {
            values.insert(key, v);
        }
    }
    out.result = order(base, theirs, mine)
        .into_iter()
        .filter_map(|k| values.remove(k).map(|v| (k.to_owned(), v)))
        .collect();
    out
}

fn index(side: &[(String, Value)]) -> HashMap<&str, &Value> {
    side.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

/// Both sides changed one entity differently: field by field when both
/// still hold an object (an added-on-both-sides entity has an empty base),
/// else one conflict over the whole entity. Mine is kept where they clash.
fn both_changed(
    section: &str,
    key: &str,
    b: Option<&Value>,
    t: Option<&Value>,
    m: Option<&Value>,
) -> (Option<Value>, Vec<Conflict>) {
    let empty = Map::new();
    let base_fields = match b {
        None => Some(&empty),
        Some(v) => v.as_object(),
    };
    let conflict = |field: Option<&str>, b: Option<&Value>, t: Option<&Value>, m: Option<&Value>| Conflict {
        section: section.to_owned(),
        key: key.to_owned(),
        field: field.map(str::to_owned),
        base: b.cloned(),
        theirs: t.cloned(),
        mine: m.cloned(),
    };
    let (Some(bf), Some(Value::Object(tf)), Some(Value::Object(mf))) = (base_fields, t, m) else {
        return (m.cloned(), vec![conflict(None, b, t, m)]);
    };
    let fields: BTreeSet<&String> = bf.keys().chain(tf.keys()).chain(mf.keys()).collect();
    let mut merged = mf.clone();
    let mut conflicts = Vec::new();
    for field in fields {
        let (b, t, m) = (bf.get(field), tf.get(field), mf.get(field));
        if t == m || b == t {
            continue;
        }
        if b == m {
            match t {
                Some(t) => merged.insert(field.clone(), t.clone()),
                None => merged.remove(field),
            };
        } else {
            conflicts.push(conflict(Some(field), b, t, m));
        }
    }
    (Some(Value::Object(merged)), conflicts)
}

/// The merged order of a section's keys (deleted ones included; the caller
/// drops them). The side that reordered the entities it shares with base
/// leads (mine when both did); the other side's own entities go in after
/// the key they follow there, so a one-sided edit keeps that side's order
/// exactly.
fn order<'a>(base: &'a [(String, Value)], theirs: &'a [(String, Value)], mine: &'a [(String, Value)]) -> Vec<&'a str> {
    fn keys(side: &[(String, Value)]) -> Vec<&str> {
        side.iter().map(|(k, _)| k.as_str()).collect()
    }
    let (b, t, m) = (keys(base), keys(theirs), keys(mine));
    let reordered = |side: &[&str]| {
        let in_side: HashSet<&str> = side.iter().copied().collect();
        let in_base: HashSet<&str> = b.iter().copied().collect();
        let shared_side = side.iter().filter(|k| in_base.contains(*k));
        let shared_base = b.iter().filter(|k| in_side.contains(*k));
        !shared_side.eq(shared_base)
    };
    let (lead, follow) = if reordered(&m) { (&m, &t) } else { (&t, &m) };
    let mut out: Vec<&str> = lead.clone();
    let mut placed: HashSet<&str> = out.iter().copied().collect();
    let mut after: Option<&str> = None;
    for &k in follow.iter() {
        if placed.insert(k) {
            let at = after.and_then(|a| out.iter().position(|x| *x == a)).map_or(0, |i| i + 1);
            out.insert(at, k);
        }
        after = Some(k);
    }
    // Entities only in base (deleted on both sides) end the list.
    let mut rest: BTreeMap<usize, &str> = BTreeMap::new();
    for (i, &k) in b.iter().enumerate() {
        if !placed.contains(k) {
            rest.insert(i, k);
        }
    }
    out.extend(rest.into_values());
    out
}

#[cfg(test)]
mod tests;
