/**
 * The vocabulary and rules added so the classifier generalises beyond the dev set: theft
 * synonyms, more ways to name the state, money context, negations that rule an actor out, and
 * phrases where a theft verb or a state name does not mean a state theft of money.
 */
import { describe, expect, it } from "vitest";
import {
  classify,
  DEFAULT_RULES,
  explainClassification,
  loadRules,
  RulesError,
} from "../lambdas/core/classifier/classify.ts";
import { findAmounts } from "../lambdas/core/classifier/amounts.ts";
import type { Classification } from "../lambdas/core/model/types.ts";

const groupsOf = (c: Classification) => new Set(c.matched.filter((m) => m.weight !== 0).map((m) => m.group));
const textsIn = (c: Classification, group: string) =>
  c.matched.filter((m) => m.group === group).map((m) => m.text);

describe("theft synonyms", () => {
  it.each([
    ["Pyongyang-linked hackers swiped $41 million from crypto casino", "swiped"],
    ["Exchange hot wallet pilfered of $43m by Lazarus", "pilfered"],
    ["North Korean hackers made off with $100 million from a bridge", "made off with"],
    ["Lazarus purloined bitcoin from an exchange", "purloined"],
  ])("flags %j through the theft word %j", (title, word) => {
    const c = classify({ title });
    expect(c.flagged).toBe(true);
    expect(textsIn(c, "theft")).toContain(word);
  });

  it("reads a hot wallet raid and a platform that loses money as incidents, given money context", () => {
    const c = classify({
      title: "Crypto payment processor loses USD 60m in hot wallet raid attributed to Lazarus",
    });
    expect(c.flagged).toBe(true);
    expect(textsIn(c, "incident")).toEqual(["loses", "raid"]);
    expect(c.amountUsd).toBe(60_000_000);
  });

  it("does not read a lost election or a police raid as theft when no money is in play", () => {
    const c = classify({ title: "Kim Jong Un's party lost seats after a police raid on opposition offices" });
    expect(c.flagged).toBe(false);
    expect(textsIn(c, "incident").length).toBeGreaterThan(0);
    expect(c.matched.filter((m) => m.group === "incident").every((m) => m.weight === 0)).toBe(true);
  });

  it.each([
    ["es", "Hackers norcoreanos saquearon un exchange de criptomonedas"],
    ["de", "Nordkoreanische Hacker haben Bitcoin von einer Kryptobörse geklaut"],
    ["fr", "Des pirates nord-coréens ont pillé un portefeuille crypto"],
    ["zh", "朝鲜黑客卷走交易所加密货币"],
    ["ko", "북한 해커, 거래소 가상자산 가로채"],
    ["ja", "北朝鮮のハッカーが暗号資産を窃盗"],
  ])("flags a %s headline with a newly added theft verb", (_lang, title) => {
    expect(classify({ title }).flagged).toBe(true);
  });
});

describe("ways to name the state", () => {
  it.each([
    ["Hermit Kingdom hackers pull off biggest crypto heist", "DPRK"],
    ["N. Korean hackers stole $5m from a bank", "DPRK"],
    ["Kim Jong Un's hackers drained a crypto bridge", "DPRK"],
    ["Regime-backed hackers siphoned $30m from an exchange", "state-sponsored"],
    ["Beijing-backed hackers stole $20 million in relief funds", "state-sponsored"],
  ])("%j names %s", (title, actor) => {
    const c = classify({ title });
    expect(c.actors).toContain(actor);
    expect(c.flagged).toBe(true);
  });

  it("knows vendor aliases of the units (TA444, Moonstone Sleet, Winnti)", () => {
    expect(classify({ title: "TA444 drained a crypto exchange's hot wallet" }).actors).toEqual([
      "BlueNoroff",
    ]);
    expect(classify({ title: "Moonstone Sleet stole crypto from a game studio" }).actors).toEqual([
      "Moonstone Sleet",
    ]);
    expect(classify({ title: "Winnti hackers stole $20 million in benefits funds" }).actors).toEqual([
      "APT41",
    ]);
  });
});

