//! Attributes and segments: validated reads and writes.

use tailor_model::condition::{self, Condition};
use tailor_model::{AttrType, Attribute, Schema, Segment};

use crate::error::{Result, StoreError};
use crate::log::{Expect, Tx};
use crate::types::{AttributeRow, EntityKind, SegmentRow};
use crate::workspace::Workspace;

/// Attribute names are identifiers of the condition syntax.
pub fn validate_attribute(a: &Attribute) -> Result<()> {
    let invalid = |field: &str, message: String| StoreError::Invalid {
        kind: EntityKind::Attribute,
        key: a.name.0.clone(),
        field: field.into(),
        message,
    };
    if !condition::is_attribute_name(a.name.as_str()) {
        return Err(invalid(
            "name",
            "must start with a letter or _, contain only letters, digits and _, and not be a keyword of the condition syntax".into(),
        ));
    }
    if a.ty == AttrType::Enum && a.values.is_empty() {
        return Err(invalid("values", "an enum attribute needs at least one value".into()));
    }
    if a.ty != AttrType::Enum && !a.values.is_empty() {
        return Err(invalid("values", format!("only enum attributes take values, not {}", a.ty)));
    }
    if let Some(dup) = a
        .values
        .iter()
        .enumerate()
        .find(|(i, v)| a.values[..*i].contains(v))
    {
        return Err(invalid("values", format!("\"{}\" is listed twice", dup.1)));
    }
    Ok(())
}

pub fn validate_segment_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 120
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            kind: EntityKind::Segment,
            key: name.into(),
            field: "name".into(),
            message: "use letters, digits, _, - and . only (1-120 characters)".into(),
        })
    }
}

impl Workspace {
    /// In the order attributes were created (CSV column order).
    pub fn attributes(&self) -> Result<Vec<AttributeRow>> {
        Ok(self
            .list::<Attribute>()?
            .into_iter()
            .map(|v| AttributeRow { attribute: v.item, revision: v.revision })
            .collect())
    }

    pub fn schema(&self) -> Result<Schema> {
        Ok(Schema::new(
            self.attributes()?.into_iter().map(|r| r.attribute).collect(),
        ))
    }

    pub fn attribute(&self, name: &str) -> Result<AttributeRow> {
        let v = self.get::<Attribute>(name)?;
        Ok(AttributeRow { attribute: v.item, revision: v.revision })
    }

    /// Creates (`revision: None`) or updates an attribute. Changing the type
    /// of an attribute is refused when a sample shopper's value would not fit.
    pub fn save_attribute(&mut self, a: &Attribute, revision: Option<i64>) -> Result<AttributeRow> {
        validate_attribute(a)?;
        if revision.is_some() {
            self.check_shoppers_fit(a)?;
        }
        let summary = match revision {
            None => format!("Add attribute {}", a.name),
            Some(_) => format!("Edit attribute {}", a.name),
        };
        let rev = self.transact_checked(&summary, |tx| {
            tx.put_json(EntityKind::Attribute, a.name.as_str(), Expect::from_revision(revision), a)
        })?;
        Ok(AttributeRow {
            attribute: a.clone(),
            revision: rev,
        })
    }

    /// Deletes an attribute that no segment uses.
    pub fn delete_attribute(&mut self, name: &str, revision: i64) -> Result<()> {
        let users: Vec<String> = self
            .segments()?
            .into_iter()
            .filter(|s| s.segment.condition.attributes().iter().any(|a| a.0 == name))
            .map(|s| s.segment.name.0)
            .collect();
        if !users.is_empty() {
            return Err(StoreError::Invalid {
                kind: EntityKind::Attribute,
                key: name.into(),
                field: "name".into(),
                message: format!("used by segment(s) {}; change those first", users.join(", ")),
            });
        }
        self.transact_checked(&format!("Delete attribute {name}"), |tx| {
            tx.put(EntityKind::Attribute, name, Expect::Revision(revision), None)
        })?;
        Ok(())
    }

    fn check_shoppers_fit(&mut self, a: &Attribute) -> Result<()> {
        let schema = Schema::new(vec![a.clone()]);
        let mut stmt = self
            .conn
            .prepare("SELECT key, body FROM shoppers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let body: String = r.get(1)?;
            let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&body)?;
            if let Err(e) = tailor_engine::shopper_from_json(&key, &obj, &schema) {
                return Err(StoreError::Invalid {
                    kind: EntityKind::Attribute,
                    key: a.name.0.clone(),
                    field: "type".into(),
                    message: format!("shopper \"{key}\" has a value that is not a {}: {e}", a.ty),
                });
            }
        }
        Ok(())
    }

    /// Sorted by name.
    pub fn segments(&self) -> Result<Vec<SegmentRow>> {
        let mut rows: Vec<SegmentRow> = self.list::<Segment>()?.into_iter().map(segment_row).collect();
        rows.sort_by(|a, b| a.segment.name.cmp(&b.segment.name));
        Ok(rows)
    }

    pub fn segment(&self, name: &str) -> Result<SegmentRow> {
        Ok(segment_row(self.get::<Segment>(name)?))
    }

    /// Creates (`revision: None`) or updates a segment after type-checking
    /// its condition against the attributes.
    pub fn save_segment(&mut self, s: &Segment, revision: Option<i64>) -> Result<SegmentRow> {
        let schema = self.schema()?;
        validate_segment(s, &schema)?;
        let summary = match revision {
            None => format!("Add segment {}", s.name),
            Some(_) => format!("Edit segment {}", s.name),
        };
        let rev = self.transact_checked(&summary, |tx| {
            tx.put_json(EntityKind::Segment, s.name.as_str(), Expect::from_revision(revision), s)
        })?;
        Ok(SegmentRow {
            segment: s.clone(),
            revision: rev,
            condition_text: condition::print(&s.condition),
        })
    }

    pub fn delete_segment(&mut self, name: &str, revision: i64) -> Result<()> {
        self.transact_checked(&format!("Delete segment {name}"), |tx| {
            tx.put(EntityKind::Segment, name, Expect::Revision(revision), None)
        })?;
        Ok(())
    }

    /// Parses and type-checks condition text against the workspace's attributes.
    pub fn parse_condition(&self, text: &str) -> Result<Condition> {
        let schema = self.schema()?;
        condition::parse_checked(text, &schema).map_err(|error| StoreError::Condition {
            kind: EntityKind::Segment,
            key: String::new(),
            error,
        })
    }
}

pub fn validate_segment(s: &Segment, schema: &Schema) -> Result<()> {
    validate_segment_name(s.name.as_str())?;
    check_condition(&s.condition, schema).map_err(|message| StoreError::Invalid {
        kind: EntityKind::Segment,
        key: s.name.0.clone(),
        field: "condition".into(),
        message,
    })
}

/// Type errors of a condition AST as one sentence.
pub fn check_condition(c: &Condition, schema: &Schema) -> std::result::Result<(), String> {
    let errors = condition::typecheck(c, schema);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; "))
    }
}

fn segment_row(v: crate::plan::Versioned<Segment>) -> SegmentRow {
    SegmentRow { condition_text: condition::print(&v.item.condition), segment: v.item, revision: v.revision }
}

/// Writes an attribute inside an existing transaction (imports, spec apply).
pub(crate) fn put_attribute(tx: &mut Tx<'_>, a: &Attribute) -> Result<i64> {
    validate_attribute(a)?;
    tx.put_json(EntityKind::Attribute, a.name.as_str(), Expect::Any, a)
}
