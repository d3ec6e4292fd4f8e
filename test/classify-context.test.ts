/**
 * What issue 15 taught the classifier: languages and inflection, states beyond North Korea, the
 * event versus the background, theft words that are theft, and the event's own amount; and what
 * issue 12 asked of the score and severity. Every text here is written for the test.
 */
import { describe, expect, it } from "vitest";
import { classify, DEFAULT_RULES, loadRules, RulesError } from "../lambdas/core/classifier/classify.ts";
import { boundedScore } from "../lambdas/core/classifier/scoring.ts";
import { severityOf } from "../lambdas/core/classifier/severity.ts";

const HEADLINES: Record<string, string> = {
  en: "North Korean hackers stole $100 million from a crypto exchange",
  fr: "Des pirates nord-coréens ont dérobé 100 millions de dollars à une plateforme crypto",
  de: "Nordkoreanische Hacker erbeuten 100 Millionen Dollar von einer Kryptobörse",
  es: "Hackers norcoreanos roban 100 millones de dólares de un exchange de criptomonedas",
  ko: "북한 해커, 가상자산 거래소에서 1억 달러 탈취",
  ja: "北朝鮮のハッカー、暗号資産取引所から1億ドルを盗んだ",
  zh: "朝鲜黑客从加密货币交易所盗取1亿美元",
  pl: "Hakerzy z Korei Północnej ukradli 100 mln dolarów z giełdy kryptowalut",
  pt: "Hackers da Coreia do Norte roubaram 100 milhões de dólares de corretora de criptomoedas",
  ru: "Северокорейские хакеры украли 100 млн долларов у криптобиржи",
  uk: "Північнокорейські хакери викрали 100 млн доларів з криптобіржі",
  tr: "Kuzey Koreli hackerlar kripto borsasından 100 milyon dolar çaldı",
  vi: "Tin tặc Triều Tiên đánh cắp 100 triệu USD từ sàn giao dịch tiền điện tử",
  it: "Hacker nordcoreani hanno rubato 100 milioni di dollari da un exchange di criptovalute",
  id: "Peretas Korea Utara mencuri 100 juta dolar AS dari bursa kripto",
  nl: "Noord-Koreaanse hackers stelen 100 miljoen dollar van een cryptobeurs",
};

describe("sixteen languages", () => {
  it("has a headline for each of at least 16 languages", () => {
    expect(Object.keys(HEADLINES).length).toBeGreaterThanOrEqual(16);
  });
  for (const [lang, title] of Object.entries(HEADLINES)) {
    it(`flags a heist told in ${lang}, with the actor and the amount`, () => {
      const c = classify({ title });
      expect(c.flagged, JSON.stringify(c.matched)).toBe(true);
      expect(c.actors).toContain("DPRK");
      expect(c.amountUsd).toBe(100_000_000);
    });
  }

  it("matches stems at word starts whatever the ending, and reports the whole word", () => {
    const c = classify({ title: "Hakerzy z Korei Północnej ukradziono kryptowalutami" });
    const theft = c.matched.find((m) => m.group === "theft");
    expect(theft?.term).toBe("ukrad*");
    expect(theft?.text).toBe("ukradziono");
    // Not inside a word: "przyukradli" is not a word start for "ukrad*".
    const inside = classify({ title: "Korei Północnej przyukradli kryptowaluty" });
    expect(inside.matched.some((m) => m.group === "theft")).toBe(false);
  });

  it("validates stems like other terms: a stem and the same exact term are one term too many", () => {
    const rules = structuredClone(DEFAULT_RULES) as unknown as {
      groups: Record<string, { entries: { terms: string[] }[] }>;
    };
    rules.groups.theft!.entries[0]!.terms.push("stole*");
    expect(() => loadRules(rules)).toThrow(RulesError);
    expect(() => loadRules(rules)).toThrow(/"stole\*".*already a term/);
  });
});

describe("states beyond North Korea", () => {
  it("names a state by description: hackers linked to, backed by or working for its government", () => {
    for (const [phrase, actor] of [
      ["Hackers linked to the Chinese government", "China"],
      ["Hackers tied to the Chinese Communist Party", "China"],
      ["Hackers backed by the Russian military", "Russia"],
      ["Hackers working for the Iranian intelligence services", "Iran"],
    ] as const) {
      const c = classify({ title: `${phrase} stole millions in relief funds` });
      expect(c.actors, phrase).toEqual([actor]);
      expect(c.flagged, phrase).toBe(true);
    }
  });

  it("does not take a bare country name for a state actor", () => {
    const c = classify({ title: "Crypto exchange in China loses $20 million to thieves" });
    expect(c.actors).toEqual([]);
    expect(c.flagged).toBe(false);
  });
});

