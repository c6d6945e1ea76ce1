// Mapping an error position from Rust (byte offsets into the UTF-8 text) to
// the JavaScript string the user typed.
import type { TextPosition } from "../bindings/TextPosition";

/** UTF-16 index of a UTF-8 byte offset (clamped to the text). */
export function byteToIndex(text: string, byte: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byte) {
    const cp = text.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

export interface ErrorSpan {
  /** Start and end indexes in the text (end > start unless the text is empty). */
  start: number;
  end: number;
  /** The whole line holding the start, split around the span. */
  before: string;
  marked: string;
  after: string;
}

/** The span to underline for an error position. */
export function errorSpan(text: string, pos: TextPosition): ErrorSpan {
  const start = Math.min(byteToIndex(text, pos.offset), text.length);
  let end = Math.max(start, Math.min(byteToIndex(text, pos.end), text.length));
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = text.indexOf("\n", start);
  if (lineEnd === -1) lineEnd = text.length;
  if (end > lineEnd) end = lineEnd;
  const line = text.slice(lineStart, lineEnd);
  const s = start - lineStart;
  const e = end - lineStart;
  // An empty span (e.g. "unexpected end of input") marks one blank cell.
  const marked = e > s ? line.slice(s, e) : "";
  return { start, end, before: line.slice(0, s), marked, after: line.slice(e) };
}
