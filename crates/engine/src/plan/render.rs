//! A decision as a merchandiser reads it (`tailor explain`).

use std::fmt::Write;

use tailor_model::plan::{ContentBody, EntryStatus};

use super::Plan;
use super::decision::{Block, Decision, FallbackReason};
use super::trace::{Outcome, PlacementTrace, ProductTrace, WinnerTrace};

impl Decision {
    /// The page (each placement's content, products with price and stock)
    /// and, when traced, why each entry won or lost, in plain sentences.
    pub fn render_text(&self, plan: &Plan) -> String {
        let mut out = String::new();
        let _ = self.write_text(plan, &mut out);
        out
    }

    fn write_text(&self, plan: &Plan, out: &mut String) -> std::fmt::Result {
        write!(out, "Page {}", self.page)?;
        match (&self.bundle_digest, self.version) {
            (Some(d), Some(v)) => writeln!(out, " — bundle {d} (version {v})")?,
            (Some(d), None) => writeln!(out, " — bundle {d}")?,
            (None, Some(v)) => writeln!(out, " — version {v}")?,
            (None, None) => writeln!(out, " — unpublished workspace")?,
        }
        if let Some(t) = &self.trace {
            let consent = if t.consent { "consented to personalization" } else { "no personalization consent" };
            writeln!(out, "Shopper {} at {}, stage {}, {consent}", t.shopper, t.at, t.stage)?;
        }
        for block in &self.blocks {
            writeln!(out)?;
            write_block(plan, block, out)?;
        }
        let Some(trace) = &self.trace else { return Ok(()) };
        writeln!(out, "\nWhy")?;
        for note in &trace.notes {
            writeln!(out, "  note: {note}")?;
        }
        let max_blocks = plan.page_types().find(|p| p.name == self.page).map_or(0, |p| p.max_blocks);
        for pt in &trace.placements {
            write_placement_trace(pt, max_blocks, out)?;
        }
        Ok(())
    }
}

fn write_block(plan: &Plan, block: &Block, out: &mut String) -> std::fmt::Result {
    write!(out, "{} — ", block.placement)?;
    if block.personalized {
        write!(out, "personalized by {}", block.entry.as_deref().unwrap_or("?"))?;
        if let Some(s) = &block.segment {
            write!(out, " (segment {s})")?;
        }
        if let Some(v) = block.variant {
            write!(out, ", variant {v}")?;
        }
    } else {
        out.push_str("default");
        if let Some(r) = block.fallback_reason {
            write!(out, " ({})", reason_text(r))?;
        }
        if block.holdout {
            write!(out, ", control of {}", block.entry.as_deref().unwrap_or("?"))?;
        }
    }
    writeln!(out, ", propensity {}", block.propensity)?;
    let Some(content) = block.content.as_deref().and_then(|id| plan.content(id)) else {
        return writeln!(out, "  (nothing shown)");
    };
    write!(out, "  {}: ", content.id)?;
    match &content.body {
        ContentBody::Banner { headline, body, link, .. } => {
            write!(out, "banner \"{headline}\"")?;
            if let Some(b) = body {
                write!(out, " — {b}")?;
            }
            if let Some(l) = link {
                write!(out, " → {l}")?;
            }
        }
        ContentBody::Message { text } => write!(out, "message \"{text}\"")?,
        ContentBody::Promotion { offer, code, discount } => {
            write!(out, "promotion \"{offer}\"")?;
            if let Some(c) = code {
                write!(out, ", code {c}")?;
            }
            if let Some(d) = discount {
                write!(out, ", {d}% off")?;
            }
        }
        ContentBody::ProductSet(ps) => write!(out, "product set ({}, up to {})", snake(&ps.strategy), ps.size)?,
        ContentBody::Sort { strategy } => write!(out, "sort by {}", snake(strategy))?,
        ContentBody::Badge { label, tag } => {
            write!(out, "badge \"{label}\"")?;
            if let Some(t) = tag {
                write!(out, " on products tagged {t}")?;
            }
        }
        ContentBody::EmailFlow { trigger, delay_hours, template } => {
            write!(out, "email flow on {trigger} after {delay_hours} h, template {template}")?;
        }
    }
    writeln!(out)?;
    for id in &block.products {
        let Some(p) = plan.product(id) else { continue };
        write!(out, "    {id}  {}", p.title)?;
        if let Some(price) = p.price {
            write!(out, " — {price:.2}")?;
        }
        if let Some(stock) = p.stock {
            write!(out, ", stock {stock}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn reason_text(r: FallbackReason) -> &'static str {
    match r {
        FallbackReason::NoCandidate => "no entry matched",
        FallbackReason::NoConsent => "no consent",
        FallbackReason::Holdout => "holdout",
        FallbackReason::DroppedByPageCap => "dropped by page cap",
        FallbackReason::TooFewProducts => "too few products",
        FallbackReason::NoDefault => "no default content",
    }
}

/// The serde name of an enum value (`top_in_category`).
fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_owned)).unwrap_or_default()
}

