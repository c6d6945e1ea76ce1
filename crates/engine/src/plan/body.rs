//! `/v1/decide` bodies read straight into the engine's shopper form.
//!
//! [`decide_body`] gives the decision `decide_json` gives for the same
//! bytes parsed as a [`DecisionRequest`], but the shopper's attributes go
//! into their schema slots as they are read: no intermediate JSON map, and
//! keys the schema does not know are skipped unread. This is the decision
//! service's per-request path, where that map was half of the parsing cost.

use std::borrow::Cow;
use std::fmt;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value as Json;
use tailor_model::{AttrType, Schema};

use super::request::{Context, PageRef, PageRequest};
use super::{DecideError, Decision, Plan, decide};
use crate::shopper::{Shopper, convert, date};
use crate::value::Value;

/// Why a body gave no decision.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// Not JSON, or not the shape of a [`DecisionRequest`].
    #[error("{0}")]
    Malformed(serde_json::Error),
    #[error(transparent)]
    Decide(#[from] DecideError),
}

/// A decision from a body, with the shopper id and the instant it was made for.
#[derive(Debug)]
pub struct BodyDecision {
    pub decision: Decision,
    pub shopper: String,
    pub at: Timestamp,
}

/// Reads `body` (a [`DecisionRequest`] as JSON) and decides it; `now` when
/// the body has no `at`.
pub fn decide_body(plan: &Plan, body: &[u8], now: Timestamp) -> Result<BodyDecision, BodyError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = RequestSeed(plan.schema()).deserialize(&mut de).map_err(BodyError::Malformed)?;
    de.end().map_err(BodyError::Malformed)?;
    let shopper = parsed.shopper.into_shopper(plan.schema())?;
    let at = parsed.at.unwrap_or(now);
    let req = PageRequest { page: PageRef::Name(parsed.page), at, context: parsed.context, explain: parsed.explain };
    let decision = decide(plan, &shopper, &req)?;
    Ok(BodyDecision { decision, shopper: shopper.id, at })
}

const FIELDS: &[&str] = &["shopper", "page", "at", "context", "explain"];

struct Parsed {
    shopper: ShopperSlots,
    page: String,
    at: Option<Timestamp>,
    context: Context,
    explain: bool,
}

/// Converted values by slot (an error kept per slot, reported in schema
/// order like `shopper_from_json`), and the id as `decide_json` reads it.
struct ShopperSlots {
    values: Vec<Result<Value, String>>,
    id: Option<Json>,
}

impl ShopperSlots {
    fn into_shopper(self, schema: &Schema) -> Result<Shopper, DecideError> {
        let id = match self.id {
            Some(Json::String(s)) if !s.is_empty() => s,
            Some(Json::Number(n)) => n.to_string(),
            _ => return Err(DecideError::MissingShopperId),
        };
        let values = self
            .values
            .into_iter()
            .zip(schema.attributes())
            .map(|(v, attr)| v.map_err(|message| DecideError::ShopperValue { attribute: attr.name.0.clone(), message }))
            .collect::<Result<_, _>>()?;
        Ok(Shopper { id, values })
    }
}

/// Why one JSON shopper object (a line of a JSON Lines file) gave no shopper.
#[derive(Debug, thiserror::Error)]
pub enum ShopperTextError {
    #[error("not a JSON object: {0}")]
    Malformed(serde_json::Error),
    #[error("the shopper has no \"id\"")]
    MissingId,
    #[error(transparent)]
    Value(#[from] crate::shopper::ValueError),
}

/// One shopper from the text of a JSON object, the way
/// [`crate::shopper_from_json`] converts the parsed object (the id a
/// non-empty string or a number), read straight into schema slots: no
/// intermediate map, and keys the schema does not know skipped unread.
/// Batch simulation reads JSON Lines with it.
pub fn shopper_from_json_text(text: &[u8], schema: &Schema) -> Result<Shopper, ShopperTextError> {
    let (id, values) = read_shopper_text(text, schema)?;
    let id = match id {
        Some(Json::String(s)) if !s.is_empty() => s,
        Some(Json::Number(n)) => n.to_string(),
        _ => return Err(ShopperTextError::MissingId),
    };
    Ok(Shopper { id, values: values? })
}

/// [`shopper_from_json_text`] with the id given (the workspace keeps it
/// beside the shopper's JSON); an `"id"` in the text is not read.
pub fn shopper_from_json_text_with_id(id: &str, text: &[u8], schema: &Schema) -> Result<Shopper, ShopperTextError> {
    let (_, values) = read_shopper_text(text, schema)?;
    Ok(Shopper { id: id.to_owned(), values: values? })
}

type SlotValues = Result<Vec<Value>, crate::shopper::ValueError>;

fn read_shopper_text(text: &[u8], schema: &Schema) -> Result<(Option<Json>, SlotValues), ShopperTextError> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let slots = ShopperSeed(schema).deserialize(&mut de).map_err(ShopperTextError::Malformed)?;
    de.end().map_err(ShopperTextError::Malformed)?;
    let values = slots
        .values
        .into_iter()
        .zip(schema.attributes())
        .map(|(v, attr)| v.map_err(|message| crate::shopper::ValueError { attribute: attr.name.clone(), message }))
        .collect();
    Ok((slots.id, values))
}

