//! Seeded synthetic shoppers at any scale. A [`GeneratorSpec`] (YAML or
//! JSON) gives each attribute a distribution, optionally depending on an
//! earlier categorical attribute (`returning` → higher lifetime value).
//! The same spec, count and seed always give the same shoppers, on every
//! machine: the generator is a fixed splitmix64 stream per shopper.
//!
//! ```yaml
//! attributes:
//!   - name: customer_type
//!     categorical: {returning: 0.7, new: 0.28, other: 0.02}
//!   - name: lifetime_value
//!     lognormal: {mu: 3.5, sigma: 1.0, min: 0, round: 2}
//!     depends_on:
//!       attribute: customer_type
//!       values:
//!         returning: {lognormal: {mu: 5.0, sigma: 0.8, min: 0, round: 2}}
//!         new: {constant: 0}
//! ```

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use tailor_engine::random::SplitMix64;
use tailor_model::persona::Persona;

type JsonMap = serde_json::Map<String, Json>;

/// How shoppers are generated: attributes in order (a `depends_on` must
/// name an earlier attribute).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorSpec {
    /// Prefix of generated ids: `{prefix}-000001`.
    #[serde(default = "default_prefix")]
    pub id_prefix: String,
    pub attributes: Vec<AttrGen>,
}

fn default_prefix() -> String {
    "g".into()
}

/// One attribute: its distribution, the chance it is missing, and
/// per-value overrides keyed on an earlier categorical attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttrGen {
    pub name: String,
    #[serde(flatten)]
    pub dist: Dist,
    /// Chance (0–1) the attribute is left out (null).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub missing: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<DependsOn>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Per-value distributions: when `attribute` (generated earlier) has one of
/// these values, its distribution replaces the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependsOn {
    pub attribute: String,
    pub values: BTreeMap<String, Override>,
}

/// A distribution written as a one-key map (`{lognormal: {...}}`), as at
/// the attribute level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Override {
    #[serde(flatten)]
    pub dist: Dist,
}

impl From<Dist> for Override {
    fn from(dist: Dist) -> Self {
        Self { dist }
    }
}

/// Clamp and rounding of a number.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Decimal places kept (0 gives integers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    /// Value → weight (weights need not sum to 1).
    Categorical(BTreeMap<String, f64>),
    Bool { p: f64 },
    Normal {
        mean: f64,
        sd: f64,
        #[serde(flatten)]
        shape: Shape,
    },
    /// exp(Normal(mu, sigma)).
    Lognormal {
        mu: f64,
        sigma: f64,
        #[serde(flatten)]
        shape: Shape,
    },
    Uniform {
        low: f64,
        high: f64,
        #[serde(flatten)]
        shape: Shape,
    },
    /// A day uniformly in `[from, to]`.
    Date { from: Date, to: Date },
    /// Between `min` and `max` distinct items, drawn by weight.
    StringList {
        items: BTreeMap<String, f64>,
        #[serde(default)]
        min: u32,
        max: u32,
    },
    Constant(Json),
}

/// A spec that is not usable, naming the attribute.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("generator attribute `{attribute}`: {message}")]
pub struct SpecError {
    pub attribute: String,
    pub message: String,
}

impl GeneratorSpec {
    /// Checks weights, ranges and that every `depends_on` names an earlier
    /// categorical attribute.
    pub fn validate(&self) -> Result<(), SpecError> {
        let mut seen: Vec<(&str, bool)> = Vec::new();
        for a in &self.attributes {
            let err = |message: String| SpecError { attribute: a.name.clone(), message };
            check(&a.dist).map_err(err)?;
            if !(0.0..=1.0).contains(&a.missing) {
                return Err(err("missing must be between 0 and 1".into()));
            }
            if let Some(d) = &a.depends_on {
                match seen.iter().find(|(n, _)| *n == d.attribute) {
                    None => return Err(err(format!("depends_on `{}` must be an earlier attribute", d.attribute))),
                    Some((_, false)) => return Err(err(format!("depends_on `{}` must be categorical", d.attribute))),
                    _ => {}
                }
                for o in d.values.values() {
                    check(&o.dist).map_err(err)?;
                }
            }
            seen.push((&a.name, matches!(a.dist, Dist::Categorical(_))));
        }
        Ok(())
    }
}

