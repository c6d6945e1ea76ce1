//! Snapshot -> Plan: validate everything, resolve names to indices, convert
//! times to instants, index the catalog. Every error is collected.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use tailor_model::plan::{
    ContentBody, DEFAULT_STAGES, EntryContent, PlacementKind, Product, ProductSet, ProductStrategy,
};
use tailor_model::spec::Snapshot;
use tailor_model::{AttrType, Attribute, Schema};

use super::error::PlanError;
use super::{
    CampaignC, Catalog, ConstraintsC, ContentC, EntryC, PageC, Plan, PlacementC, ProductSetC, ScheduleC, SeasonalC,
    SegmentC, VariantC, Window,
};
use crate::condition::CompiledCondition;

/// Weights of an A/B/n entry must sum to 1 within this.
const WEIGHT_TOLERANCE: f64 = 1e-9;

impl Plan {
    /// Validates the snapshot and compiles it. Returns every problem found,
    /// each naming entity, key and field.
    pub fn compile(snapshot: &Snapshot) -> Result<Plan, Vec<PlanError>> {
        let mut c = Compiler::default();
        let plan = c.plan(snapshot);
        if c.errors.is_empty() { Ok(plan) } else { Err(c.errors) }
    }
}

#[derive(Default)]
struct Compiler {
    errors: Vec<PlanError>,
    zones: HashMap<String, Option<TimeZone>>,
}

/// Keeps the first of each key; reports the others.
fn check_unique<'a>(c: &mut Compiler, entity: &str, keys: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for key in keys {
        if !seen.insert(key) {
            c.err(entity, key, "name", format!("duplicate {entity} \"{key}\""));
        }
    }
}

fn list(names: impl Iterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = names.map(|n| n.as_ref().to_owned()).collect();
    if v.is_empty() { "none".into() } else { v.join(", ") }
}

impl Compiler {
    fn err(&mut self, entity: &str, key: &str, field: &str, message: impl Into<String>) {
        self.errors.push(PlanError::new(entity, key, field, message));
    }

    /// An IANA zone, looked up once per name.
    fn zone(&mut self, name: &str, entity: &str, key: &str, field: &str) -> Option<TimeZone> {
        let tz = self
            .zones
            .entry(name.to_owned())
            .or_insert_with(|| TimeZone::get(name).ok())
            .clone();
        if tz.is_none() {
            self.err(entity, key, field, format!("unknown IANA time zone \"{name}\""));
        }
        tz
    }

