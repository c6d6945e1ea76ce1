//! Columnar evaluation: the sample shoppers as typed columns, and compiled
//! conditions evaluated over many shoppers at once into a bitmap.
//!
//! [`ColumnarTable`] holds one column per schema slot: numbers as `f64`,
//! bools as a bitmap, strings and enums as `u32` ids into a dictionary, dates
//! as an order-preserving `i32` key, string lists as offsets into a column of
//! dictionary ids. Every column has a validity bitmap (the row holds a value
//! of the column's type) and a presence bitmap (the row's value is not null;
//! they differ only for a value of another type, which tables built with
//! [`crate::shopper_from_json`] never hold).
//!
//! [`ColumnarTable::evaluate`] walks the compiled condition once per chunk of
//! rows: each leaf is a tight loop over a column slice producing 64 rows per
//! word, string tests become dictionary-id tests (the literal is looked up
//! once; a literal no shopper has matches nobody), and `and`/`or`/`not` are
//! word-wise operations. The result equals [`crate::Evaluator::matches`] for
//! every shopper, nulls included (property-tested below); the row engine
//! stays for single decisions and explanations.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexSet;
use jiff::civil::Date;
use tailor_model::condition::CmpOp;
use tailor_model::{AttrType, Schema};

use crate::condition::{CompiledCondition, Evaluator, Node, Scalar, Set};
use crate::reach::Reach;
use crate::shopper::{Shopper, ShopperTable};
use crate::value::Value;

/// Rows evaluated together: the per-node bitmaps of one chunk (2 KiB each)
/// stay in the L1 cache while the condition tree is walked.
const CHUNK: usize = 1 << 14;

