//! What changed between two versions of a workspace's rules, by section.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tailor_model::spec::Snapshot;
use ts_rs::TS;

/// Added, removed and changed items of one section (by key).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SectionDiff {
    pub section: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl SectionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The sections that differ (empty when the rules are identical).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SpecDiff {
    pub sections: Vec<SectionDiff>,
}

impl SpecDiff {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// One line per section, e.g. `plan: +2 -0 ~1 (restock_hero, …)`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no changes".into();
        }
        self.sections
            .iter()
            .map(|s| {
                let mut names: Vec<String> = Vec::new();
                names.extend(s.added.iter().map(|k| format!("+{k}")));
                names.extend(s.removed.iter().map(|k| format!("-{k}")));
                names.extend(s.changed.iter().map(|k| format!("~{k}")));
                let shown = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
                let more = names.len().saturating_sub(8);
                format!(
                    "{}: {} added, {} removed, {} changed ({}{})",
                    s.section,
                    s.added.len(),
                    s.removed.len(),
                    s.changed.len(),
                    shown,
                    if more > 0 { format!(", +{more} more") } else { String::new() }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Diff of `old` (None: nothing published yet) against `new`.
pub fn diff(old: Option<&Snapshot>, new: &Snapshot) -> SpecDiff {
    let empty = Snapshot::default();
    let old = old.unwrap_or(&empty);
    let mut sections = Vec::new();
    let mut add = |name: &str, a: Vec<(String, Value)>, b: Vec<(String, Value)>| {
        let d = keyed(name, &a, &b);
        if !d.is_empty() {
            sections.push(d);
        }
    };
    add("attributes", by_key(&old.attributes, "name"), by_key(&new.attributes, "name"));
    add("segments", by_key(&old.segments, "name"), by_key(&new.segments, "name"));
    add("stages", by_key(&old.stages, "name"), by_key(&new.stages, "name"));
    add("page_types", by_key(&old.page_types, "name"), by_key(&new.page_types, "name"));
    add("content", by_key(&old.content, "id"), by_key(&new.content, "id"));
    add("campaigns", by_key(&old.campaigns, "name"), by_key(&new.campaigns, "name"));
    add("plan", by_key(&old.plan, "id"), by_key(&new.plan, "id"));
    add(
        "constraints",
        vec![("constraints".into(), to_value(&old.constraints))],
        vec![("constraints".into(), to_value(&new.constraints))],
    );
    add("catalog", by_key(&old.catalog, "id"), by_key(&new.catalog, "id"));
    SpecDiff { sections }
}

fn to_value<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

fn by_key<T: Serialize>(items: &[T], field: &str) -> Vec<(String, Value)> {
    items
        .iter()
        .map(|i| {
            let v = to_value(i);
            let k = v.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
            (k, v)
        })
        .collect()
}

fn keyed(section: &str, old: &[(String, Value)], new: &[(String, Value)]) -> SectionDiff {
    let mut d = SectionDiff {
        section: section.into(),
        ..Default::default()
    };
    for (k, v) in new {
        match old.iter().find(|(ok, _)| ok == k) {
            None => d.added.push(k.clone()),
            Some((_, ov)) if ov != v => d.changed.push(k.clone()),
            Some(_) => {}
        }
    }
    for (k, _) in old {
        if !new.iter().any(|(nk, _)| nk == k) {
            d.removed.push(k.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_model::{AttrType, Attribute};

    #[test]
    fn diff_lists_added_removed_and_changed_by_section() {
        let mut a = Snapshot::default();
        a.attributes.push(Attribute::new("x", AttrType::Number));
        a.attributes.push(Attribute::new("y", AttrType::Number));
        let mut b = a.clone();
        b.attributes[0].sensitive = true;
        b.attributes.remove(1);
        b.attributes.push(Attribute::new("z", AttrType::Bool));
        b.constraints.min_stock = Some(3);
        let d = diff(Some(&a), &b);
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].added, ["z"]);
        assert_eq!(d.sections[0].removed, ["y"]);
        assert_eq!(d.sections[0].changed, ["x"]);
        assert_eq!(d.sections[1].section, "constraints");
        assert!(diff(Some(&b), &b).is_empty());
        assert_eq!(diff(None, &b).sections[0].added, ["x", "z"]);
    }
}