struct RequestSeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for RequestSeed<'_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_struct("DecisionRequest", FIELDS, self)
    }
}

impl<'de> Visitor<'de> for RequestSeed<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct DecisionRequest")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let (mut shopper, mut page, mut at, mut context, mut explain) = (None, None, None, None, None);
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "shopper" if shopper.is_none() => shopper = Some(map.next_value_seed(ShopperSeed(self.0))?),
                "page" if page.is_none() => page = Some(map.next_value::<String>()?),
                "at" if at.is_none() => at = Some(map.next_value::<Option<Timestamp>>()?),
                "context" if context.is_none() => context = Some(map.next_value::<Context>()?),
                "explain" if explain.is_none() => explain = Some(map.next_value::<bool>()?),
                k @ ("shopper" | "page" | "at" | "context" | "explain") => return Err(de::Error::duplicate_field(field(k))),
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        Ok(Parsed {
            shopper: shopper.ok_or_else(|| de::Error::missing_field("shopper"))?,
            page: page.ok_or_else(|| de::Error::missing_field("page"))?,
            at: at.flatten(),
            context: context.unwrap_or_default(),
            explain: explain.unwrap_or_default(),
        })
    }
}

fn field(k: &str) -> &'static str {
    FIELDS.iter().find(|f| **f == k).copied().unwrap_or("field")
}

struct ShopperSeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for ShopperSeed<'_> {
    type Value = ShopperSlots;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ShopperSlots, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ShopperSeed<'_> {
    type Value = ShopperSlots;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ShopperSlots, A::Error> {
        let schema = self.0;
        let mut values: Vec<Result<Value, String>> = vec![Ok(Value::Null); schema.len()];
        let mut id = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = schema.slot(&key.0);
            if key.0 == "id" {
                let json: Json = map.next_value()?;
                if let Some(slot) = slot {
                    values[slot] = convert(schema.attributes()[slot].ty, &json);
                }
                id = Some(json);
            } else if let Some(slot) = slot {
                // The last occurrence of a key wins, as in a JSON map.
                values[slot] = map.next_value_seed(ValueSeed(schema.attributes()[slot].ty))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(ShopperSlots { values, id })
    }
}

