import { describe, expect, it } from "vitest";
import { byteToIndex, errorSpan } from "./position";

describe("error positions", () => {
  it("maps UTF-8 byte offsets to string indexes", () => {
    expect(byteToIndex("abc", 2)).toBe(2);
    // "é" is 2 bytes in UTF-8, 1 UTF-16 unit.
    expect(byteToIndex('x = "é" and', 8)).toBe(7);
  });

  it("cuts the error's line around the span", () => {
    const text = 'a = 1\nand cart_value > "x"';
    const start = text.indexOf('"x"');
    const s = errorSpan(text, { line: 2, column: 18, offset: start, end: start + 3 });
    expect(s.before).toBe("and cart_value > ");
    expect(s.marked).toBe('"x"');
    expect(s.after).toBe("");
  });
});
