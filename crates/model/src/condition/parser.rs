//! The text syntax → [`Condition`]: a hand-written lexer and recursive-descent
//! parser.
//!
//! ```text
//! condition := <empty> | or
//! or        := and ("or" and)*
//! and       := unary ("and" unary)*                 -- `and` binds tighter
//! unary     := "not" unary | "(" ")" | "(" or ")" | leaf
//! leaf      := STRING "in" ATTR                     -- sugar for `contains`
//!            | ATTR ("=" | "!=" | "<" | "<=" | ">" | ">=") value
//!            | ATTR "between" value "and" value
//!            | ATTR ("in" | "not_in") "[" values "]"
//!            | ATTR "contains" STRING | ATTR ("contains_any" | "contains_all") "[" strings "]"
//!            | ATTR "starts_with" STRING | ATTR ("is_null" | "is_not_null")
//!            | ATTR ("is_empty" | "is_not_empty")
//!            | ATTR ("before" | "after") DATE | ATTR "within_last" INT "days"
//! value     := STRING | NUMBER | "true" | "false"
//! ```
//!
//! The empty text is [`Condition::True`] ("everyone"); so is an empty group
//! `()`, which is how the printer writes a `True` nested inside another node.
//! A chain `a and b and c` is one n-ary node; parentheses are kept as written
//! (`a and (b and c)` is an `And` inside an `And`), so the printer can
//! reproduce the tree exactly.
//!
//! Keywords are lowercase and reserved: an attribute cannot be called `and`,
//! `days` or `true` (see [`is_attribute_name`]). Parsing never panics; nesting
//! deeper than [`MAX_DEPTH`] is an error rather than a stack overflow.

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use super::ast::{CmpOp, Condition, Literal};
use super::operator::Operator;
use crate::attribute::AttributeName;

/// How deeply `not` and parentheses may nest.
pub const MAX_DEPTH: usize = 64;

/// Reserved words of the text syntax (matched case-sensitively): the
/// operators written as words, and the words of the grammar.
pub const KEYWORDS: &[&str] = &KEYWORD_ARRAY;

const GRAMMAR_WORDS: [&str; 6] = ["and", "or", "not", "days", "true", "false"];

const KEYWORD_ARRAY: [&str; GRAMMAR_WORDS.len() + WORD_OPERATORS] = {
    let mut out = [""; GRAMMAR_WORDS.len() + WORD_OPERATORS];
    let mut n = 0;
    while n < GRAMMAR_WORDS.len() {
        out[n] = GRAMMAR_WORDS[n];
        n += 1;
    }
    let mut i = 0;
    while i < OPERATORS.len() {
        if i >= SYMBOLS {
            out[n] = OPERATORS[i];
            n += 1;
        }
        i += 1;
    }
    out
};

/// `=` `!=` `<` `<=` `>` `>=` lead [`Operator::ALL`]; the rest are words.
const SYMBOLS: usize = 6;
const WORD_OPERATORS: usize = Operator::ALL.len() - SYMBOLS;

/// Every operator's keyword, for "expected …" in errors.
const OPERATORS: [&str; Operator::ALL.len()] = {
    let mut out = [""; Operator::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = Operator::ALL[i].keyword();
        i += 1;
    }
    out
};

const VALUE: &str = "a value (string, number, true/false)";

/// A syntax error, with the position the editor should highlight.
#[derive(Clone, Debug, PartialEq, Serialize, TS, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
#[ts(export)]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset where the offending token starts.
    pub offset: usize,
    /// Byte offset where it ends (equal to `offset` at the end of input).
    pub end: usize,
    pub message: String,
    /// What would have been accepted here, e.g. `["and", "or", ")"]`.
    pub expected: Vec<String>,
}

impl ParseError {
    fn new(text: &str, span: Span, message: String, expected: &[&str]) -> Self {
        let (line, column) = line_column(text, span.start);
        Self {
            line,
            column,
            offset: span.start,
            end: span.end,
            message,
            expected: expected.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// A byte range in the condition text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    fn to(self, other: Span) -> Span {
        Span { start: self.start, end: other.end }
    }
}

/// Where each node of a parsed condition came from. The tree mirrors the
/// [`Condition`] tree, so a path of child indices (as in
/// [`TypeError::path`](super::TypeError::path)) finds a node's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceMap {
    /// The whole node.
    pub span: Option<Span>,
    /// A leaf's attribute name.
    pub attr: Option<Span>,
    /// A leaf's operator keyword or symbol.
    pub op: Option<Span>,
    /// A leaf's literals, in AST order (`between`: low, high).
    pub values: Vec<Span>,
    pub children: Vec<SourceMap>,
}