/// One attribute's value read straight into its type: what
/// [`convert`] gives for the same JSON, without building the JSON value
/// first in the common cases (a string into a string attribute, a number
/// into a number, a list of strings into a list). Anything else is built as
/// JSON and handed to [`convert`], so results and messages are its own.
struct ValueSeed(AttrType);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Result<Value, String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Result<Value, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(Value::Null))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(match self.0 {
            AttrType::Bool => Ok(Value::Bool(v)),
            ty => convert(ty, &Json::Bool(v)),
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match self.0 {
            AttrType::Number => Ok(Value::Number(v as f64)),
            ty => convert(ty, &Json::from(v)),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match self.0 {
            AttrType::Number => Ok(Value::Number(v as f64)),
            ty => convert(ty, &Json::from(v)),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(match self.0 {
            AttrType::Number if v.is_finite() => Ok(Value::Number(v)),
            ty => convert(ty, &Json::from(v)),
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match self.0 {
            AttrType::String | AttrType::Enum => Ok(Value::String(v.into())),
            AttrType::Date => match date(v) {
                Some(d) => Ok(Value::Date(d)),
                None => convert(AttrType::Date, &Json::String(v.to_owned())),
            },
            ty => convert(ty, &Json::String(v.to_owned())),
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items: Vec<Json> = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        if self.0 == AttrType::StringList && items.iter().all(Json::is_string) {
            let list = items
                .into_iter()
                .map(|item| match item {
                    Json::String(s) => s.into_boxed_str(),
                    _ => unreachable!("checked above"),
                })
                .collect();
            return Ok(Ok(Value::List(list)));
        }
        Ok(convert(self.0, &Json::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let object = Json::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(convert(self.0, &object))
    }
}

/// A key, borrowed from the body unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

// ------------------------------------------------------------------ flat context

/// Keys of a flat context that are not shopper attributes (they win over an
/// attribute of the same name): the shopper id, the page (when the caller
/// does not name it), the environment (read by the service before the
/// plan is known), the instant and the page context.
pub const CONTEXT_KEYS: &[&str] = &["targetingKey", "page", "environment", "instant", "product", "cart", "stage"];

/// Why a flat-context body gave no decision.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// Not JSON, or not `{"context": {…}}`.
    #[error("{0}")]
    Malformed(serde_json::Error),
    /// A reserved key of the wrong shape (`instant` not RFC 3339, `cart` not
    /// a list of product ids, …).
    #[error("context key `{key}`: {message}")]
    Reserved { key: &'static str, message: String },
    /// No page: neither the caller nor the context's `page` named one.
    #[error("the context names no page (give `page`)")]
    MissingPage,
    #[error(transparent)]
    Decide(#[from] DecideError),
}

/// Reads `body`, an evaluation request whose `context` is one flat object
/// (the OpenFeature evaluation context): `targetingKey` is the shopper id,
/// [`CONTEXT_KEYS`] carry the page context, every other key the schema
/// knows is a shopper attribute (others are skipped unread). `page` names
/// the page when the caller knows it (a single placement), else the
/// context's `page` does. The decision is the one [`decide_body`] gives for
/// the same shopper, page, instant and context.
pub fn decide_context_body(plan: &Plan, body: &[u8], page: Option<&str>, now: Timestamp) -> Result<BodyDecision, ContextError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let outer = OuterSeed(plan.schema()).deserialize(&mut de).map_err(ContextError::Malformed)?;
    de.end().map_err(ContextError::Malformed)?;
    let flat = outer.unwrap_or_else(|| FlatContext::empty(plan.schema()));
    let at = match flat.instant {
        None | Some(Json::Null) => now,
        Some(Json::String(s)) => s.parse::<Timestamp>().map_err(|e| ContextError::Reserved {
            key: "instant",
            message: format!("not an RFC 3339 instant ({e})"),
        })?,
        Some(other) => return Err(ContextError::Reserved { key: "instant", message: format!("not an RFC 3339 instant: {other}") }),
    };
    let text = |key: &'static str, v: Option<Json>| match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(other) => Err(ContextError::Reserved { key, message: format!("must be a string, found {other}") }),
    };
    let cart = match flat.cart {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                Json::String(s) => Ok(s),
                other => Err(ContextError::Reserved { key: "cart", message: format!("product ids are strings, found {other}") }),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(ContextError::Reserved { key: "cart", message: format!("must be a list of product ids, found {other}") }),
    };
    let context = Context { product: text("product", flat.product)?, cart, stage: text("stage", flat.stage)?, traffic_source: None };
    let page = match page {
        Some(p) => p.to_owned(),
        None => text("page", flat.page)?.ok_or(ContextError::MissingPage)?,
    };
    let shopper = flat.shopper.into_shopper(plan.schema())?;
    let req = PageRequest { page: PageRef::Name(page), at, context, explain: false };
    let decision = decide(plan, &shopper, &req)?;
    Ok(BodyDecision { decision, shopper: shopper.id, at })
}

struct FlatContext {
    shopper: ShopperSlots,
    page: Option<Json>,
    instant: Option<Json>,
    product: Option<Json>,
    cart: Option<Json>,
    stage: Option<Json>,
}

impl FlatContext {
    fn empty(schema: &Schema) -> Self {
        let shopper = ShopperSlots { values: vec![Ok(Value::Null); schema.len()], id: None };
        Self { shopper, page: None, instant: None, product: None, cart: None, stage: None }
    }
}

/// `{"context": {…}}`; other members (OFREP has none) are skipped.
struct OuterSeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for OuterSeed<'_> {
    type Value = Option<FlatContext>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OuterSeed<'_> {
    type Value = Option<FlatContext>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an evaluation request {\"context\": {…}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut context = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "context" if context.is_none() => context = Some(map.next_value_seed(FlatSeed(self.0))?),
                "context" => return Err(de::Error::duplicate_field("context")),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(context)
    }
}

struct FlatSeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for FlatSeed<'_> {
    type Value = FlatContext;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FlatContext, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FlatSeed<'_> {
    type Value = FlatContext;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a context object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FlatContext, A::Error> {
        let schema = self.0;
        let mut flat = FlatContext::empty(schema);
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let reserved = match key.0.as_ref() {
                "targetingKey" => Some(&mut flat.shopper.id),
                "page" => Some(&mut flat.page),
                "instant" => Some(&mut flat.instant),
                "product" => Some(&mut flat.product),
                "cart" => Some(&mut flat.cart),
                "stage" => Some(&mut flat.stage),
                // Read by the service to pick the bundle.
                "environment" => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                _ => None,
            };
            if let Some(into) = reserved {
                *into = Some(map.next_value::<Json>()?);
            } else if let Some(slot) = schema.slot(&key.0) {
                let json: Json = map.next_value()?;
                flat.shopper.values[slot] = convert(schema.attributes()[slot].ty, &json);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(flat)
    }
}