describe("the event versus the background", () => {
  it("a reputation clause or a recap in the summary is not this event's theft", () => {
    const c = classify({
      title: "North Korean hackers target defence engineers with fake job offers",
      summary: "The group, notorious for crypto heists, used trojanised PDF readers.",
    });
    expect(c.flagged).toBe(false);
  });

  it("a yearly total in the headline is the story; in a background sentence it is not the amount", () => {
    const report = classify({
      title: "North Korea stole $2 billion in crypto so far this year, analysts say",
    });
    expect(report.flagged).toBe(true);
    expect(report.amountUsd).toBe(2_000_000_000);
    const heist = classify({
      title: "Lazarus Group drains $48 million from a crypto lender",
      summary: "Since 2017 the group has stolen more than $6 billion in total.",
    });
    expect(heist.flagged).toBe(true);
    expect(heist.amountUsd).toBe(48_000_000);
  });

  it("the amount is the event's, not a price, a fine or a market cap", () => {
    const c = classify({
      title: "Bitcoin trading at $97,000 as Lazarus Group launders $30 million of stolen ether",
    });
    expect(c.amountUsd).toBe(30_000_000);
  });

  it("news long after an old theft (trading resumes) is not the theft", () => {
    const c = classify({
      title: "Exchange to resume trading after 14-month hiatus",
      summary: "It closed after a $200 million hack by the Lazarus Group.",
    });
    expect(c.flagged).toBe(false);
  });
});

describe("theft words that are theft", () => {
  it("attack, breach and compromise alone are incidents, not theft; with a stated amount they are", () => {
    const alone = classify({ title: "North Korean hackers launch new attacks on crypto developers" });
    expect(alone.flagged).toBe(false);
    const withAmount = classify({ title: "North Korean hackers behind $25 million crypto exchange breach" });
    expect(withAmount.flagged).toBe(true);
  });

  it("sanctions breaches are not heists, and the fine is not a heist amount", () => {
    const c = classify({ title: "Bank fined $2 million for North Korea sanctions breaches" });
    expect(c.flagged).toBe(false);
    expect(c.amountUsd).toBeNull();
  });

  it("physical theft needs money, crypto or cyber context", () => {
    const c = classify({ title: "Kim Jong Un portrait stolen from embassy" });
    expect(c.flagged).toBe(false);
  });

  it("a unit whose purpose is theft, in money context, is theft evidence by itself", () => {
    const c = classify({ title: "BlueNoroff targets Web3 founders with fake investor calls" });
    expect(c.flagged).toBe(true);
    const espionage = classify({ title: "Kimsuky targets Web3 founders with fake investor calls" });
    expect(espionage.flagged).toBe(false);
  });
});

describe("a score that measures confidence (issue 12)", () => {
  it("is a bounded transform of the raw points: monotone, below 100, 50 at the threshold's raw points", () => {
    const scale = DEFAULT_RULES.scoring.scoreScale;
    expect(boundedScore(0, scale)).toBe(0);
    expect(boundedScore(-10, scale)).toBe(0);
    expect(boundedScore(scale * Math.LN2, scale)).toBe(50);
    expect(boundedScore(1000, scale)).toBe(100); // the limit, reached only by far more than any rule can give
    let previous = -1;
    for (let raw = 0; raw <= 200; raw += 10) {
      const score = boundedScore(raw, scale);
      expect(score).toBeGreaterThanOrEqual(previous);
      previous = score;
    }
  });

  it("ranks more evidence higher, and reports raw points, scale and threshold", () => {
    const thin = classify({ title: "North Korean hackers stole crypto from an exchange" });
    const rich = classify({
      title: "FBI: TraderTraitor behind $305M theft from a crypto exchange",
      summary: "The bureau said North Korean operators drained hot wallets.",
    });
    expect(rich.score).toBeGreaterThan(thin.score);
    expect(rich.score).toBeLessThan(100);
    expect(rich.rawScore).toBeGreaterThan(thin.rawScore!);
    expect(rich.scoreScale).toBe(DEFAULT_RULES.scoring.scoreScale);
    expect(rich.threshold).toBe(DEFAULT_RULES.scoring.threshold);
  });
});

describe("severity by impact (issue 12)", () => {
  const levels = DEFAULT_RULES.scoring.severity;
  it.each([
    [{ amountUsd: 150e6, attribution: "suspected" }, "high"],
    [{ amountUsd: 20e6, attribution: "confirmed" }, "high"],
    [{ amountUsd: 60e6, attribution: "suspected", corroborated: true }, "high"],
    [{ amountUsd: 60e6, attribution: "suspected", corroborated: false }, "medium"],
    [{ amountUsd: null, attribution: "confirmed" }, "medium"],
    [{ amountUsd: 30e6, attribution: "suspected" }, "medium"],
    [{ amountUsd: 2e6, attribution: "confirmed" }, "medium"],
    // Below the real-world middle third ($30M to $100M), an attribution by researchers does not
    // raise the level; an authority's does.
    [{ amountUsd: 25e6, attribution: "attributed" }, "low"],
    [{ amountUsd: 2e6, attribution: "attributed" }, "low"],
    [{ amountUsd: 2e6, attribution: "suspected" }, "low"],
    [{ amountUsd: null, attribution: "attributed" }, "low"],
  ] as const)("%o is %s", (facts, expected) => {
    expect(severityOf(facts, levels)).toBe(expected);
  });

  it("is low for an article that is not flagged, whatever its amount", () => {
    const c = classify({ title: "Exchange loses $500 million in hack" });
    expect(c.flagged).toBe(false);
    expect(c.severity).toBe("low");
  });

  it("rejects a severity condition the scorer does not know", () => {
    const rules = structuredClone(DEFAULT_RULES) as unknown as {
      scoring: { severity: { high: Record<string, unknown>[] } };
    };
    rules.scoring.severity.high.push({ minScore: 90 });
    expect(() => loadRules(rules)).toThrow(/scoring\.severity\.high\[3\]\.minScore: unknown condition/);
  });
});
