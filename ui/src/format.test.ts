import { describe, expect, it } from "vitest";
import { clock, fieldText, parseFieldValue, seconds, when, words } from "./format";

describe("format", () => {
  it("shows durations as m:ss and h:mm:ss", () => {
    expect(clock(39_013)).toBe("0:39");
    expect(clock(3_725_000)).toBe("1:02:05");
    expect(seconds(420)).toBe("0.4 s");
    expect(seconds(95_000)).toBe("1:35");
  });

  it("shows a timestamp as the user's local date and time, and a bad one as it came", () => {
    const at = "2026-11-22T10:26:00Z";
    expect(when(at)).toBe(new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }));
    expect(when("yesterday")).toBe("yesterday");
  });

  it("turns labels into words", () => {
    expect(words("order_status")).toBe("Order status");
  });

  it("keeps a corrected field's type: numbers stay numbers, booleans stay booleans", () => {
    expect(parseFieldValue("$1,412.60", 99.5)).toBe(1412.6);
    expect(parseFieldValue("yes", false)).toBe(true);
    expect(parseFieldValue(" 7741932 ", "7741931")).toBe("7741932");
    expect(parseFieldValue("  ", "x")).toBeNull();
  });

  it("shows field values as text", () => {
    expect(fieldText(false)).toBe("no");
    expect(fieldText(412.6)).toBe("412.6");
    expect(fieldText(null)).toBe("");
  });
});