/// One bit per row, 64 rows per word; bits past `len` are zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    pub fn zeros(len: usize) -> Self {
        Self { words: vec![0; len.div_ceil(64)], len }
    }

    /// How many rows the bitmap covers.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn words(&self) -> &[u64] {
        &self.words
    }

    pub fn into_words(self) -> Vec<u64> {
        self.words
    }

    pub fn get(&self, row: usize) -> bool {
        row < self.len && self.words[row / 64] >> (row % 64) & 1 == 1
    }

    /// How many rows are set.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Sets the rows set in `other` too (both cover the same rows).
    pub fn or_with(&mut self, other: &Bitmap) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a |= b);
    }

    /// How many rows are set in both.
    pub fn and_count(&self, other: &Bitmap) -> u64 {
        self.words.iter().zip(&other.words).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    /// The set rows, in order.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

/// The strings of one column, each with its id (its position).
type Dict = IndexSet<Box<str>, foldhash::fast::RandomState>;

#[derive(Clone, Debug)]
enum Data {
    Number(Vec<f64>),
    /// Bit set: the row's value is `true`.
    Bool(Vec<u64>),
    Str {
        ids: Vec<u32>,
        dict: Dict,
    },
    /// [`date_key`] of each row's date.
    Date(Vec<i32>),
    /// Row `i`'s items are `items[offsets[i]..offsets[i + 1]]`; null rows
    /// have no items.
    List {
        offsets: Vec<u32>,
        items: Vec<u32>,
        dict: Dict,
    },
}

#[derive(Clone, Debug)]
struct Column {
    data: Data,
    /// The row holds a value of the column's type.
    valid: Vec<u64>,
    /// The row's value is not null; `None` when equal to `valid`.
    present: Option<Vec<u64>>,
}

impl Column {
    fn empty(ty: AttrType, len: usize) -> Self {
        let words = len.div_ceil(64);
        let data = match ty {
            AttrType::Number => Data::Number(Vec::with_capacity(len)),
            AttrType::Bool => Data::Bool(vec![0; words]),
            AttrType::String | AttrType::Enum => Data::Str { ids: Vec::with_capacity(len), dict: Dict::default() },
            AttrType::Date => Data::Date(Vec::with_capacity(len)),
            AttrType::StringList => {
                let mut offsets = Vec::with_capacity(len + 1);
                offsets.push(0);
                Data::List { offsets, items: Vec::new(), dict: Dict::default() }
            }
        };
        Self { data, valid: vec![0; words], present: Some(vec![0; words]) }
    }

    /// Makes room in the bit vectors for row `row` (a builder told too few rows).
    fn reserve_row(&mut self, row: usize) {
        let words = (row + 1).div_ceil(64);
        let bools = match &mut self.data {
            Data::Bool(bits) => Some(bits),
            _ => None,
        };
        for bits in [Some(&mut self.valid), self.present.as_mut(), bools].into_iter().flatten() {
            if bits.len() < words {
                bits.resize(words, 0);
            }
        }
    }

    /// Row `row`'s value as the shopper had it; `Null` for a value that was
    /// not of the column's type (which no shopper typed by the schema has).
    fn value(&self, row: usize) -> Value {
        if !bit(&self.valid, row) {
            return Value::Null;
        }
        match &self.data {
            Data::Number(v) => Value::Number(v[row]),
            Data::Bool(bits) => Value::Bool(bit(bits, row)),
            Data::Str { ids, dict } => Value::String(dict[ids[row] as usize].clone()),
            Data::Date(v) => key_date(v[row]).map_or(Value::Null, Value::Date),
            Data::List { offsets, items, dict } => Value::List(
                items[offsets[row] as usize..offsets[row + 1] as usize].iter().map(|&i| dict[i as usize].clone()).collect(),
            ),
        }
    }

    /// Appends row `row`'s value (rows are pushed in order).
    fn push(&mut self, row: usize, value: &Value) {
        if !matches!(value, Value::Null) {
            set_bit(self.present.as_mut().expect("present while building"), row);
        }
        let ok = match (&mut self.data, value) {
            (Data::Number(v), Value::Number(n)) => {
                v.push(*n);
                true
            }
            (Data::Number(v), _) => {
                v.push(0.0);
                false
            }
            (Data::Bool(bits), Value::Bool(b)) => {
                if *b {
                    set_bit(bits, row);
                }
                true
            }
            (Data::Bool(_), _) => false,
            (Data::Str { ids, dict }, Value::String(s)) => {
                ids.push(dict_id(dict, s));
                true
            }
            (Data::Str { ids, .. }, _) => {
                ids.push(0);
                false
            }
            (Data::Date(v), Value::Date(d)) => {
                v.push(date_key(*d));
                true
            }
            (Data::Date(v), _) => {
                v.push(0);
                false
            }
            (Data::List { offsets, items, dict }, value) => {
                let ok = if let Value::List(list) = value {
                    items.extend(list.iter().map(|s| dict_id(dict, s)));
                    true
                } else {
                    false
                };
                offsets.push(u32::try_from(items.len()).expect("fewer than 2^32 list items in a column"));
                ok
            }
        };
        if ok {
            set_bit(&mut self.valid, row);
        }
    }
}

/// The sample shoppers of one schema as typed columns, in table order.
#[derive(Clone, Debug, Default)]
pub struct ColumnarTable {
    len: usize,
    columns: Vec<Column>,
}

/// Builds a [`ColumnarTable`] a shopper at a time, for shoppers read one by
/// one and not kept (the workspace's shoppers, read from SQLite).
pub struct ColumnarBuilder {
    rows: usize,
    capacity: usize,
    columns: Vec<Column>,
}

impl ColumnarBuilder {
    /// For shoppers typed by `schema`; `capacity` rows are allocated up front.
    pub fn new(schema: &Schema, capacity: usize) -> Self {
        let columns = schema.attributes().iter().map(|attr| Column::empty(attr.ty, capacity)).collect();
        Self { rows: 0, capacity, columns }
    }

    /// Appends a shopper as the next row; its values are read once, in slot order.
    pub fn push(&mut self, shopper: &Shopper) {
        self.push_reading(shopper, &[]);
    }

    /// [`ColumnarBuilder::push`] of the slots marked in `read` (all when
    /// `read` is empty); null in the others.
    fn push_reading(&mut self, shopper: &Shopper, read: &[bool]) {
        let row = self.rows;
        if row >= self.capacity {
            self.columns.iter_mut().for_each(|c| c.reserve_row(row));
            self.capacity = row + 1;
        }
        for (slot, column) in self.columns.iter_mut().enumerate() {
            let value = if read.get(slot).is_none_or(|r| *r) { shopper.value(slot) } else { &Value::Null };
            column.push(row, value);
        }
        self.rows += 1;
    }

    pub fn finish(mut self) -> ColumnarTable {
        let words = self.rows.div_ceil(64);
        for column in &mut self.columns {
            column.valid.truncate(words);
            if let Some(p) = &mut column.present {
                p.truncate(words);
            }
            if let Data::Bool(bits) = &mut column.data {
                bits.truncate(words);
            }
            if column.present.as_ref() == Some(&column.valid) {
                column.present = None;
            }
        }
        ColumnarTable { len: self.rows, columns: self.columns }
    }
}

/// Orders dates like [`Date`]'s `Ord`: year, month, day packed into bits.
fn date_key(d: Date) -> i32 {
    (i32::from(d.year()) << 9) | (i32::from(d.month()) << 5) | i32::from(d.day())
}

/// The date a [`date_key`] was made from.
fn key_date(key: i32) -> Option<Date> {
    Date::new((key >> 9) as i16, ((key >> 5) & 0xF) as i8, (key & 0x1F) as i8).ok()
}

fn set_bit(words: &mut [u64], row: usize) {
    words[row / 64] |= 1 << (row % 64);
}

fn bit(words: &[u64], row: usize) -> bool {
    words[row / 64] >> (row % 64) & 1 == 1
}

fn dict_id(dict: &mut Dict, s: &str) -> u32 {
    let id = match dict.get_index_of(s) {
        Some(id) => id,
        None => dict.insert_full(s.into()).0,
    };
    u32::try_from(id).expect("fewer than 2^32 distinct strings in a column")
}

impl ColumnarTable {
    /// Builds the columns of `schema`'s attributes from shoppers typed with
    /// it (a value of another type than its attribute's counts as present
    /// but matches no test of that type, as in the row engine).
    pub fn new(schema: &Schema, shoppers: &ShopperTable) -> Self {
        Self::build(schema, shoppers.len(), shoppers.iter(), &[])
    }

    /// [`ColumnarTable::new`] for shoppers that are not in a table, such as
    /// one chunk of a simulation's input.
    pub fn from_rows(schema: &Schema, shoppers: &[&Shopper]) -> Self {
        Self::build(schema, shoppers.len(), shoppers.iter().copied(), &[])
    }

    /// [`ColumnarTable::from_rows`] with only the attributes marked in
    /// `read` (by slot, see [`CompiledCondition::mark_slots`]); every other
    /// column holds nulls. Enough to evaluate conditions that test only
    /// those, without hashing the strings of the others (a simulation's
    /// chunk: its segments leave most list items alone).
    pub fn from_rows_reading(schema: &Schema, shoppers: &[&Shopper], read: &[bool]) -> Self {
        Self::build(schema, shoppers.len(), shoppers.iter().copied(), read)
    }

    /// The table of `shoppers`, reading the slots marked in `read` (all when empty).
    fn build<'s>(schema: &Schema, len: usize, shoppers: impl Iterator<Item = &'s Shopper>, read: &[bool]) -> Self {
        let mut builder = ColumnarBuilder::new(schema, len);
        for shopper in shoppers {
            builder.push_reading(shopper, read);
        }
        builder.finish()
    }

    /// A string or enum column's dictionary ids: row `r` holds the string
    /// `dict[ids[r]]` when `ids[r]` is not `None`, else no string (null, or a
    /// value of another type). `None` for a column of another type.
    pub fn string_ids(&self, slot: usize) -> Option<(Vec<Option<u32>>, Vec<&str>)> {
        let column = self.columns.get(slot)?;
        let Data::Str { ids, dict } = &column.data else { return None };
        let rows = ids.iter().enumerate().map(|(row, &id)| bit(&column.valid, row).then_some(id)).collect();
        Some((rows, dict.iter().map(|s| &**s).collect()))
    }

    /// Row `row`'s values in schema slot order: the shopper the row was built
    /// from, for shoppers typed by the table's schema (a table that keeps
    /// only columns can still hand out rows).
    pub fn values(&self, row: usize) -> Vec<Value> {
        self.columns.iter().map(|c| c.value(row)).collect()
    }

    /// How many shoppers (rows) the table holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Which shoppers match the condition on the given day.
    pub fn evaluate(&self, condition: &CompiledCondition, today: Date) -> Bitmap {
        self.evaluate_chunked(&condition.on(today), CHUNK)
    }

    /// Which shoppers match, for an evaluator already fixed to its day.
    pub fn evaluate_with(&self, evaluator: &Evaluator<'_>) -> Bitmap {
        self.evaluate_chunked(evaluator, CHUNK)
    }

    fn evaluate_chunked(&self, evaluator: &Evaluator<'_>, chunk: usize) -> Bitmap {
        debug_assert!(chunk.is_multiple_of(64) && chunk > 0);
        let mut out = Bitmap::zeros(self.len);
        for (i, words) in out.words.chunks_mut(chunk / 64).enumerate() {
            let start = i * chunk;
            let rows = start..(start + chunk).min(self.len);
            Chunk { table: self, evaluator, rows, shared: None }.root(words);
        }
        out
    }

    /// Which shoppers match each condition, like [`ColumnarTable::evaluate_with`]
    /// for each: a test that appears in several of them (same attribute,
    /// test and literal, such as `member = true` in many segments) is
    /// evaluated once per chunk of rows.
    pub fn evaluate_all(&self, evaluators: &[Evaluator<'_>]) -> Vec<Bitmap> {
        self.evaluate_all_chunked(evaluators, CHUNK)
    }

    fn evaluate_all_chunked(&self, evaluators: &[Evaluator<'_>], chunk: usize) -> Vec<Bitmap> {
        let shared = Shared::new(evaluators);
        let mut out: Vec<Bitmap> = evaluators.iter().map(|_| Bitmap::zeros(self.len)).collect();
        for start in (0..self.len).step_by(chunk) {
            let rows = start..(start + chunk).min(self.len);
            shared.done.borrow_mut().iter_mut().for_each(|d| *d = None);
            for (evaluator, bitmap) in evaluators.iter().zip(&mut out) {
                let words = &mut bitmap.words[start / 64..rows.end.div_ceil(64)];
                Chunk { table: self, evaluator, rows: rows.clone(), shared: Some(&shared) }.root(words);
            }
        }
        out
    }

    /// The words of [`ColumnarTable::evaluate`] for rows `rows` only (bit 0
    /// of the first word is row `rows.start`, which must be a multiple of 64).
    pub fn evaluate_rows(&self, evaluator: &Evaluator<'_>, rows: Range<usize>) -> Vec<u64> {
        assert!(rows.start.is_multiple_of(64), "a row range starts on a word");
        let rows = rows.start..rows.end.min(self.len);
        let mut words = vec![0; rows.len().div_ceil(64)];
        if !rows.is_empty() {
            Chunk { table: self, evaluator, rows, shared: None }.root(&mut words);
        }
        words
    }
}

/// Live reach through the columnar table: `columns` must be built from
/// `shoppers` (the example ids come from there). Same answer as
/// [`crate::reach`].
pub fn reach(
    condition: &CompiledCondition,
    columns: &ColumnarTable,
    shoppers: &ShopperTable,
    today: Date,
    max_examples: usize,
) -> Reach {
    debug_assert_eq!(columns.len(), shoppers.len(), "columns built from these shoppers");
    reach_with_ids(condition, columns, |row| shoppers.get(row).map(|s| s.id.as_str()), today, max_examples)
}

/// [`reach`] for a table kept without its rows: `id(row)` names the
/// shopper of a row (the workspace keeps the ids beside the columns).
pub fn reach_with_ids<'i>(
    condition: &CompiledCondition,
    columns: &ColumnarTable,
    id: impl Fn(usize) -> Option<&'i str>,
    today: Date,
    max_examples: usize,
) -> Reach {
    let matches = columns.evaluate(condition, today);
    let examples = matches.ones().take(max_examples).filter_map(id).map(str::to_owned).collect();
    let (matched, total) = (matches.count(), columns.len() as u64);
    let share = if total == 0 { 0.0 } else { matched as f64 / total as f64 };
    Reach { matched, total, share, examples }
}

/// One chunk of rows being evaluated: `out` slices hold its words.
struct Chunk<'a> {
    table: &'a ColumnarTable,
    evaluator: &'a Evaluator<'a>,
    rows: Range<usize>,
    shared: Option<&'a Shared>,
}