    fn plan(&mut self, s: &Snapshot) -> Plan {
        let (schema, consent_slot) = self.schema(s);
        let stages: Vec<String> = if s.stages.is_empty() {
            DEFAULT_STAGES.iter().map(|n| (*n).to_owned()).collect()
        } else {
            s.stages.iter().map(|st| st.name.clone()).collect()
        };
        check_unique(self, "stage", stages.iter().map(String::as_str));
        let stage_of = |name: &str| stages.iter().position(|s| s == name).map(|i| i as u32);

        let segments = self.segments(s, &schema);
        let segment_index: HashMap<&str, u32> =
            segments.iter().enumerate().rev().map(|(i, sg)| (sg.name.as_str(), i as u32)).collect();

        let (contents, content_index) = self.contents(s, &schema);
        let catalog = self.catalog(&s.catalog);
        let constraints = self.constraints(s);
        let catalog = index_seasonal(catalog, &constraints);

        // Page types and placements.
        check_unique(self, "page type", s.page_types.iter().map(|p| p.name.as_str()));
        let mut pages = Vec::new();
        let mut page_index = HashMap::new();
        let mut placements: Vec<PlacementC> = Vec::new();
        let mut placement_index: HashMap<String, u32> = HashMap::new();
        for pt in &s.page_types {
            if page_index.contains_key(&pt.name) {
                continue;
            }
            let stage = stage_of(&pt.stage).unwrap_or_else(|| {
                self.err("page type", &pt.name, "stage", format!("no journey stage \"{}\" (stages: {})", pt.stage, list(stages.iter())));
                0
            });
            // A cap above the number of placements is simply no cap: allowed,
            // so removing a placement never blocks a save.
            let mut ids = Vec::new();
            for pl in &pt.placements {
                let id = format!("{}.{}", pt.name, pl.name);
                let field = format!("placements.{}", pl.name);
                if placement_index.contains_key(&id) {
                    self.err("page type", &pt.name, &field, format!("duplicate placement \"{}\"", pl.name));
                    continue;
                }
                let default = pl.default.as_deref().and_then(|d| match content_index.get(d) {
                    None => {
                        self.err("page type", &pt.name, &format!("{field}.default"), format!("no content \"{d}\""));
                        None
                    }
                    Some(&ci) => {
                        let kind = contents[ci as usize].content.body.kind();
                        if kind != pl.kind {
                            self.err(
                                "page type",
                                &pt.name,
                                &format!("{field}.default"),
                                format!("content \"{d}\" is a {} but the placement shows {}", kind_name(kind), kind_name(pl.kind)),
                            );
                        }
                        Some(ci)
                    }
                });
                placement_index.insert(id.clone(), placements.len() as u32);
                ids.push(placements.len() as u32);
                placements.push(PlacementC { id, name: pl.name.clone(), kind: pl.kind, default, entries: Vec::new() });
            }
            page_index.insert(pt.name.clone(), pages.len() as u32);
            pages.push(PageC { name: pt.name.clone(), stage, max_blocks: pt.max_blocks, placements: ids });
        }

        let campaigns = self.campaigns(s);
        let campaign_index: HashMap<&str, u32> =
            campaigns.iter().enumerate().rev().map(|(i, c)| (c.name.as_str(), i as u32)).collect();

        // Plan entries.
        check_unique(self, "plan entry", s.plan.iter().map(|e| e.id.as_str()));
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        let page_names = list(s.page_types.iter().map(|p| &p.name));
        for e in &s.plan {
            if !seen.insert(e.id.as_str()) {
                continue;
            }
            let key = e.id.as_str();
            let before = self.errors.len();
            let segment = segment_index.get(e.segment.as_str()).copied();
            if segment.is_none() {
                self.err("plan entry", key, "segment", format!("no segment \"{}\"", e.segment));
            }
            let stage = stage_of(&e.stage);
            if stage.is_none() {
                self.err("plan entry", key, "stage", format!("no journey stage \"{}\" (stages: {})", e.stage, list(stages.iter())));
            }
            let placement = placement_index.get(&e.placement).copied();
            if placement.is_none() {
                self.err("plan entry", key, "placement", format!("no placement \"{}\" (page types: {page_names})", e.placement));
            }
            let campaign = e.campaign.as_deref().and_then(|name| {
                let found = campaign_index.get(name).copied();
                if found.is_none() {
                    self.err("plan entry", key, "campaign", format!("no campaign \"{name}\""));
                }
                found
            });
            if !(0.0..=100.0).contains(&e.holdout) {
                self.err("plan entry", key, "holdout", format!("must be a percentage between 0 and 100, got {}", e.holdout));
            }
            let variants = self.variants(e, &content_index, &contents, placement.map(|p| placements[p as usize].kind));
            let schedule = e.schedule.as_ref().and_then(|sch| {
                let tz = self.zone(&sch.tz, "plan entry", key, "schedule.tz")?;
                if let (Some(a), Some(b)) = (sch.start, sch.end) {
                    if a >= b {
                        self.err("plan entry", key, "schedule", format!("start {a} is not before end {b}"));
                    }
                }
                Some(ScheduleC {
                    window: Window {
                        start: sch.start.and_then(|dt| instant(&tz, dt)),
                        end: sch.end.and_then(|dt| instant(&tz, dt)),
                    },
                    start: sch.start,
                    end: sch.end,
                    tz,
                    tz_name: sch.tz.clone(),
                })
            });
            if self.errors.len() > before {
                continue;
            }
            let (Some(segment), Some(stage), Some(placement)) = (segment, stage, placement) else { continue };
            entries.push(EntryC {
                id: e.id.clone(),
                segment,
                stage,
                placement,
                status: e.status,
                variants,
                ab: matches!(e.content, EntryContent::Variants { .. }),
                priority: e.priority,
                holdout: e.holdout / 100.0,
                campaign,
                schedule,
                rank_pos: 0,
                seed: crate::bucket::seed_state(&e.id),
            });
        }

        // Rank: campaign rank ascending (none after all), priority descending, id.
        let mut order: Vec<u32> = (0..entries.len() as u32).collect();
        let rank_key = |i: &u32| {
            let e: &EntryC = &entries[*i as usize];
            let campaign_rank = e.campaign.map_or(u64::MAX, |c| u64::from(campaigns[c as usize].rank));
            (campaign_rank, std::cmp::Reverse(e.priority), e.id.as_str())
        };
        order.sort_by(|a, b| rank_key(a).cmp(&rank_key(b)));
        for (pos, &i) in order.iter().enumerate() {
            entries[i as usize].rank_pos = pos as u32;
        }
        for &i in &order {
            let p = entries[i as usize].placement as usize;
            placements[p].entries.push(i);
        }

        Plan {
            digest: None,
            version: None,
            uid: super::next_plan_uid(),
            schema,
            consent_slot,
            consent_by_default: s.constraints.consent_by_default,
            stages,
            segments,
            pages,
            page_index,
            placements,
            contents,
            content_index,
            campaigns,
            entries,
            catalog,
            constraints,
        }
    }