describe("money context", () => {
  it("counts won, yen, pounds and a casino as money even without a dollar amount", () => {
    for (const title of [
      "North Korean hackers stole 100 billion won from a platform",
      "Lazarus stole 48 billion yen",
      "DPRK hackers stole £2m",
      "Lazarus swiped coins from an online casino",
    ]) {
      const c = classify({ title });
      expect(groupsOf(c).has("money"), title).toBe(true);
      expect(c.flagged, title).toBe(true);
    }
  });
});

describe("an actor the text rules out", () => {
  it("does not flag 'no evidence of North Korean involvement' and reports no actor", () => {
    const x = explainClassification({
      title: "No evidence of North Korean involvement in exchange hack, investigators say",
      summary: "The $11 million theft appears to be the work of an insider.",
    });
    expect(x.classification.flagged).toBe(false);
    expect(x.classification.actors).toEqual([]);
    expect(x.classification.attribution).toBeNull();
    expect(x.reasons.join("\n")).toContain('the text rules out "North Korean"');
  });

  it.each([
    "Hack bears none of the hallmarks of Lazarus, analysts say; $4.5m taken from lending protocol",
    "Hackers steal $3 million from blockchain game; Lazarus not behind it, says founder",
    "Investigators say $8m bridge exploit was not the work of North Korea",
  ])("does not flag %j", (title) => {
    expect(classify({ title }).flagged).toBe(false);
  });

  it("still flags a theft when the negation, later in the sentence, is about something else", () => {
    const c = classify({
      title:
        "Lazarus stole $100 million from an exchange, though there is no evidence customer deposits were touched",
    });
    expect(c.flagged).toBe(true);
    expect(c.actors).toEqual(["Lazarus Group"]);
  });

  it("rules out only the sentence it stands in", () => {
    const c = classify({
      title: "Exchange loses $40m",
      summary:
        "Early reports found no evidence of an insider. The FBI later said North Korean hackers drained the hot wallet.",
    });
    expect(c.flagged).toBe(true);
    expect(c.actors).toEqual(["DPRK"]);
  });

  it("rejects a negation entry with a positive weight, naming the field", () => {
    const doc = structuredClone(DEFAULT_RULES) as unknown as {
      groups: Record<string, { entries: { weight: number }[] }>;
    };
    doc.groups.negation!.entries[0]!.weight = 10;
    expect(() => loadRules(doc)).toThrow(RulesError);
    expect(() => loadRules(doc)).toThrow("groups.negation.entries[0].weight");
  });
});

describe("tempting words that are not a state theft of money", () => {
  it("ignores a state named only as a comparison ('Lazarus-style attacks')", () => {
    const c = classify({
      title: "Wallet startup raises $20 million, pitching defence against Lazarus-style attacks",
    });
    expect(c.flagged).toBe(false);
    expect(c.actors).toEqual([]);
  });

  it("reads 'steal browser passwords' as data theft, not money theft", () => {
    const c = classify({
      title: "Pyongyang-linked actors target crypto developers with fake coding tests",
      summary: "The malware is built to steal browser passwords and SSH keys from job applicants.",
    });
    expect(c.flagged).toBe(false);
    expect(textsIn(c, "espionage")).toContain("steal browser");
  });

  it("dampens destructive attacks on banks (wipers, DDoS) that take no money", () => {
    expect(classify({ title: "Iranian state hackers breached bank networks to wipe data" }).flagged).toBe(
      false,
    );
    expect(classify({ title: "Russian state hackers hit Ukrainian banks with DDoS attacks" }).flagged).toBe(
      false,
    );
  });
});

describe("amounts written the continental way", () => {
  it.each([
    ["1.500 millones de dólares", 1_500_000_000],
    ["1.200 Millionen US-Dollar", 1_200_000_000],
    ["1,5 Milliarden Dollar", 1_500_000_000],
    ["$1.5 million", 1_500_000],
  ])("reads %j as %d US dollars", (text, usd) => {
    expect(findAmounts(`Hackers norcoreanos robaron ${text}`).map((a) => a.usd)).toEqual([usd]);
  });
});