/// Tests that appear in several of the conditions evaluated together, each
/// evaluated once per chunk for all rows and then reused.
struct Shared {
    /// Index into `done` of each shared leaf node.
    index: HashMap<*const Node, usize>,
    /// The current chunk's words of each shared test, once evaluated.
    done: RefCell<Vec<Option<Vec<u64>>>>,
}

impl Shared {
    fn new(evaluators: &[Evaluator<'_>]) -> Self {
        // A leaf's identity: its attribute, test and literal, plus the day
        // window for `within_last` (whose cutoff index is per condition).
        let mut by_key: HashMap<String, Vec<*const Node>> = HashMap::new();
        for evaluator in evaluators {
            evaluator.condition.root.visit(&mut |node| {
                let key = match node {
                    Node::True | Node::And(_) | Node::Or(_) | Node::Not(_) => return,
                    Node::WithinLast { slot, cutoff, .. } => {
                        let from = evaluator.cutoffs.get(*cutoff).copied().unwrap_or(Date::MIN);
                        format!("within {slot} {from} {}", evaluator.today)
                    }
                    leaf => format!("{leaf:?}"),
                };
                by_key.entry(key).or_default().push(node);
            });
        }
        let mut index = HashMap::new();
        let shared = by_key.into_values().filter(|nodes| nodes.len() > 1);
        for (i, nodes) in shared.enumerate() {
            index.extend(nodes.into_iter().map(|n| (n, i)));
        }
        let done = RefCell::new(vec![None; index.values().max().map_or(0, |m| m + 1)]);
        Self { index, done }
    }
}

/// Sets bit `j` of word `w` to `pred(values[64 w + j])`, for every row:
/// fixed 64-value blocks, so the compiler vectorises the comparisons.
#[inline(always)]
fn fill<T: Copy>(out: &mut [u64], values: &[T], pred: impl Fn(T) -> bool) {
    let blocks = values.chunks_exact(64);
    let rest = blocks.remainder();
    let mut words = out.iter_mut();
    // `blocks` first: `zip` must not take a word when the blocks are done.
    for (block, word) in blocks.zip(words.by_ref()) {
        let block: &[T; 64] = block.try_into().expect("64 values");
        let mut bits = 0u64;
        for (j, v) in block.iter().enumerate() {
            bits |= u64::from(pred(*v)) << j;
        }
        *word = bits;
    }
    if let Some(word) = words.next() {
        *word = rest.iter().enumerate().fold(0, |bits, (j, v)| bits | u64::from(pred(*v)) << j);
    }
}

/// Sets bit `j` of word `w` to `pred(rows.start + 64 w + j)` where `mask`
/// has it set, and clears it elsewhere: for tests that cost more per row
/// than a comparison, evaluated only for the rows still in question.
#[inline(always)]
fn fill_rows(out: &mut [u64], rows: Range<usize>, mask: &[u64], pred: impl Fn(usize) -> bool) {
    for (w, (word, wanted)) in out.iter_mut().zip(mask).enumerate() {
        let base = rows.start + w * 64;
        let (mut rest, mut bits) = (*wanted, 0u64);
        while rest != 0 {
            let j = rest.trailing_zeros();
            rest &= rest - 1;
            bits |= u64::from(pred(base + j as usize)) << j;
        }
        *word = bits;
    }
}

fn and_into(out: &mut [u64], other: &[u64]) {
    out.iter_mut().zip(other).for_each(|(a, b)| *a &= b);
}

fn none(words: &[u64]) -> bool {
    words.iter().all(|w| *w == 0)
}

/// What a comparison of a shopper's value `a` with the literal yields.
#[allow(clippy::double_comparisons)]
fn holds<T: PartialOrd>(op: CmpOp, a: T, b: T) -> bool {
    match op {
        CmpOp::Eq => a == b,
        // Not `!=`: a NaN is unordered, and the row engine says false.
        CmpOp::Ne => a < b || a > b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

impl Chunk<'_> {
    fn words(&self) -> Range<usize> {
        self.rows.start / 64..self.rows.end.div_ceil(64)
    }

    /// The last word's bits that are rows.
    fn tail(&self) -> u64 {
        match self.rows.len() % 64 {
            0 => u64::MAX,
            n => (1 << n) - 1,
        }
    }

    fn set_all(&self, out: &mut [u64], value: bool) {
        out.fill(if value { u64::MAX } else { 0 });
        if let Some(last) = out.last_mut() {
            *last &= self.tail();
        }
    }

    /// The condition's answer for the chunk's rows into `out`.
    fn root(&self, out: &mut [u64]) {
        let mut all = vec![0; out.len()];
        self.set_all(&mut all, true);
        self.node(&self.evaluator.condition.root, &all, out);
        and_into(out, &all);
    }

    /// Evaluates `node` into `out`, which must be right for the rows set in
    /// `mask` (the rows whose answer still matters) and may hold anything
    /// elsewhere: an `and` asks each child only about the rows the earlier
    /// children kept, an `or` only about those none has matched yet.
    fn node(&self, node: &Node, mask: &[u64], out: &mut [u64]) {
        match node {
            Node::True => self.set_all(out, true),
            Node::And(children) => {
                out.copy_from_slice(mask);
                let mut tmp = vec![0; out.len()];
                for child in children {
                    if none(out) {
                        break;
                    }
                    self.node(child, out, &mut tmp);
                    and_into(out, &tmp);
                }
            }
            Node::Or(children) => {
                out.fill(0);
                let mut rest = mask.to_vec();
                let mut tmp = vec![0; out.len()];
                for child in children {
                    if none(&rest) {
                        break;
                    }
                    self.node(child, &rest, &mut tmp);
                    for ((o, r), t) in out.iter_mut().zip(&mut rest).zip(&tmp) {
                        let hit = t & *r;
                        *o |= hit;
                        *r &= !hit;
                    }
                }
            }
            Node::Not(child) => {
                self.node(child, mask, out);
                out.iter_mut().for_each(|w| *w = !*w);
            }
            leaf => self.leaf(leaf, mask, out),
        }
    }

    fn leaf(&self, node: &Node, mask: &[u64], out: &mut [u64]) {
        let Some(i) = self.shared.and_then(|s| s.index.get(&(node as *const Node))) else {
            return self.test(node, mask, out);
        };
        let shared = self.shared.expect("a shared test");
        let mut done = shared.done.borrow_mut();
        let words = done[*i].get_or_insert_with(|| {
            // For every row, so that any condition can use it.
            let mut all = vec![0; out.len()];
            self.set_all(&mut all, true);
            let mut words = vec![0; out.len()];
            self.test(node, &all, &mut words);
            words
        });
        out.copy_from_slice(words);
    }

    fn test(&self, node: &Node, mask: &[u64], out: &mut [u64]) {
        let Some(slot) = node.slot() else {
            return self.set_all(out, false);
        };
        let Some(column) = self.table.columns.get(slot) else {
            // A slot the table lacks is null for every shopper.
            let null_test = matches!(node, Node::IsNull { negated: false, .. } | Node::IsEmpty { negated: false, .. });
            return self.set_all(out, null_test);
        };
        let valid = &column.valid[self.words()];
        if let Node::IsNull { negated, .. } = node {
            let present = column.present.as_ref().map_or(valid, |p| &p[self.words()]);
            let flip = if *negated { 0 } else { u64::MAX };
            out.iter_mut().zip(present).for_each(|(w, p)| *w = p ^ flip);
            if let Some(last) = out.last_mut() {
                *last &= self.tail();
            }
            return;
        }
        let rows = self.rows.clone();
        // Whether the test applies to the column's type; if not, no row
        // matches (the row engine finds no value of the literal's type).
        let applies = match &column.data {
            Data::Number(v) => self.number(node, &v[rows], out),
            Data::Bool(bits) => self.bool(node, &bits[self.words()], out),
            Data::Str { ids, dict } => self.string(node, &ids[rows], dict, out),
            Data::Date(v) => self.date(node, &v[rows], out),
            Data::List { offsets, items, dict } => {
                // Null and wrong-typed rows have no items, so item tests fail
                // and `is_empty` holds for them without the validity bitmap.
                if !self.list(node, &offsets[rows.start..=rows.end], items, dict, valid, mask, out) {
                    self.set_all(out, false);
                }
                return;
            }
        };
        if applies {
            and_into(out, valid);
        } else {
            self.set_all(out, false);
        }
    }

    fn number(&self, node: &Node, v: &[f64], out: &mut [u64]) -> bool {
        match node {
            Node::Compare { op, value: Scalar::Number(x), .. } => {
                let x = *x;
                match op {
                    CmpOp::Eq => fill(out, v, |a| holds(CmpOp::Eq, a, x)),
                    CmpOp::Ne => fill(out, v, |a| holds(CmpOp::Ne, a, x)),
                    CmpOp::Lt => fill(out, v, |a| a < x),
                    CmpOp::Le => fill(out, v, |a| a <= x),
                    CmpOp::Gt => fill(out, v, |a| a > x),
                    CmpOp::Ge => fill(out, v, |a| a >= x),
                }
            }
            Node::Between { low: Scalar::Number(lo), high: Scalar::Number(hi), .. } => {
                let (lo, hi) = (*lo, *hi);
                fill(out, v, |a| a >= lo && a <= hi);
            }
            Node::In { set: Set::Numbers(ns), negated, .. } => {
                // The row engine searches by `total_cmp` after `+ 0.0`: equal
                // bits, -0.0 folded into 0.0.
                let bits: Vec<u64> = ns.iter().map(|n| n.to_bits()).collect();
                let negated = *negated;
                if bits.len() <= 16 {
                    fill(out, v, |a| bits.contains(&(a + 0.0).to_bits()) != negated);
                } else {
                    fill(out, v, |a| ns.binary_search_by(|p| p.total_cmp(&(a + 0.0))).is_ok() != negated);
                }
            }
            _ => return false,
        }
        true
    }

    fn bool(&self, node: &Node, bits: &[u64], out: &mut [u64]) -> bool {
        // The answer for a `false` and for a `true` value.
        let (if_false, if_true) = match node {
            Node::Compare { op, value: Scalar::Bool(b), .. } => (holds(*op, false, *b), holds(*op, true, *b)),
            Node::Between { low: Scalar::Bool(lo), high: Scalar::Bool(hi), .. } => {
                let within = |a: bool| a >= *lo && a <= *hi;
                (within(false), within(true))
            }
            Node::In { set: Set::Bools { has_true, has_false }, negated, .. } => {
                (*has_false != *negated, *has_true != *negated)
            }
            _ => return false,
        };
        let mask = |b: bool| if b { u64::MAX } else { 0 };
        let (f, t) = (mask(if_false), mask(if_true));
        out.iter_mut().zip(bits).for_each(|(w, b)| *w = (b & t) | (!b & f));
        true
    }

    fn string(&self, node: &Node, ids: &[u32], dict: &Dict, out: &mut [u64]) -> bool {
        // Equality is an id comparison; everything else a per-string table.
        let table: Vec<bool> = match node {
            Node::Compare { op: op @ (CmpOp::Eq | CmpOp::Ne), value: Scalar::String(s), .. } => {
                match (dict.get_index_of(&**s), op) {
                    (Some(id), CmpOp::Eq) => {
                        let id = id as u32;
                        fill(out, ids, |a| a == id);
                    }
                    (Some(id), _) => {
                        let id = id as u32;
                        fill(out, ids, |a| a != id);
                    }
                    // A literal no shopper has: equal to none, unequal to all.
                    (None, CmpOp::Eq) => self.set_all(out, false),
                    (None, _) => self.set_all(out, true),
                }
                return true;
            }
            Node::Compare { op, value: Scalar::String(s), .. } => dict.iter().map(|d| holds(*op, &**d, &**s)).collect(),
            Node::Between { low: Scalar::String(lo), high: Scalar::String(hi), .. } => {
                dict.iter().map(|d| **d >= **lo && **d <= **hi).collect()
            }
            Node::In { set: Set::Strings(ss), negated, .. } => {
                dict.iter().map(|d| ss.binary_search(d).is_ok() != *negated).collect()
            }
            Node::StartsWith { prefix, .. } => dict.iter().map(|d| d.starts_with(&**prefix)).collect(),
            _ => return false,
        };
        fill(out, ids, |a| table.get(a as usize).copied().unwrap_or(false));
        true
    }

    fn date(&self, node: &Node, v: &[i32], out: &mut [u64]) -> bool {
        match node {
            Node::Compare { op, value: Scalar::Date(d), .. } => {
                let x = date_key(*d);
                match op {
                    CmpOp::Eq => fill(out, v, |a| a == x),
                    CmpOp::Ne => fill(out, v, |a| a != x),
                    CmpOp::Lt => fill(out, v, |a| a < x),
                    CmpOp::Le => fill(out, v, |a| a <= x),
                    CmpOp::Gt => fill(out, v, |a| a > x),
                    CmpOp::Ge => fill(out, v, |a| a >= x),
                }
            }
            Node::Between { low: Scalar::Date(lo), high: Scalar::Date(hi), .. } => {
                let (lo, hi) = (date_key(*lo), date_key(*hi));
                fill(out, v, |a| a >= lo && a <= hi);
            }
            Node::In { set: Set::Dates(ds), negated, .. } => {
                let keys: Vec<i32> = ds.iter().map(|d| date_key(*d)).collect();
                let negated = *negated;
                fill(out, v, |a| keys.binary_search(&a).is_ok() != negated);
            }
            Node::Before { date, .. } => {
                let x = date_key(*date);
                fill(out, v, |a| a < x);
            }
            Node::After { date, .. } => {
                let x = date_key(*date);
                fill(out, v, |a| a > x);
            }
            Node::WithinLast { cutoff, .. } => {
                let from = date_key(self.evaluator.cutoffs.get(*cutoff).copied().unwrap_or(Date::MIN));
                let to = date_key(self.evaluator.today);
                fill(out, v, |a| from <= a && a <= to);
            }
            _ => return false,
        }
        true
    }

    /// `offsets` covers the chunk's rows plus one. Returns whether the test
    /// applies to lists.
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        node: &Node,
        offsets: &[u32],
        items: &[u32],
        dict: &Dict,
        valid: &[u64],
        mask: &[u64],
        out: &mut [u64],
    ) -> bool {
        let base = self.rows.start;
        let items_of = |row: usize| &items[offsets[row - base] as usize..offsets[row - base + 1] as usize];
        match node {
            Node::IsEmpty { negated, .. } => {
                let negated = *negated;
                fill_rows(out, self.rows.clone(), mask, |row| {
                    (offsets[row - base] == offsets[row - base + 1]) != negated
                });
            }
            Node::Contains { value, .. } => match dict.get_index_of(&**value) {
                Some(id) => {
                    let id = id as u32;
                    fill_rows(out, self.rows.clone(), mask, |row| items_of(row).contains(&id));
                }
                None => self.set_all(out, false),
            },
            Node::ContainsAny { values, .. } => {
                let ids: Vec<u32> = values.iter().filter_map(|v| dict.get_index_of(&**v)).map(|i| i as u32).collect();
                match ids[..] {
                    [] => self.set_all(out, false),
                    [id] => fill_rows(out, self.rows.clone(), mask, |row| items_of(row).contains(&id)),
                    _ => {
                        let mut wanted = vec![false; dict.len()];
                        ids.iter().for_each(|id| wanted[*id as usize] = true);
                        fill_rows(out, self.rows.clone(), mask, |row| {
                            items_of(row).iter().any(|i| wanted[*i as usize])
                        });
                    }
                }
            }
            Node::ContainsAll { values, .. } => {
                let ids: Option<Vec<u32>> = values.iter().map(|v| dict.get_index_of(&**v).map(|i| i as u32)).collect();
                match ids {
                    // A value no shopper has: nobody's list holds them all.
                    None => self.set_all(out, false),
                    // Every list holds all of none; null rows are no lists.
                    Some(ids) if ids.is_empty() => out.copy_from_slice(valid),
                    Some(ids) => fill_rows(out, self.rows.clone(), mask, |row| {
                        let items = items_of(row);
                        ids.iter().all(|id| items.contains(id))
                    }),
                }
            }
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value as Json, json};
    use tailor_model::condition::parse;

    use super::*;
    use crate::condition::tests::{CATEGORIES, DATES, EMAILS, TODAY, TYPES, condition, schema};
    use crate::shopper::{Shopper, shopper_from_json};

    fn compile(text: &str) -> CompiledCondition {
        CompiledCondition::compile(&parse(text).unwrap(), &schema()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn table(rows: &[Json]) -> ShopperTable {
        rows.iter()
            .enumerate()
            .map(|(i, row)| shopper_from_json(&format!("s{i}"), row.as_object().unwrap(), &schema()).unwrap())
            .collect()
    }

    /// The row engine's answer for every shopper.
    fn row_answers(c: &CompiledCondition, shoppers: &ShopperTable) -> Vec<bool> {
        let eval = c.on(TODAY);
        shoppers.iter().map(|s| eval.matches(s)).collect()
    }

    fn bits(b: &Bitmap) -> Vec<bool> {
        (0..b.len()).map(|i| b.get(i)).collect()
    }

    #[track_caller]
    fn agrees(text: &str, shoppers: &ShopperTable) -> Vec<bool> {
        let c = compile(text);
        let columns = ColumnarTable::new(&schema(), shoppers);
        let got = bits(&columns.evaluate(&c, TODAY));
        assert_eq!(got, row_answers(&c, shoppers), "{text}");
        got
    }

    fn sample() -> ShopperTable {
        table(&[
            json!({ "VisitorType": "Returning_Visitor", "Revenue": true, "PageValues": 42.5, "email": "vip@shop",
                    "last_order": "2026-03-01", "viewed": ["running", "socks"] }),
            json!({}),
            json!({ "VisitorType": "New_Visitor", "Revenue": false, "PageValues": -0.0, "email": "x@b",
                    "last_order": "2026-03-20", "viewed": [] }),
            json!({ "PageValues": 0, "viewed": ["hats", "hats"] }),
        ])
    }

    #[test]
    fn a_literal_no_shopper_has_matches_nobody_and_its_negation_every_present_value() {
        let s = sample();
        assert_eq!(agrees(r#"email = "nobody""#, &s), [false; 4]);
        assert_eq!(agrees(r#"email != "nobody""#, &s), [true, false, true, false]);
        assert_eq!(agrees(r#"not email = "nobody""#, &s), [true; 4]);
        assert_eq!(agrees(r#"email in ["nobody", "x@b"]"#, &s), [false, false, true, false]);
        assert_eq!(agrees(r#"email not_in ["nobody"]"#, &s), [true, false, true, false]);
        assert_eq!(agrees(r#""nothing" in viewed"#, &s), [false; 4]);
        assert_eq!(agrees(r#"viewed contains_all ["hats", "nothing"]"#, &s), [false; 4]);
        assert_eq!(agrees(r#"viewed contains_any ["hats", "nothing"]"#, &s), [false, false, false, true]);
    }

    #[test]
    fn nulls_follow_the_row_engine() {
        let s = sample();
        assert_eq!(agrees("PageValues > 1", &s), [true, false, false, false]);
        assert_eq!(agrees("not PageValues > 1", &s), [false, true, true, true]);
        assert_eq!(agrees("PageValues = 0", &s), [false, false, true, true]); // -0.0 = 0
        assert_eq!(agrees("PageValues in [0]", &s), [false, false, true, true]);
        assert_eq!(agrees("PageValues not_in [0]", &s), [true, false, false, false]);
        assert_eq!(agrees("Revenue != true", &s), [false, false, true, false]);
        assert_eq!(agrees("last_order is_null", &s), [false, true, false, true]);
        assert_eq!(agrees("viewed is_empty", &s), [false, true, true, false]);
        assert_eq!(agrees("viewed is_not_empty", &s), [true, false, false, true]);
        assert_eq!(agrees("viewed contains_all []", &s), [true, false, true, true]);
        assert_eq!(agrees("viewed contains_any []", &s), [false; 4]);
        assert_eq!(agrees("last_order within_last 14 days", &s), [true, false, false, false]);
        assert_eq!(agrees(r#"email starts_with "vip""#, &s), [true, false, false, false]);
        assert_eq!(agrees("not ()", &s), [false; 4]);
        assert_eq!(agrees("", &s), [true; 4]);
    }

    #[test]
    fn values_of_another_type_are_present_but_match_no_test() {
        // Tables built with the schema never hold these; the answer is still
        // the row engine's.
        let odd = Shopper {
            id: "odd".into(),
            values: vec![
                Value::Number(1.0),
                Value::String("true".into()),
                Value::Number(f64::NAN),
                Value::List(vec!["vip@a".into()]),
                Value::Bool(true),
                Value::String("running".into()),
            ],
        };
        let short = Shopper { id: "short".into(), values: vec![Value::String("Other".into())] };
        let s = ShopperTable::new(vec![odd, short]);
        for text in [
            r#"VisitorType = "Other""#,
            "VisitorType is_null",
            "Revenue is_not_null",
            "Revenue = true",
            "not Revenue = true",
            "PageValues != 1",
            "PageValues = 1",
            "PageValues not_in [1]",
            "PageValues is_null",
            r#"email != "x""#,
            "last_order is_not_null",
            r#"last_order before "2026-01-01""#,
            "viewed is_empty",
            "viewed is_null",
            r#""running" in viewed"#,
        ] {
            agrees(text, &s);
        }
    }

    #[test]
    fn a_slot_the_table_lacks_is_null_for_everyone() {
        let shoppers = sample();
        let narrow = Schema::new(schema().attributes()[..2].to_vec());
        let columns = ColumnarTable::new(&narrow, &shoppers);
        for text in ["viewed is_empty", "viewed is_null", "viewed is_not_null", "PageValues > 1", "not PageValues > 1"]
        {
            let c = compile(text);
            let expected: Vec<bool> = {
                let eval = c.on(TODAY);
                shoppers
                    .iter()
                    .map(|s| eval.matches(&Shopper { id: s.id.clone(), values: s.values[..2].to_vec() }))
                    .collect()
            };
            assert_eq!(bits(&columns.evaluate(&c, TODAY)), expected, "{text}");
        }
    }

    #[test]
    fn reach_equals_the_row_engines_reach() {
        let shoppers: ShopperTable = (0..300)
            .map(|i| {
                let obj =
                    json!({ "PageValues": i % 7, "viewed": if i % 3 == 0 { json!(["running"]) } else { json!(null) } });
                shopper_from_json(&format!("s{i}"), obj.as_object().unwrap(), &schema()).unwrap()
            })
            .collect();
        let columns = ColumnarTable::new(&schema(), &shoppers);
        for text in [r#"PageValues > 3 and "running" in viewed"#, "PageValues > 100", ""] {
            let c = compile(text);
            assert_eq!(reach(&c, &columns, &shoppers, TODAY, 3), crate::reach(&c, &shoppers, TODAY, 3), "{text}");
        }
        let empty = ColumnarTable::new(&schema(), &ShopperTable::default());
        assert_eq!(reach(&compile(""), &empty, &ShopperTable::default(), TODAY, 3).share, 0.0);
    }

    #[test]
    fn bitmaps_count_and_list_their_rows() {
        let shoppers: ShopperTable = (0..130).map(|i| Shopper { id: i.to_string(), values: vec![] }).collect();
        let columns = ColumnarTable::new(&schema(), &shoppers);
        let all = columns.evaluate(&compile("VisitorType is_null"), TODAY);
        assert_eq!((all.count(), all.len(), all.words().len()), (130, 130, 3));
        assert_eq!(all.words()[2], 0b11, "no bits past the last row");
        assert_eq!(all.ones().collect::<Vec<_>>(), (0..130).collect::<Vec<_>>());
        let none = columns.evaluate(&compile("not VisitorType is_null"), TODAY);
        assert_eq!((none.count(), all.and_count(&none), none.ones().next()), (0, 0, None));
        assert!(!all.get(130));
    }

    // ------------------------------------------------------------------
    // The columnar bitmap against the row engine, on generated conditions
    // and shoppers (nulls, short rows, values of another type, NaN, -0.0).

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = Box<str>> + Clone {
        prop::sample::select(options).prop_map(Box::from)
    }

    /// A value for each slot of the test schema: mostly its type, some
    /// nulls, a few of another type.
    fn value(slot: usize) -> BoxedStrategy<Value> {
        let typed = match slot {
            0 => pick(&TYPES).prop_map(Value::String).boxed(),
            1 => any::<bool>().prop_map(Value::Bool).boxed(),
            2 => prop_oneof![
                8 => (-3i32..=3).prop_map(|n| Value::Number(f64::from(n) / 2.0)),
                1 => Just(Value::Number(-0.0)),
                1 => Just(Value::Number(f64::NAN)),
            ]
            .boxed(),
            3 => pick(&EMAILS).prop_map(Value::String).boxed(),
            4 => pick(&DATES).prop_map(|d| Value::Date(d.parse().unwrap())).boxed(),
            _ => prop::collection::vec(pick(&CATEGORIES), 0..4).prop_map(Value::List).boxed(),
        };
        let other = if slot == 1 { Value::Number(0.5) } else { Value::Bool(true) };
        prop_oneof![16 => typed, 3 => Just(Value::Null), 1 => Just(other)].boxed()
    }

    fn shopper() -> impl Strategy<Value = Shopper> {
        let values: Vec<_> = (0..6).map(value).collect();
        // Now and then a short row: the rest is null.
        (values, prop::option::weighted(0.1, 0usize..6)).prop_map(|(mut values, keep)| {
            values.truncate(keep.unwrap_or(6));
            Shopper { id: String::new(), values }
        })
    }

    proptest! {
        /// A table built a shopper at a time (told too few or too many rows
        /// up front) is the table built from the rows, and hands each
        /// shopper's values back: null where a value was not of its
        /// attribute's type (a shopper typed by the schema has none).
        #[test]
        fn a_built_table_gives_its_rows_back(
            shoppers in prop::collection::vec(shopper(), 0..300),
            capacity in 0usize..400,
        ) {
            let table = ShopperTable::new(shoppers.clone());
            let mut builder = ColumnarBuilder::new(&schema(), capacity);
            for s in &shoppers {
                builder.push(s);
            }
            let built = builder.finish();
            let from_rows = ColumnarTable::new(&schema(), &table);
            prop_assert_eq!(built.len(), shoppers.len());
            let c = CompiledCondition::compile(&parse("VisitorType = \"New_Visitor\" or PageValues >= 0 or Revenue = true").unwrap(), &schema())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(bits(&built.evaluate(&c, TODAY)), bits(&from_rows.evaluate(&c, TODAY)));
            let types: Vec<AttrType> = schema().attributes().iter().map(|a| a.ty).collect();
            for (row, s) in shoppers.iter().enumerate() {
                let got = built.values(row);
                prop_assert_eq!(got.len(), types.len());
                for (slot, ty) in types.iter().enumerate() {
                    let want = match (s.value(slot), ty) {
                        (Value::Number(n), AttrType::Number) => Value::Number(*n),
                        (Value::Bool(b), AttrType::Bool) => Value::Bool(*b),
                        (Value::String(x), AttrType::String | AttrType::Enum) => Value::String(x.clone()),
                        (Value::Date(d), AttrType::Date) => Value::Date(*d),
                        (Value::List(l), AttrType::StringList) => Value::List(l.clone()),
                        _ => Value::Null,
                    };
                    // NaN is not equal to itself: compare the bits.
                    match (&got[slot], &want) {
                        (Value::Number(a), Value::Number(b)) => prop_assert_eq!(a.to_bits(), b.to_bits()),
                        (a, b) => prop_assert_eq!(a, b, "row {} slot {}", row, slot),
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]
        #[test]
        fn columnar_evaluation_agrees_with_the_row_engine(
            c in condition(),
            shoppers in prop::collection::vec(shopper(), 0..200),
            split in 0usize..4,
        ) {
            let compiled = CompiledCondition::compile(&c, &schema()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let shoppers = ShopperTable::new(shoppers);
            let columns = ColumnarTable::new(&schema(), &shoppers);
            let expected = row_answers(&compiled, &shoppers);
            let eval = compiled.on(TODAY);
            // One chunk, and chunks of 64 and 128 rows.
            for chunk in [CHUNK, 64, 128] {
                let got = columns.evaluate_chunked(&eval, chunk);
                prop_assert_eq!(&bits(&got), &expected, "{:?} in chunks of {}", c, chunk);
                prop_assert_eq!(got.count(), expected.iter().filter(|m| **m).count() as u64);
            }
            // A row range from a word boundary.
            let start = (split * 64).min(shoppers.len() / 64 * 64);
            let words = columns.evaluate_rows(&eval, start..shoppers.len());
            for (i, want) in expected[start..].iter().enumerate() {
                prop_assert_eq!(words[i / 64] >> (i % 64) & 1 == 1, *want, "{:?} row {}", c, start + i);
            }
        }

        #[test]
        fn conditions_evaluated_together_agree_with_each_alone(
            cs in prop::collection::vec(condition(), 1..6),
            shoppers in prop::collection::vec(shopper(), 0..200),
        ) {
            let compiled: Vec<CompiledCondition> = cs
                .iter()
                .map(|c| CompiledCondition::compile(c, &schema()))
                .collect::<Result<_, _>>()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let shoppers = ShopperTable::new(shoppers);
            let columns = ColumnarTable::new(&schema(), &shoppers);
            // Two days, so that `within_last` windows differ between conditions.
            let days = [TODAY, TODAY + jiff::Span::new().days(9)];
            let evaluators: Vec<_> = compiled.iter().zip(days.iter().cycle()).map(|(c, d)| c.on(*d)).collect();
            for chunk in [CHUNK, 64] {
                let together = columns.evaluate_all_chunked(&evaluators, chunk);
                for (e, got) in evaluators.iter().zip(&together) {
                    let expected: Vec<bool> = shoppers.iter().map(|s| e.matches(s)).collect();
                    prop_assert_eq!(&bits(got), &expected, "{:?}", cs);
                }
            }
            // A table of only the attributes the conditions test answers the same.
            let mut read = vec![false; schema().len()];
            compiled.iter().for_each(|c| c.mark_slots(&mut read));
            let rows: Vec<&Shopper> = shoppers.iter().collect();
            let only = ColumnarTable::from_rows_reading(&schema(), &rows, &read);
            for (e, got) in evaluators.iter().zip(&only.evaluate_all(&evaluators)) {
                let expected: Vec<bool> = shoppers.iter().map(|s| e.matches(s)).collect();
                prop_assert_eq!(&bits(got), &expected, "{:?} reading {:?}", cs, read);
            }
        }
    }
}