    /// The workspace's attributes plus a boolean `consent` when not declared.
    fn schema(&mut self, s: &Snapshot) -> (Schema, usize) {
        check_unique(self, "attribute", s.attributes.iter().map(|a| a.name.as_str()));
        let mut attributes = s.attributes.clone();
        let slot = match attributes.iter().position(|a| a.name.as_str() == "consent") {
            Some(i) => {
                if attributes[i].ty != AttrType::Bool {
                    self.err("attribute", "consent", "type", format!("consent must be a bool, not {}", attributes[i].ty));
                }
                i
            }
            None => {
                attributes.push(Attribute::new("consent", AttrType::Bool));
                attributes.len() - 1
            }
        };
        (Schema::new(attributes), slot)
    }

    fn segments(&mut self, s: &Snapshot, schema: &Schema) -> Vec<SegmentC> {
        check_unique(self, "segment", s.segments.iter().map(|sg| sg.name.as_str()));
        let mut out = Vec::new();
        for sg in &s.segments {
            match CompiledCondition::compile(&sg.condition, schema) {
                Ok(compiled) => {
                    let consent_attrs = sg
                        .condition
                        .attributes()
                        .into_iter()
                        .filter(|a| schema.get(a.as_str()).is_some_and(|at| at.requires_consent))
                        .map(|a| a.0.clone())
                        .collect();
                    out.push(SegmentC { name: sg.name.0.clone(), condition: sg.condition.clone(), compiled, consent_attrs });
                }
                Err(e) => {
                    for te in e.errors {
                        self.err("segment", sg.name.as_str(), "condition", te.message);
                    }
                }
            }
        }
        out
    }

    fn contents(&mut self, s: &Snapshot, schema: &Schema) -> (Vec<ContentC>, HashMap<String, u32>) {
        check_unique(self, "content", s.content.iter().map(|c| c.id.as_str()));
        let mut out = Vec::new();
        let mut index = HashMap::new();
        for c in &s.content {
            if index.contains_key(&c.id) {
                continue;
            }
            let products = match &c.body {
                ContentBody::ProductSet(ps) => self.product_set(&c.id, ps, schema),
                ContentBody::Promotion { discount: Some(d), .. } if !(0.0..=100.0).contains(d) => {
                    self.err("content", &c.id, "discount", format!("must be a percentage between 0 and 100, got {d}"));
                    None
                }
                _ => None,
            };
            index.insert(c.id.clone(), out.len() as u32);
            out.push(ContentC { content: c.clone(), products });
        }
        (out, index)
    }