impl SourceMap {
    /// The node at `path`, if the text has one there.
    pub fn node(&self, path: &[usize]) -> Option<&SourceMap> {
        path.iter().try_fold(self, |node, &i| node.children.get(i))
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether `name` can be written as an attribute in the text syntax.
pub fn is_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
}

/// Parses a date literal in the printed form (`YYYY-MM-DD`; jiff's
/// `-YYYYYY-MM-DD` outside years 0–9999). Anything else, such as a time of
/// day, is refused so that dates round-trip through text exactly.
pub fn parse_date(s: &str) -> Result<Date, String> {
    match s.parse::<Date>() {
        Ok(d) if d.to_string() == s => Ok(d),
        Ok(_) => Err(format!("invalid date \"{s}\": write it as YYYY-MM-DD")),
        Err(e) => Err(format!("invalid date \"{s}\": {e}")),
    }
}

/// Parses the text syntax. The empty text is [`Condition::True`].
pub fn parse(text: &str) -> Result<Condition, ParseError> {
    parse_with_source_map(text).map(|(c, _)| c)
}

/// Like [`parse`], also returning where each node came from.
pub fn parse_with_source_map(text: &str) -> Result<(Condition, SourceMap), ParseError> {
    let mut p = Parser::new(text)?;
    if p.tok.kind == Tok::Eof {
        return Ok((Condition::True, SourceMap::default()));
    }
    let parsed = p.or()?;
    if p.tok.kind != Tok::Eof {
        return Err(p.unexpected("and, or or the end of the condition", &["and", "or"]));
    }
    Ok(parsed)
}

// ---------------------------------------------------------------- lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    Str(String),
    Num(f64),
    Cmp(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Eof,
}

#[derive(Clone, Debug)]
struct Token<'a> {
    kind: Tok<'a>,
    span: Span,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek_char(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, start: usize, message: String) -> ParseError {
        let end = self.pos.max(start);
        ParseError::new(self.text, Span { start, end }, message, &[])
    }

    fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        while self.peek_char().is_some_and(char::is_whitespace) {
            self.bump();
        }
        let start = self.pos;
        let Some(c) = self.bump() else {
            let span = Span { start, end: start };
            return Ok(Token { kind: Tok::Eof, span });
        };
        let kind = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '=' => Tok::Cmp(CmpOp::Eq),
            '<' | '>' | '!' => {
                let or_equal = self.peek_char() == Some('=');
                if or_equal {
                    self.bump();
                }
                Tok::Cmp(match (c, or_equal) {
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('>', false) => CmpOp::Gt,
                    ('>', true) => CmpOp::Ge,
                    ('!', true) => CmpOp::Ne,
                    _ => return Err(self.error(start, "unexpected \"!\"; did you mean \"!=\"?".into())),
                })
            }
            '"' => Tok::Str(self.string(start)?),
            '-' | '0'..='9' => Tok::Num(self.number(start)?),
            c if c.is_ascii_alphabetic() || c == '_' => {
                while self.peek_char().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.bump();
                }
                Tok::Word(&self.text[start..self.pos])
            }
            c => return Err(self.error(start, format!("unexpected character {c:?}"))),
        };
        Ok(Token { kind, span: Span { start, end: self.pos } })
    }

    /// The rest of a string literal after its opening quote.
    fn string(&mut self, start: usize) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None | Some('\n') => {
                    self.pos = at;
                    return Err(self.error(
                        start,
                        "unterminated string (a string ends on its line; write a newline as \\n)"
                            .into(),
                    ));
                }
                Some('"') => return Ok(out),
                Some('\\') => out.push(self.escape(at)?),
                Some(c) => out.push(c),
            }
        }
    }

    fn escape(&mut self, start: usize) -> Result<char, ParseError> {
        Ok(match self.bump() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('u') => {
                let high = self.hex4(start)?;
                if (0xD800..0xDC00).contains(&high) {
                    // A UTF-16 surrogate pair, as JSON writes astral characters.
                    if !self.text[self.pos..].starts_with("\\u") {
                        return Err(self.error(start, "unpaired surrogate in \\u escape".into()));
                    }
                    self.pos += 2;
                    let low = self.hex4(start)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error(start, "unpaired surrogate in \\u escape".into()));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.error(start, "invalid \\u escape".into()))?
                } else {
                    char::from_u32(high)
                        .ok_or_else(|| self.error(start, "unpaired surrogate in \\u escape".into()))?
                }
            }
            Some(_) => {
                return Err(self.error(
                    start,
                    "unknown escape; use \\\" \\\\ \\n \\t \\r or \\uXXXX".into(),
                ));
            }
            None => return Err(self.error(start, "unterminated string".into())),
        })
    }

    fn hex4(&mut self, start: usize) -> Result<u32, ParseError> {
        let digits = self.text[self.pos..].get(..4).filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(self.error(start, "\\u must be followed by four hex digits".into()));
        };
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error(start, "invalid \\u escape".into()))
    }

    /// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the first character consumed.
    fn number(&mut self, start: usize) -> Result<f64, ParseError> {
        let digits = |lx: &mut Self| {
            let from = lx.pos;
            while lx.peek_char().is_some_and(|c| c.is_ascii_digit()) {
                lx.bump();
            }
            lx.pos > from
        };
        let bad = |lx: &Self| lx.error(start, "malformed number".into());
        if self.text[start..].starts_with('-') && !digits(self) {
            return Err(bad(self));
        }
        digits(self);
        if self.peek_char() == Some('.') {
            self.bump();
            if !digits(self) {
                return Err(bad(self));
            }
        }
        if matches!(self.peek_char(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek_char(), Some('+' | '-')) {
                self.bump();
            }
            if !digits(self) {
                return Err(bad(self));
            }
        }
        // `80abc` is a typo, not the number 80 followed by an attribute.
        if self.peek_char().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            while self.peek_char().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                self.bump();
            }
            return Err(bad(self));
        }
        let value: f64 = self.text[start..self.pos].parse().map_err(|_| bad(self))?;
        if !value.is_finite() {
            return Err(self.error(start, "number is too large".into()));
        }
        Ok(value)
    }
}

// ---------------------------------------------------------------- parser

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// One token of lookahead; lexing lazily keeps the first error (by
    /// position) the one reported.
    tok: Token<'a>,
    /// End of the last consumed token: where the node being built ends.
    last_end: usize,
    depth: usize,
}