fn write_placement_trace(pt: &PlacementTrace, max_blocks: u32, out: &mut String) -> std::fmt::Result {
    writeln!(out, "{}", pt.placement)?;
    if pt.candidates.is_empty() {
        writeln!(out, "  no plan entries target this placement")?;
    }
    for c in &pt.candidates {
        write!(out, "  {}: ", c.entry)?;
        match &c.outcome {
            Outcome::Won => out.push_str("won"),
            Outcome::NotActive { status } => {
                let s = match status {
                    EntryStatus::Draft => "draft",
                    EntryStatus::Paused => "paused",
                    EntryStatus::Active => "active",
                };
                write!(out, "lost — the entry is {s}")?;
            }
            Outcome::WrongStage { entry_stage, stage } => {
                write!(out, "lost — it targets stage {entry_stage}, this visit is in stage {stage}")?;
            }
            Outcome::CampaignClosed { campaign, start, end, tz, local } => {
                write!(out, "lost — campaign {campaign} runs {} to {} ({tz}); it is {} there", opt(start), opt(end), local.strftime("%Y-%m-%d %H:%M"))?;
            }
            Outcome::ScheduleClosed { start, end, tz, local } => {
                let fmt = |d: &Option<jiff::civil::DateTime>| d.map_or("open".to_owned(), |d| d.strftime("%Y-%m-%d %H:%M").to_string());
                write!(out, "lost — scheduled {} to {} ({tz}); it is {} there", fmt(start), fmt(end), local.strftime("%Y-%m-%d %H:%M"))?;
            }
            Outcome::NoConsent { attributes } => {
                out.push_str("lost — the shopper has not consented to personalization");
                if !attributes.is_empty() {
                    write!(out, " (segment {} uses consent-gated {})", c.segment, attributes.join(", "))?;
                }
            }
            Outcome::SegmentMismatch { condition, attribute, actual, .. } => {
                write!(out, "lost — segment {}: {condition} is false", c.segment)?;
                if let (Some(a), Some(v)) = (attribute, actual) {
                    write!(out, " ({a} is {v})")?;
                }
            }
            Outcome::LostOnRank { winner } => write!(out, "lost — matched, but {winner} ranks higher")?,
        }
        writeln!(out)?;
        if matches!(c.outcome, Outcome::Won) {
            if let Some(w) = &pt.winner {
                write_winner(w, max_blocks, out)?;
            }
        }
    }
    for p in &pt.products {
        write_products(p, out)?;
    }
    Ok(())
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("open".to_owned(), ToString::to_string)
}

fn write_winner(w: &WinnerTrace, max_blocks: u32, out: &mut String) -> std::fmt::Result {
    if w.dropped_by_page_cap {
        return writeln!(
            out,
            "    dropped by the page cap: the page shows at most {max_blocks} personalized blocks and this one ranks #{} here",
            w.page_rank + 1
        );
    }
    if let Some(h) = &w.holdout {
        let verdict = if h.control { "< threshold: control, shown the default" } else { "≥ threshold: personalized" };
        writeln!(out, "    holdout {}%: bucket {} {verdict}", h.threshold * 100.0, h.bucket)?;
    }
    if let Some(v) = &w.variant {
        writeln!(out, "    variant {} ({}) chosen at position {:.4}", v.index, v.content, v.position)?;
    }
    Ok(())
}

fn write_products(p: &ProductTrace, out: &mut String) -> std::fmt::Result {
    let c = &p.counts;
    writeln!(
        out,
        "  products of {} ({}): {} candidates, {} in stock, {} above the margin floor, {} within the price jump, {} in season, {} not purchased, {} not already on the page",
        p.content,
        snake(&p.strategy),
        c.candidates,
        c.in_stock,
        c.margin,
        c.price_jump,
        c.seasonal,
        c.not_purchased,
        c.not_on_page
    )?;
    write!(out, "    showing {} (size {}, min {})", p.chosen.len(), p.size, p.min_size)?;
    if (p.chosen.len() as u32) < p.min_size {
        out.push_str(" — too few");
    }
    writeln!(out)
}
