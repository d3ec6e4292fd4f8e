import { describe, expect, it } from "vitest";
import { buildAutomaton, scan } from "../lambdas/core/classifier/automaton.ts";
import {
  normalise,
  normalisedString,
  normaliseTerm,
  sourceEnd,
} from "../lambdas/core/classifier/normalise.ts";
import { expandTerm } from "../lambdas/core/classifier/rules.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";

describe("normalise", () => {
  it("folds case, Latin diacritics, compatibility forms and dashes, and collapses whitespace", () => {
    expect(normaliseTerm("  Nord-Coréens   ont DÉROBÉ  ")).toBe("nord coreens ont derobe");
    expect(normaliseTerm("ＦＢＩ　Ｌａｚａｒｕｓ")).toBe("fbi lazarus"); // fullwidth letters and ideographic space
    expect(normaliseTerm("Geldwäsche über die Börse – Straße")).toBe("geldwasche uber die borse strasse");
    expect(normaliseTerm("state\u2011sponsored")).toBe("state sponsored");
    expect(normaliseTerm("Pyongyang’s")).toBe("pyongyang's");
  });

  it("keeps kana voicing marks and Hangul syllables intact", () => {
    expect(normaliseTerm("ドル")).toBe("ドル");
    expect(normaliseTerm("라자루스가")).toBe("라자루스가");
  });

  it("maps every normalised character back to its source span in the plain text", () => {
    const plain = "Ａ  é-x";
    const text = normalise(plain);
    expect(normalisedString(text)).toBe("a e x");
    const spans = Array.from({ length: text.length }, (_, i) =>
      plain.slice(text.starts[i], sourceEnd(plain, text.starts[i]!)),
    );
    expect(spans).toEqual(["Ａ", " ", "é", "-", "x"]);
    expect(sourceEnd("a😀", 1)).toBe(3);
  });

  it("says whether the input is already what htmlToText makes of it", () => {
    expect(normalise("Plain text, café – fine.").clean).toBe(true);
    for (const dirty of [
      " lead",
      "trail ",
      "two  spaces",
      "tab\there",
      "a &amp; b",
      "<b>x</b>",
      "nb\u00a0sp",
      "bell\u0007",
    ]) {
      expect(normalise(dirty).clean, JSON.stringify(dirty)).toBe(false);
    }
  });

  it("marks sentence starts after . ! ? and CJK full stops, but not inside $1.5", () => {
    const text = normalise("Lazarus stole $1.5 billion. FBI says so! 北朝鮮。盗難");
    const s = normalisedString(text);
    expect(text.sentenceStarts.map((i) => s.slice(i, i + 3))).toEqual(["fbi", "北朝鮮", "盗難"]);
  });
});

describe("automaton", () => {
  it("finds overlapping patterns in one pass, reporting suffix matches too", () => {
    const automaton = buildAutomaton(["he", "she", "his", "hers"]);
    const codes = Uint16Array.from("ushers", (c) => c.charCodeAt(0));
    expect(scan(automaton, codes, codes.length, [])).toEqual([1, 1, 4, 0, 2, 4, 3, 2, 6]);
  });

  it("rejects duplicate patterns", () => {
    expect(() => buildAutomaton(["hack", "hack"])).toThrow(/duplicate pattern "hack"/);
  });
});

describe("expandTerm", () => {
  it("expands {a,b} alternatives, including an empty one", () => {
    expect(expandTerm("hack{,s,ed}")).toEqual(["hack", "hacks", "hacked"]);
    expect(expandTerm("{a,b}x{1,2}")).toEqual(["ax1", "ax2", "bx1", "bx2"]);
  });
});

describe("htmlToText fast path for already-plain text", () => {
  // The reference: what htmlToText did for text without "<" or "&" before the fast path existed.
  const reference = (text: string) =>
    text
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, " ")
      .replace(/\s+/g, " ")
      .trim();

  it("gives exactly the reference result on random mixes of spaces, controls and letters", () => {
    const alphabet = [
      "a",
      "Z",
      "é",
      " ",
      "  ",
      "\t",
      "\n",
      "\u00a0",
      "\u0007",
      "\u0085",
      "\u3000",
      "\u2009",
      "北",
      "-",
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      let text = "";
      const length = next() % 12;
      for (let k = 0; k < length; k++) text += alphabet[next() % alphabet.length];
      expect(htmlToText(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