type Parsed = (Condition, SourceMap);

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self, ParseError> {
        let mut lexer = Lexer { text, pos: 0 };
        let tok = lexer.next_token()?;
        Ok(Self { lexer, tok, last_end: 0, depth: 0 })
    }

    fn text(&self) -> &'a str {
        self.lexer.text
    }

    fn since(&self, start: Span) -> Option<Span> {
        Some(Span { start: start.start, end: self.last_end })
    }

    fn advance(&mut self) -> Result<Token<'a>, ParseError> {
        let next = self.lexer.next_token()?;
        let consumed = std::mem::replace(&mut self.tok, next);
        self.last_end = consumed.span.end;
        Ok(consumed)
    }

    fn at_word(&self, word: &str) -> bool {
        self.tok.kind == Tok::Word(word)
    }

    fn expect_word(&mut self, word: &str) -> Result<Span, ParseError> {
        if self.at_word(word) {
            Ok(self.advance()?.span)
        } else {
            Err(self.unexpected(word, &[word]))
        }
    }

    /// "expected {what}, found {current token}".
    fn unexpected(&self, what: &str, expected: &[&str]) -> ParseError {
        let found = match &self.tok.kind {
            Tok::Eof => "end of input".to_owned(),
            Tok::Str(_) => format!("the string {}", &self.text()[self.tok.span.start..self.tok.span.end]),
            Tok::Word(w) if KEYWORDS.contains(&w.to_lowercase().as_str()) && !KEYWORDS.contains(w) => {
                format!("\"{w}\" (keywords are lowercase)")
            }
            _ => format!("\"{}\"", &self.text()[self.tok.span.start..self.tok.span.end]),
        };
        ParseError::new(self.text(), self.tok.span, format!("expected {what}, found {found}"), expected)
    }

    fn or(&mut self) -> Result<Parsed, ParseError> {
        self.chain("or", Self::and, Condition::Or)
    }

    fn and(&mut self) -> Result<Parsed, ParseError> {
        self.chain("and", Self::unary, Condition::And)
    }

    /// `operand (keyword operand)*` as one n-ary node.
    fn chain(
        &mut self,
        keyword: &str,
        operand: fn(&mut Self) -> Result<Parsed, ParseError>,
        node: fn(Vec<Condition>) -> Condition,
    ) -> Result<Parsed, ParseError> {
        let start = self.tok.span;
        let first = operand(self)?;
        if !self.at_word(keyword) {
            return Ok(first);
        }
        let (mut conds, mut maps) = (vec![first.0], vec![first.1]);
        while self.at_word(keyword) {
            self.advance()?;
            let (c, m) = operand(self)?;
            conds.push(c);
            maps.push(m);
        }
        let map = SourceMap { span: self.since(start), children: maps, ..SourceMap::default() };
        Ok((node(conds), map))
    }

    fn unary(&mut self) -> Result<Parsed, ParseError> {
        let start = self.tok.span;
        let opens_level = self.at_word("not") || self.tok.kind == Tok::LParen;
        if !opens_level {
            return self.leaf();
        }
        if self.depth >= MAX_DEPTH {
            let message = format!("the condition nests too deeply (more than {MAX_DEPTH} levels)");
            return Err(ParseError::new(self.text(), start, message, &[]));
        }
        self.depth += 1;
        let parsed = if self.at_word("not") {
            self.advance()?;
            let (c, m) = self.unary()?;
            let map = SourceMap { span: self.since(start), children: vec![m], ..SourceMap::default() };
            (Condition::Not(Box::new(c)), map)
        } else {
            self.advance()?;
            if self.tok.kind == Tok::RParen {
                // `()` is the empty condition, i.e. `True`, inside a larger one.
                self.advance()?;
                let map = SourceMap { span: self.since(start), ..SourceMap::default() };
                (Condition::True, map)
            } else {
                let inner = self.or()?;
                if self.tok.kind != Tok::RParen {
                    return Err(self.unexpected("and, or or \")\"", &["and", "or", ")"]));
                }
                self.advance()?;
                inner
            }
        };
        self.depth -= 1;
        Ok(parsed)
    }

    fn leaf(&mut self) -> Result<Parsed, ParseError> {
        const WHAT: &str = "a condition (an attribute, \"not\" or \"(\")";
        match self.tok.kind.clone() {
            Tok::Str(value) => {
                // `"running" in viewed_categories` is sugar for `contains`.
                let value_span = self.advance()?.span;
                let op = self.expect_word("in")?;
                let (attr, attr_span) = self.attribute()?;
                let mut map = self.leaf_map(attr_span, op, vec![value_span]);
                map.span = Some(value_span.to(attr_span));
                Ok((Condition::Contains { attr, value }, map))
            }
            Tok::Word(w) if !KEYWORDS.contains(&w) => {
                let (attr, attr_span) = self.attribute()?;
                self.operation(attr, attr_span)
            }
            _ => Err(self.unexpected(WHAT, &["an attribute", "not", "("])),
        }
    }

    fn attribute(&mut self) -> Result<(AttributeName, Span), ParseError> {
        match self.tok.kind {
            Tok::Word(w) if !KEYWORDS.contains(&w) => {
                let span = self.advance()?.span;
                Ok((AttributeName(w.to_owned()), span))
            }
            _ => Err(self.unexpected("an attribute name", &["an attribute"])),
        }
    }

    /// Everything after the attribute of a leaf.
    fn operation(&mut self, attr: AttributeName, attr_span: Span) -> Result<Parsed, ParseError> {
        let op_span = self.tok.span;
        let op = match self.tok.kind {
            Tok::Cmp(op) => {
                self.advance()?;
                let (value, v) = self.value()?;
                let map = self.leaf_map(attr_span, op_span, vec![v]);
                return Ok((Condition::Compare { attr, op, value }, map));
            }
            Tok::Word(w) => Operator::from_keyword(w),
            _ => None,
        };
        let Some(op) = op else {
            return Err(self.unexpected("an operator such as =, in, contains or is_null", &OPERATORS));
        };
        self.advance()?;
        let (cond, values) = match op {
            Operator::Between => {
                let (low, l) = self.value()?;
                self.expect_word("and")?;
                let (high, h) = self.value()?;
                (Condition::Between { attr, low, high }, vec![l, h])
            }
            Operator::In | Operator::NotIn => {
                let (values, spans) = self.list(Self::value)?;
                if op == Operator::In {
                    (Condition::In { attr, values }, spans)
                } else {
                    (Condition::NotIn { attr, values }, spans)
                }
            }
            Operator::Contains | Operator::StartsWith => {
                let (value, v) = self.string()?;
                if op == Operator::Contains {
                    (Condition::Contains { attr, value }, vec![v])
                } else {
                    (Condition::StartsWith { attr, value }, vec![v])
                }
            }
            Operator::ContainsAny | Operator::ContainsAll => {
                let (values, spans) = self.list(Self::string)?;
                if op == Operator::ContainsAny {
                    (Condition::ContainsAny { attr, values }, spans)
                } else {
                    (Condition::ContainsAll { attr, values }, spans)
                }
            }
            Operator::IsNull => (Condition::IsNull { attr }, vec![]),
            Operator::IsNotNull => (Condition::IsNotNull { attr }, vec![]),
            Operator::IsEmpty => (Condition::IsEmpty { attr }, vec![]),
            Operator::IsNotEmpty => (Condition::IsNotEmpty { attr }, vec![]),
            Operator::Before | Operator::After => {
                let (text, v) = self.string()?;
                let date = parse_date(&text)
                    .map_err(|message| ParseError::new(self.text(), v, message, &["a date \"YYYY-MM-DD\""]))?;
                if op == Operator::Before {
                    (Condition::Before { attr, date }, vec![v])
                } else {
                    (Condition::After { attr, date }, vec![v])
                }
            }
            Operator::WithinLast => {
                let (days, v) = self.day_count()?;
                let unit = self.expect_word("days")?;
                (Condition::WithinLast { attr, days }, vec![v.to(unit)])
            }
            // Symbols are lexed as `Tok::Cmp` above, never as words.
            Operator::Eq | Operator::Ne | Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge => {
                return Err(self.unexpected("an operator", &OPERATORS));
            }
        };
        Ok((cond, self.leaf_map(attr_span, op_span, values)))
    }

    fn value(&mut self) -> Result<(Literal, Span), ParseError> {
        let literal = match &self.tok.kind {
            Tok::Str(s) => Literal::String(s.clone()),
            Tok::Num(n) => Literal::Number(*n),
            Tok::Word("true") => Literal::Bool(true),
            Tok::Word("false") => Literal::Bool(false),
            _ => return Err(self.unexpected(VALUE, &[VALUE])),
        };
        Ok((literal, self.advance()?.span))
    }

    fn string(&mut self) -> Result<(String, Span), ParseError> {
        match &self.tok.kind {
            Tok::Str(s) => {
                let s = s.clone();
                Ok((s, self.advance()?.span))
            }
            _ => Err(self.unexpected("a string in double quotes", &["a string"])),
        }
    }

    fn day_count(&mut self) -> Result<(u32, Span), ParseError> {
        if let Tok::Num(n) = self.tok.kind
            && n.fract() == 0.0
            && (0.0..=f64::from(u32::MAX)).contains(&n)
        {
            // In range and whole, so the cast is exact.
            let days = n as u32;
            return Ok((days, self.advance()?.span));
        }
        Err(self.unexpected("a whole number of days", &["a number of days"]))
    }

    /// `"[" item ("," item)* ","? "]"`, possibly empty.
    fn list<T>(
        &mut self,
        item: fn(&mut Self) -> Result<(T, Span), ParseError>,
    ) -> Result<(Vec<T>, Vec<Span>), ParseError> {
        if self.tok.kind != Tok::LBracket {
            return Err(self.unexpected("a list in square brackets", &["["]));
        }
        self.advance()?;
        let (mut items, mut spans) = (Vec::new(), Vec::new());
        while self.tok.kind != Tok::RBracket {
            let (v, s) = item(self)?;
            items.push(v);
            spans.push(s);
            match self.tok.kind {
                Tok::Comma => {
                    self.advance()?;
                }
                Tok::RBracket => {}
                _ => return Err(self.unexpected("\",\" or \"]\"", &[",", "]"])),
            }
        }
        self.advance()?;
        Ok((items, spans))
    }

    fn leaf_map(&self, attr: Span, op: Span, values: Vec<Span>) -> SourceMap {
        SourceMap {
            span: self.since(attr),
            attr: Some(attr),
            op: Some(op),
            values,
            children: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn attr(name: &str) -> AttributeName {
        AttributeName(name.to_owned())
    }

    fn cmp(name: &str, op: CmpOp, value: Literal) -> Condition {
        Condition::Compare { attr: attr(name), op, value }
    }

    fn ok(text: &str) -> Condition {
        parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("should not parse")
    }

    #[test]
    fn empty_text_is_everyone() {
        assert_eq!(ok(""), Condition::True);
        assert_eq!(ok("  \n\t "), Condition::True);
        assert_eq!(ok("()"), Condition::True);
    }

    #[test]
    fn comparison_operators() {
        let n = |x: f64| Literal::Number(x);
        assert_eq!(ok("cart_value = 80"), cmp("cart_value", CmpOp::Eq, n(80.0)));
        assert_eq!(ok("cart_value != 80"), cmp("cart_value", CmpOp::Ne, n(80.0)));
        assert_eq!(ok("cart_value < -1.5"), cmp("cart_value", CmpOp::Lt, n(-1.5)));
        assert_eq!(ok("cart_value<=1e3"), cmp("cart_value", CmpOp::Le, n(1000.0)));
        assert_eq!(ok("cart_value > 0.25"), cmp("cart_value", CmpOp::Gt, n(0.25)));
        assert_eq!(ok("cart_value >= 2E-2"), cmp("cart_value", CmpOp::Ge, n(0.02)));
        assert_eq!(ok("Revenue = true"), cmp("Revenue", CmpOp::Eq, Literal::Bool(true)));
        assert_eq!(ok("Weekend != false"), cmp("Weekend", CmpOp::Ne, Literal::Bool(false)));
        assert_eq!(
            ok(r#"VisitorType = "Returning_Visitor""#),
            cmp("VisitorType", CmpOp::Eq, Literal::String("Returning_Visitor".into()))
        );
    }

    #[test]
    fn between_in_and_not_in() {
        assert_eq!(
            ok("age between 18 and 30"),
            Condition::Between { attr: attr("age"), low: Literal::Number(18.0), high: Literal::Number(30.0) }
        );
        assert_eq!(
            ok(r#"device in ["mobile", "tablet",]"#),
            Condition::In {
                attr: attr("device"),
                values: vec![Literal::String("mobile".into()), Literal::String("tablet".into())]
            }
        );
        assert_eq!(
            ok("region not_in [1, 2]"),
            Condition::NotIn { attr: attr("region"), values: vec![Literal::Number(1.0), Literal::Number(2.0)] }
        );
        assert_eq!(ok("region in []"), Condition::In { attr: attr("region"), values: vec![] });
    }

    #[test]
    fn list_operators_and_in_sugar() {
        let contains = Condition::Contains { attr: attr("viewed"), value: "running".into() };
        assert_eq!(ok(r#"viewed contains "running""#), contains);
        assert_eq!(ok(r#""running" in viewed"#), contains);
        assert_eq!(
            ok(r#"viewed contains_any ["a", "b"]"#),
            Condition::ContainsAny { attr: attr("viewed"), values: vec!["a".into(), "b".into()] }
        );
        assert_eq!(
            ok(r#"viewed contains_all ["a"]"#),
            Condition::ContainsAll { attr: attr("viewed"), values: vec!["a".into()] }
        );
    }

    #[test]
    fn string_null_and_date_operators() {
        assert_eq!(
            ok(r#"email starts_with "vip+""#),
            Condition::StartsWith { attr: attr("email"), value: "vip+".into() }
        );
        assert_eq!(ok("email is_null"), Condition::IsNull { attr: attr("email") });
        assert_eq!(ok("email is_not_null"), Condition::IsNotNull { attr: attr("email") });
        assert_eq!(ok("saved_items is_empty"), Condition::IsEmpty { attr: attr("saved_items") });
        assert_eq!(ok("saved_items is_not_empty"), Condition::IsNotEmpty { attr: attr("saved_items") });
        assert_eq!(
            ok("not saved_items is_empty"),
            Condition::Not(Box::new(Condition::IsEmpty { attr: attr("saved_items") }))
        );
        let date = Date::constant(2026, 1, 1);
        assert_eq!(ok(r#"signup before "2026-01-01""#), Condition::Before { attr: attr("signup"), date });
        assert_eq!(ok(r#"signup after "2026-01-01""#), Condition::After { attr: attr("signup"), date });
        assert_eq!(
            ok("last_order within_last 30 days"),
            Condition::WithinLast { attr: attr("last_order"), days: 30 }
        );
    }

    #[test]
    fn and_binds_tighter_than_or_and_chains_are_flat() {
        let leaf = |n: &str| Condition::IsNull { attr: attr(n) };
        assert_eq!(
            ok("a is_null or b is_null and c is_null or d is_null"),
            Condition::Or(vec![leaf("a"), Condition::And(vec![leaf("b"), leaf("c")]), leaf("d")])
        );
        assert_eq!(
            ok("a is_null and b is_null and c is_null"),
            Condition::And(vec![leaf("a"), leaf("b"), leaf("c")])
        );
        assert_eq!(
            ok("a is_null and (b is_null and c is_null)"),
            Condition::And(vec![leaf("a"), Condition::And(vec![leaf("b"), leaf("c")])])
        );
        assert_eq!(
            ok("not not a is_null"),
            Condition::Not(Box::new(Condition::Not(Box::new(leaf("a")))))
        );
        assert_eq!(
            ok("not (a is_null or b is_null)"),
            Condition::Not(Box::new(Condition::Or(vec![leaf("a"), leaf("b")])))
        );
    }

    #[test]
    fn design_example_parses() {
        let c = ok(r#"visitor_type = "returning" and device in ["mobile", "tablet"]
  and (cart_value > 80 or "running" in viewed_categories)
  and not days_since_last_order between 60 and 180"#);
        let Condition::And(parts) = &c else { panic!("expected and, got {c:?}") };
        assert_eq!(parts.len(), 4);
        assert!(matches!(&parts[2], Condition::Or(cs) if cs.len() == 2));
        assert!(matches!(&parts[3], Condition::Not(inner) if matches!(**inner, Condition::Between { .. })));
    }

    #[test]
    fn string_escapes() {
        let c = ok(r#"name = "a\"b\\c\nd\te\u00e9\ud83d\ude00/\/""#);
        assert_eq!(c, cmp("name", CmpOp::Eq, Literal::String("a\"b\\c\nd\te\u{e9}\u{1F600}//".into())));
        assert_eq!(ok("name = \"日本\""), cmp("name", CmpOp::Eq, Literal::String("日本".into())));
    }

    #[test]
    fn missing_value_is_reported_at_the_end_of_input() {
        let e = err("cart_value > ");
        assert_eq!((e.line, e.column, e.offset, e.end), (1, 14, 13, 13));
        assert_eq!(e.to_string(), "line 1, column 14: expected a value (string, number, true/false), found end of input");
        assert_eq!(e.expected, vec![VALUE.to_owned()]);
    }

    #[test]
    fn unexpected_token_is_quoted() {
        let e = err("(cart_value > )");
        assert_eq!(e.to_string(), "line 1, column 15: expected a value (string, number, true/false), found \")\"");
        assert_eq!((e.offset, e.end), (14, 15));
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let e = err("a = 1\n  and é = 2");
        assert_eq!((e.line, e.column, e.offset), (2, 7, 12));
        assert!(e.message.contains("unexpected character 'é'"), "{}", e.message);
        let e = err("a = \"é\" and\n\n   b ~ 2");
        assert_eq!((e.line, e.column), (3, 6));
    }

    #[test]
    fn keywords_are_the_grammar_words_and_the_word_operators() {
        let words = [
            "and", "or", "not", "in", "not_in", "between", "contains", "contains_any", "contains_all",
            "starts_with", "is_null", "is_not_null", "is_empty", "is_not_empty", "before", "after",
            "within_last", "days", "true", "false",
        ];
        for w in words {
            assert!(KEYWORDS.contains(&w), "{w}");
        }
        assert_eq!(KEYWORDS.len(), words.len());
        assert!(!KEYWORDS.contains(&"="));
        let e = err("saved_items is_blank");
        assert!(e.expected.iter().any(|x| x == "is_not_empty"), "{:?}", e.expected);
        assert!(e.expected.iter().any(|x| x == "<="), "{:?}", e.expected);
    }

    #[test]
    fn common_mistakes_have_helpful_messages() {
        assert!(err("a = 1 AND b = 2").message.contains("keywords are lowercase"));
        assert!(err("a == 1").message.contains("expected a value"));
        assert!(err("a ! 1").message.contains("did you mean \"!=\""));
        assert!(err("a = \"open").message.contains("unterminated string"));
        assert!(err("a = \"x\\q\"").message.contains("unknown escape"));
        assert!(err("a = 80abc").message.contains("malformed number"));
        assert!(err("a = 1e999").message.contains("too large"));
        assert!(err(r#"d before "2026-13-01""#).message.contains("invalid date"));
        assert!(err(r#"d before "2026-01-01T10:00""#).message.contains("YYYY-MM-DD"));
        assert!(err("d within_last 1.5 days").message.contains("whole number of days"));
        assert!(err("d within_last 3").message.contains("expected days"));
        assert!(err("a = 1 b = 2").message.contains("expected and, or or the end"));
        assert!(err("(a = 1").message.contains("expected and, or or \")\""));
        assert!(err("and = 1").message.contains("expected a condition"));
        assert!(err("a foo 1").message.contains("expected an operator"));
        assert!(err("a in [1 2]").message.contains("expected \",\" or \"]\""));
        assert!(err("a contains 1").message.contains("a string in double quotes"));
        assert!(err("\"x\" in [\"y\"]").message.contains("an attribute name"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}a is_null{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&deep).message.contains("nests too deeply"));
        let nots = format!("{}a is_null", "not ".repeat(10_000));
        assert!(err(&nots).message.contains("nests too deeply"));
        let ok_depth = format!("{}a is_null{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok_depth).is_ok());
    }

    #[test]
    fn source_map_points_at_leaf_parts() {
        let text = r#"a = 1 and not b in ["x", "y"]"#;
        let (_, map) = parse_with_source_map(text).unwrap();
        let leaf = map.node(&[1, 0]).unwrap();
        let slice = |s: Option<Span>| s.map(|s| &text[s.start..s.end]);
        assert_eq!(slice(leaf.attr), Some("b"));
        assert_eq!(slice(leaf.op), Some("in"));
        assert_eq!(slice(leaf.values.get(1).copied()), Some("\"y\""));
        assert_eq!(slice(leaf.span), Some(r#"b in ["x", "y"]"#));
        assert_eq!(slice(map.node(&[1]).unwrap().span), Some(r#"not b in ["x", "y"]"#));
        assert_eq!(slice(map.span), Some(text));
    }

    #[test]
    fn attribute_names() {
        assert!(is_attribute_name("VisitorType"));
        assert!(is_attribute_name("_x1"));
        assert!(!is_attribute_name("is_empty"));
        assert!(!is_attribute_name("is_not_empty"));
        assert!(!is_attribute_name("1x"));
        assert!(!is_attribute_name("days"));
        assert!(!is_attribute_name(""));
        assert!(!is_attribute_name("a-b"));
    }

    /// Token soup: fragments of valid syntax in random order, to reach deep
    /// into the parser rather than failing at the first character.
    fn token_soup() -> impl Strategy<Value = String> {
        let tokens = prop::sample::select(vec![
            "a", "VisitorType", "(", ")", "[", "]", ",", "=", "!=", "<", "<=", ">", ">=", "!",
            "\"x\"", "\"2026-01-01\"", "\"", "\\", "1", "-1.5", "1e3", "-", "1e999", "and", "or",
            "not", "in", "not_in", "between", "contains", "contains_any", "contains_all",
            "starts_with", "is_null", "is_not_null", "is_empty", "is_not_empty", "before", "after",
            "within_last", "days",
            "true", "false", "é", "\n", "\"\\u", "\\ud800",
        ]);
        prop::collection::vec(tokens, 0..40).prop_map(|t| t.join(" "))
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn parse_never_panics_on_token_soup(text in token_soup()) {
            if let Err(e) = parse(&text) {
                prop_assert!(e.offset <= e.end && e.end <= text.len());
                prop_assert!(text.is_char_boundary(e.offset) && text.is_char_boundary(e.end));
            }
        }
    }
}