    fn product_set(&mut self, id: &str, ps: &ProductSet, schema: &Schema) -> Option<ProductSetC> {
        if ps.size == 0 {
            self.err("content", id, "size", "must be at least 1");
        }
        if ps.min_size > ps.size {
            self.err("content", id, "min_size", format!("min_size {} is larger than size {}", ps.min_size, ps.size));
        }
        let mut compatible = Vec::new();
        for rule in &ps.compatible {
            match rule.split_once("->").map(|(a, b)| (a.trim(), b.trim())) {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => compatible.push((a.to_owned(), b.to_owned())),
                _ => self.err("content", id, "compatible", format!("rule \"{rule}\" is not of the form \"tag -> tag\"")),
            }
        }
        if ps.strategy == ProductStrategy::Coordinated && ps.match_on.is_empty() {
            self.err("content", id, "match_on", "a coordinated set needs at least one key to match on");
        }
        if ps.strategy == ProductStrategy::Compatible && ps.compatible.is_empty() {
            self.err("content", id, "compatible", "a compatible set needs at least one rule");
        }
        let default_source = match ps.strategy {
            ProductStrategy::RecentlyViewed => Some("recently_viewed"),
            ProductStrategy::RestockSaved => Some("saved_items"),
            ProductStrategy::Replenishment => Some("purchased_items"),
            _ => None,
        };
        let source_slot = match (&ps.source, default_source) {
            (Some(name), _) => self.list_slot(schema, name, id, "source", true),
            (None, Some(name)) => self.list_slot(schema, name, id, "source", false),
            (None, None) => None,
        };
        let purchased_slot =
            if ps.exclude_purchased { self.list_slot(schema, "purchased_items", id, "exclude_purchased", false) } else { None };
        Some(ProductSetC {
            strategy: ps.strategy,
            size: ps.size as usize,
            min_size: ps.min_size as usize,
            category: ps.category.clone(),
            match_on: ps.match_on.clone(),
            compatible,
            source_slot,
            purchased_slot,
        })
    }

    /// Slot of a string_list attribute. A missing attribute is an error only
    /// when named explicitly; by default the strategy just finds nothing.
    fn list_slot(&mut self, schema: &Schema, name: &str, id: &str, field: &str, explicit: bool) -> Option<usize> {
        match schema.slot(name) {
            Some(slot) if schema.attributes()[slot].ty == AttrType::StringList => Some(slot),
            Some(slot) => {
                let ty = schema.attributes()[slot].ty;
                self.err("content", id, field, format!("attribute `{name}` is a {ty}, not a string_list of product ids"));
                None
            }
            None if explicit => {
                self.err("content", id, field, format!("no attribute `{name}`"));
                None
            }
            None => None,
        }
    }

    fn variants(
        &mut self,
        e: &tailor_model::plan::PlanEntry,
        index: &HashMap<String, u32>,
        contents: &[ContentC],
        kind: Option<PlacementKind>,
    ) -> Vec<VariantC> {
        let key = e.id.as_str();
        let field = match e.content {
            EntryContent::Single { .. } => "content",
            EntryContent::Variants { .. } => "variants",
        };
        let variants = e.variants();
        if variants.is_empty() {
            self.err("plan entry", key, field, "an A/B/n test needs at least one variant");
            return Vec::new();
        }
        let sum: f64 = variants.iter().map(|(_, w)| w).sum();
        if variants.iter().any(|(_, w)| !w.is_finite() || *w < 0.0) {
            self.err("plan entry", key, field, "variant weights must be between 0 and 1");
        } else if (sum - 1.0).abs() > WEIGHT_TOLERANCE {
            self.err("plan entry", key, field, format!("variant weights sum to {sum}, not 1"));
        }
        let mut out = Vec::new();
        let mut upper = 0.0;
        for (content, weight) in variants {
            let Some(&ci) = index.get(content) else {
                self.err("plan entry", key, field, format!("no content \"{content}\""));
                continue;
            };
            let ck = contents[ci as usize].content.body.kind();
            if let Some(pk) = kind.filter(|pk| *pk != ck) {
                self.err(
                    "plan entry",
                    key,
                    field,
                    format!("content \"{content}\" is a {} but placement \"{}\" shows {}", kind_name(ck), e.placement, kind_name(pk)),
                );
            }
            upper += weight;
            out.push(VariantC { content: ci, weight, upper });
        }
        // The last range ends at 1 exactly, so rounding never leaves a gap.
        if let Some(last) = out.last_mut() {
            last.upper = 1.0;
        }
        out
    }