fn check(d: &Dist) -> Result<(), String> {
    let weights = |w: &BTreeMap<String, f64>| {
        if w.is_empty() || w.values().any(|x| !(x.is_finite() && *x >= 0.0)) || w.values().sum::<f64>() <= 0.0 {
            Err("weights must be non-negative with a positive sum".to_owned())
        } else {
            Ok(())
        }
    };
    match d {
        Dist::Categorical(w) => weights(w),
        Dist::Bool { p } if !(0.0..=1.0).contains(p) => Err("p must be between 0 and 1".into()),
        Dist::Normal { sd, .. } if *sd < 0.0 => Err("sd must not be negative".into()),
        Dist::Lognormal { sigma, .. } if *sigma < 0.0 => Err("sigma must not be negative".into()),
        Dist::Uniform { low, high, .. } if low > high => Err("low must not exceed high".into()),
        Dist::Date { from, to } if from > to => Err("from must not be after to".into()),
        Dist::StringList { items, min, max } => {
            weights(items)?;
            if min > max {
                Err("min must not exceed max".into())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn pick<'w>(w: &'w BTreeMap<String, f64>, r: &mut SplitMix64) -> &'w str {
    let total: f64 = w.values().sum();
    let mut x = r.next_f64() * total;
    for (k, v) in w {
        if x < *v {
            return k;
        }
        x -= v;
    }
    w.keys().next_back().map_or("", String::as_str)
}

fn shape(x: f64, s: &Shape) -> Json {
    let mut x = x;
    if let Some(m) = s.min {
        x = x.max(m);
    }
    if let Some(m) = s.max {
        x = x.min(m);
    }
    if let Some(d) = s.round {
        let f = 10f64.powi(d as i32);
        x = (x * f).round() / f;
    }
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

fn sample(d: &Dist, r: &mut SplitMix64) -> Json {
    match d {
        Dist::Categorical(w) => json!(pick(w, r)),
        Dist::Bool { p } => json!(r.next_f64() < *p),
        Dist::Normal { mean, sd, shape: s } => shape(mean + sd * r.normal(), s),
        Dist::Lognormal { mu, sigma, shape: s } => shape((mu + sigma * r.normal()).exp(), s),
        Dist::Uniform { low, high, shape: s } => shape(low + (high - low) * r.next_f64(), s),
        Dist::Date { from, to } => {
            let days = (*to - *from).get_days() as i64;
            let k = (r.next_f64() * (days + 1) as f64) as i64;
            json!(from.checked_add(jiff::Span::new().days(k.min(days))).unwrap_or(*from).to_string())
        }
        Dist::StringList { items, min, max } => {
            let k = *min as u64 + r.next_u64() % (u64::from(max - min) + 1);
            let mut left = items.clone();
            let mut out = Vec::new();
            for _ in 0..k.min(items.len() as u64) {
                let item = pick(&left, r).to_owned();
                left.remove(&item);
                out.push(Json::String(item));
                if left.values().sum::<f64>() <= 0.0 {
                    break;
                }
            }
            Json::Array(out)
        }
        Dist::Constant(v) => v.clone(),
    }
}

/// Shopper `i` (0-based) of a generated population: independent of every
/// other shopper, so any slice can be generated in parallel.
pub fn shopper(spec: &GeneratorSpec, seed: u64, i: u64) -> JsonMap {
    let mut r = SplitMix64::new(seed ^ SplitMix64::new(i).next_u64());
    let mut out = JsonMap::with_capacity(spec.attributes.len() + 1);
    out.insert("id".into(), Json::String(format!("{}-{:06}", spec.id_prefix, i + 1)));
    for a in &spec.attributes {
        let dist = a
            .depends_on
            .as_ref()
            .and_then(|d| out.get(&d.attribute).and_then(Json::as_str).and_then(|v| d.values.get(v)).map(|o| &o.dist))
            .unwrap_or(&a.dist);
        let missing = a.missing > 0.0 && r.next_f64() < a.missing;
        let v = sample(dist, &mut r);
        if !missing {
            out.insert(a.name.clone(), v);
        }
    }
    out
}

/// `n` shoppers, ids `g-000001`…; deterministic in (spec, n, seed).
pub fn generate(spec: &GeneratorSpec, n: u64, seed: u64) -> impl Iterator<Item = JsonMap> + Send + '_ {
    (0..n).map(move |i| shopper(spec, seed, i))
}

/// A realistic e-commerce population shaped like the UCI Online Shoppers
/// sessions (85% returning, mostly desktop, search and direct traffic),
/// with returning shoppers spending more.
pub fn default_spec() -> GeneratorSpec {
    let w = |pairs: &[(&str, f64)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<_, _>>();
    let num = |round| Shape { min: Some(0.0), max: None, round: Some(round) };
    GeneratorSpec {
        id_prefix: "g".into(),
        attributes: vec![
            AttrGen {
                name: "customer_type".into(),
                dist: Dist::Categorical(w(&[("returning", 0.85), ("new", 0.14), ("other", 0.01)])),
                missing: 0.0,
                depends_on: None,
            },
            AttrGen {
                name: "device".into(),
                dist: Dist::Categorical(w(&[("desktop", 0.55), ("mobile", 0.38), ("tablet", 0.07)])),
                missing: 0.0,
                depends_on: None,
            },
            AttrGen {
                name: "traffic_source".into(),
                dist: Dist::Categorical(w(&[
                    ("search", 0.32),
                    ("direct", 0.36),
                    ("social", 0.09),
                    ("email", 0.06),
                    ("referral", 0.09),
                    ("paid_search", 0.05),
                    ("display", 0.03),
                ])),
                missing: 0.0,
                depends_on: None,
            },
            AttrGen {
                name: "lifetime_value".into(),
                dist: Dist::Lognormal { mu: 3.0, sigma: 1.0, shape: num(2) },
                missing: 0.0,
                depends_on: Some(DependsOn {
                    attribute: "customer_type".into(),
                    values: [
                        ("returning".to_owned(), Dist::Lognormal { mu: 5.0, sigma: 0.9, shape: num(2) }.into()),
                        ("new".to_owned(), Dist::Constant(json!(0)).into()),
                    ]
                    .into_iter()
                    .collect(),
                }),
            },
            AttrGen {
                name: "orders".into(),
                dist: Dist::Lognormal { mu: 0.5, sigma: 0.8, shape: num(0) },
                missing: 0.0,
                depends_on: Some(DependsOn {
                    attribute: "customer_type".into(),
                    values: [("new".to_owned(), Dist::Constant(json!(0)).into())].into_iter().collect(),
                }),
            },
            AttrGen {
                name: "cart_value".into(),
                dist: Dist::Lognormal { mu: 3.5, sigma: 1.0, shape: num(2) },
                missing: 0.4,
                depends_on: None,
            },
            AttrGen {
                name: "viewed_categories".into(),
                dist: Dist::StringList {
                    items: w(&[("shoes", 3.0), ("running", 2.0), ("skincare", 2.0), ("home", 1.0), ("outdoor", 1.0)]),
                    min: 0,
                    max: 3,
                },
                missing: 0.0,
                depends_on: None,
            },
            AttrGen {
                name: "last_order".into(),
                dist: Dist::Date { from: Date::constant(2025, 11, 1), to: Date::constant(2026, 11, 24) },
                missing: 0.3,
                depends_on: None,
            },
            AttrGen {
                name: "consent".into(),
                dist: Dist::Bool { p: 0.9 },
                missing: 0.0,
                depends_on: None,
            },
        ],
    }
}

/// A few named personas over the default spec's attributes, for previews.
pub fn builtin_personas() -> Vec<Persona> {
    let p = |name: &str, description: &str, shopper: Json| Persona {
        name: name.into(),
        description: description.into(),
        shopper: match shopper {
            Json::Object(m) => m,
            _ => JsonMap::new(),
        },
    };
    vec![
        p(
            "new-mobile-from-search",
            "First visit on a phone, arrived from a search engine, nothing bought yet.",
            json!({"id": "persona:new-mobile-from-search", "customer_type": "new", "device": "mobile", "traffic_source": "search", "lifetime_value": 0, "orders": 0, "viewed_categories": ["shoes"], "consent": true}),
        ),
        p(
            "loyal-returning-buyer",
            "Returning desktop shopper with many orders and a high lifetime value.",
            json!({"id": "persona:loyal-returning-buyer", "customer_type": "returning", "device": "desktop", "traffic_source": "email", "lifetime_value": 850, "orders": 12, "cart_value": 120, "viewed_categories": ["running", "shoes"], "last_order": "2026-10-30", "consent": true}),
        ),
        p(
            "window-shopper",
            "Returning visitor who browses a lot on a tablet and rarely buys.",
            json!({"id": "persona:window-shopper", "customer_type": "returning", "device": "tablet", "traffic_source": "social", "lifetime_value": 40, "orders": 1, "viewed_categories": ["home", "outdoor", "skincare"], "consent": true}),
        ),
        p(
            "no-consent",
            "A shopper who declined personalization: every placement must show its default.",
            json!({"id": "persona:no-consent", "customer_type": "returning", "device": "desktop", "traffic_source": "direct", "lifetime_value": 300, "orders": 4, "consent": false}),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_shoppers() {
        let spec = default_spec();
        spec.validate().unwrap();
        let a: Vec<_> = generate(&spec, 50, 7).collect();
        let b: Vec<_> = generate(&spec, 50, 7).collect();
        let c: Vec<_> = generate(&spec, 50, 8).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a[0]["id"], "g-000001");
        assert_eq!(a[49]["id"], "g-000050");
    }

    #[test]
    fn returning_shoppers_have_a_higher_lifetime_value() {
        let spec = default_spec();
        let (mut ret, mut new) = (Vec::new(), Vec::new());
        for s in generate(&spec, 5_000, 1) {
            let v = s["lifetime_value"].as_f64().unwrap();
            match s["customer_type"].as_str().unwrap() {
                "returning" => ret.push(v),
                "new" => new.push(v),
                _ => {}
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(ret.len() > 3 * new.len());
        assert!(mean(&ret) > 100.0 && mean(&new) == 0.0);
    }

    #[test]
    fn a_yaml_spec_round_trips_and_is_validated() {
        let yaml = r#"
id_prefix: t
attributes:
  - name: tier
    categorical: {gold: 1, silver: 3}
  - name: spend
    normal: {mean: 100, sd: 10, min: 0, round: 0}
    depends_on:
      attribute: tier
      values:
        gold: {uniform: {low: 500, high: 600}}
  - name: tags
    string_list: {items: {a: 1, b: 1, c: 1}, min: 1, max: 2}
    missing: 0.5
  - name: joined
    date: {from: 2026-01-01, to: 2026-01-31}
  - name: vip
    bool: {p: 0.25}
"#;
        let spec: GeneratorSpec = serde_norway::from_str(yaml).unwrap();
        spec.validate().unwrap();
        for s in generate(&spec, 200, 3) {
            let spend = s["spend"].as_f64().unwrap();
            if s["tier"] == "gold" {
                assert!((500.0..=600.0).contains(&spend));
            } else {
                assert_eq!(spend.fract(), 0.0);
            }
            if let Some(tags) = s.get("tags") {
                let n = tags.as_array().unwrap().len();
                assert!((1..=2).contains(&n));
            }
            let d: Date = s["joined"].as_str().unwrap().parse().unwrap();
            assert!(d >= Date::constant(2026, 1, 1) && d <= Date::constant(2026, 1, 31));
        }
        let bad: GeneratorSpec = serde_norway::from_str(
            "attributes:\n  - name: x\n    bool: {p: 0.5}\n    depends_on: {attribute: later, values: {}}\n",
        )
        .unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("earlier attribute"));
    }
}