    fn campaigns(&mut self, s: &Snapshot) -> Vec<CampaignC> {
        check_unique(self, "campaign", s.campaigns.iter().map(|c| c.name.as_str()));
        let mut out = Vec::new();
        for c in &s.campaigns {
            let Some(tz) = self.zone(&c.tz, "campaign", &c.name, "tz") else { continue };
            if let (Some(a), Some(b)) = (c.start, c.end) {
                if a > b {
                    self.err("campaign", &c.name, "end", format!("end {b} is before start {a}"));
                }
            }
            // Dates are inclusive: the window runs from the start day's first
            // instant to the instant the day after `end` begins.
            let start = c.start.and_then(|d| instant(&tz, d.to_datetime(jiff::civil::Time::midnight())));
            let end = c
                .end
                .and_then(|d| d.checked_add(1.day()).ok())
                .and_then(|d| instant(&tz, d.to_datetime(jiff::civil::Time::midnight())));
            out.push(CampaignC {
                name: c.name.clone(),
                rank: c.rank,
                window: Window { start, end },
                start: c.start,
                end: c.end,
                tz,
                tz_name: c.tz.clone(),
            });
        }
        out
    }

    fn constraints(&mut self, s: &Snapshot) -> ConstraintsC {
        let k = &s.constraints;
        if let Some(m) = k.margin_floor {
            if !(0.0..=1.0).contains(&m) {
                self.err("constraint", "margin_floor", "value", format!("must be a fraction between 0 and 1, got {m}"));
            }
        }
        if let Some(j) = k.max_price_jump {
            if !(j >= 0.0 && j.is_finite()) {
                self.err("constraint", "max_price_jump", "value", format!("must be 0 or more, got {j}"));
            }
        }
        check_unique(self, "constraint", k.seasonal.iter().map(|w| w.name.as_str()));
        if k.seasonal.len() > 64 {
            self.err("constraint", "seasonal", "seasonal", "at most 64 seasonal windows");
        }
        let mut seasonal = Vec::new();
        for w in k.seasonal.iter().take(64) {
            let key = format!("seasonal.{}", w.name);
            let start = month_day(&w.start);
            let end = month_day(&w.end);
            if start.is_none() {
                self.err("constraint", &key, "start", format!("\"{}\" is not a month-day MM-DD", w.start));
            }
            if end.is_none() {
                self.err("constraint", &key, "end", format!("\"{}\" is not a month-day MM-DD", w.end));
            }
            let tz = self.zone(&w.tz, "constraint", &key, "tz");
            if let (Some(start), Some(end), Some(tz)) = (start, end, tz) {
                seasonal.push(SeasonalC { tag: w.tag.clone(), start, end, tz });
            }
        }
        ConstraintsC {
            margin_floor: k.margin_floor,
            min_stock: k.min_stock,
            max_price_jump: k.max_price_jump,
            no_duplicate_products: k.no_duplicate_products,
            seasonal,
        }
    }

    fn catalog(&mut self, products: &[Product]) -> Catalog {
        check_unique(self, "product", products.iter().map(|p| p.id.as_str()));
        let mut cat = Catalog::default();
        for p in products {
            if cat.index.contains_key(&p.id) {
                continue;
            }
            cat.index.insert(p.id.clone(), cat.products.len() as u32);
            cat.products.push(p.clone());
        }
        let ps = &cat.products;
        cat.margin = ps.iter().map(Product::effective_margin).collect();
        cat.upgrade_tagged = ps.iter().map(super::products::upgrade_tagged).collect();
        cat.category = ps
            .iter()
            .map(|p| match &p.category {
                None => super::products::NO_CATEGORY,
                Some(c) => {
                    let next = cat.category_index.len() as u32;
                    *cat.category_index.entry(c.clone()).or_insert(next)
                }
            })
            .collect();
        cat.size = ps.iter().map(|p| p.attributes.get("size").and_then(|s| super::products::size_value(s))).collect();
        // Best-seller order: rank ascending (unranked last), stock descending, id.
        let mut by_rank: Vec<u32> = (0..ps.len() as u32).collect();
        by_rank.sort_by(|&a, &b| {
            let (a, b) = (&ps[a as usize], &ps[b as usize]);
            (a.rank.unwrap_or(u32::MAX), std::cmp::Reverse(a.stock.unwrap_or(i64::MIN)), &a.id).cmp(&(
                b.rank.unwrap_or(u32::MAX),
                std::cmp::Reverse(b.stock.unwrap_or(i64::MIN)),
                &b.id,
            ))
        });
        cat.order = vec![0; ps.len()];
        for (pos, &i) in by_rank.iter().enumerate() {
            cat.order[i as usize] = pos as u32;
        }
        // Indexes, filled in best-seller order so each list is already ranked.
        for &i in &by_rank {
            let p = &ps[i as usize];
            if let Some(cat_name) = &p.category {
                cat.by_category.entry(cat_name.clone()).or_default().push(i);
            }
            if let Some(col) = &p.collection {
                cat.by_value.entry("collection".into()).or_default().entry(col.clone()).or_default().push(i);
            }
            for (k, v) in &p.attributes {
                if k != "collection" {
                    cat.by_value.entry(k.clone()).or_default().entry(v.clone()).or_default().push(i);
                }
            }
            for t in &p.tags {
                let list = cat.by_tag.entry(t.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        cat.by_category_price = cat.by_category.clone();
        for list in cat.by_category_price.values_mut() {
            list.sort_by(|&a, &b| {
                let (a, b) = (&ps[a as usize], &ps[b as usize]);
                a.price.unwrap_or(f64::NEG_INFINITY).total_cmp(&b.price.unwrap_or(f64::NEG_INFINITY)).then_with(|| a.id.cmp(&b.id))
            });
        }
        cat.seasonal_mask = vec![0; ps.len()];
        cat
    }
}

fn index_seasonal(mut cat: Catalog, k: &ConstraintsC) -> Catalog {
    for (bit, w) in k.seasonal.iter().enumerate() {
        if let Some(list) = cat.by_tag.get(&w.tag) {
            for &i in list {
                cat.seasonal_mask[i as usize] |= 1 << bit;
            }
        }
    }
    // The first two product filters depend on the product alone.
    cat.stock_margin = (0..cat.products.len())
        .map(|i| {
            let p = &cat.products[i];
            if !k.min_stock.is_none_or(|m| p.stock.is_some_and(|s| s >= m)) {
                0
            } else if !k.margin_floor.is_none_or(|f| cat.margin[i].is_some_and(|m| m >= f)) {
                1
            } else {
                2
            }
        })
        .collect();
    cat.price = cat.products.iter().map(|p| p.price).collect();
    cat
}

/// A wall-clock time in a zone as an instant. DST gaps and overlaps use
/// jiff's "compatible" disambiguation (a gap moves forward by its length;
/// an overlap takes the earlier instant), as RFC 5545 and Temporal do.
pub(crate) fn instant(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(dt).compatible().ok()
}

/// `MM-DD` (February 29 allowed).
fn month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    // 2024 is a leap year, so 02-29 is accepted.
    Date::new(2024, m, d).ok().map(|_| (m, d))
}

pub(crate) fn kind_name(kind: PlacementKind) -> &'static str {
    match kind {
        PlacementKind::Banner => "banner",
        PlacementKind::ProductSet => "product_set",
        PlacementKind::Message => "message",
        PlacementKind::Promotion => "promotion",
        PlacementKind::Sort => "sort",
        PlacementKind::Badge => "badge",
        PlacementKind::EmailFlow => "email_flow",
    }
}
