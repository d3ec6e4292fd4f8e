import { describe, expect, it } from "vitest";
import {
  type ClassifyInput,
  classify,
  DEFAULT_RULES,
  DEFAULT_THRESHOLD,
  explainClassification,
  loadRules,
  RulesError,
} from "../lambdas/core/classifier/classify.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";
import type { Classification, TextField } from "../lambdas/core/model/types.ts";

/** A rules document as a hand-edited file might hold it: any field can be wrong. */
type LooseRules = {
  version?: unknown;
  scoring: Record<string, unknown>;
  groups: Record<string, { role: unknown; entries: Record<string, unknown>[] }>;
};

const terms = (c: Classification, group?: string) =>
  c.matched.filter((m) => !group || m.group === group).map((m) => m.term);

/** Every match must point at its own text in htmlToText(field). */
function expectOffsetsPointAtText(input: ClassifyInput, c: Classification) {
  for (const m of c.matched) {
    const field = input[m.field as TextField] ?? "";
    expect(htmlToText(field).slice(m.start, m.end)).toBe(m.text);
  }
}

describe("word boundaries and namesakes", () => {
  it('never finds "hack" inside "hackathon" or "ether" inside "Ethereum-together"', () => {
    const c = classify({
      title: "Pyongyang hosts a hackathon; hackers not invited",
      summary: "Whether together or not.",
    });
    expect(terms(c)).not.toContain("hack");
    expect(terms(c)).not.toContain("ether");
  });

  it("matches multi-word phrases across dashes and line breaks, preferring the longest", () => {
    const c = classify({ title: "State-sponsored\nLazarus  Group drained a hot\u00a0wallet" });
    expect(terms(c)).toEqual(["state sponsored", "lazarus group", "drained", "hot wallet"]);
  });

  it("does not flag Lazarus the film, the person or the IDE", () => {
    for (const input of [
      { title: "Lazarus, a heist thriller starring a bank robber, tops the box office" },
      { title: "Lazarus Chakwera sworn in as president after rerun win" },
      { title: "Lazarus IDE 3.0 released for Free Pascal developers" },
      { title: "Shinichiro Watanabe's 'Lazarus' premieres on Adult Swim" },
    ]) {
      expect(classify(input).flagged, input.title).toBe(false);
    }
  });

  it("does not treat Kim as a surname or Korea in market news as an actor", () => {
    expect(classify({ title: "Kim Ng leaves Marlins after turning down mutual option" }).actors).toEqual([]);
    const market = classify({
      title: "Korean won overtakes dollar on crypto exchanges after $30 million hack",
    });
    expect(market.actors).toEqual([]);
    expect(market.flagged).toBe(false);
  });
});

describe("actor and theft evidence", () => {
  it("flags a theft pinned on a named group, with canonical actors, amount and severity", () => {
    const c = classify({
      title: "FBI: TraderTraitor behind $305M theft from a crypto exchange",
      summary: "The bureau said North Korean operators drained hot wallets.",
    });
    expect(c.flagged).toBe(true);
    // The score is bounded (issue 12): strong evidence ranks high without reaching 100.
    expect(c.score).toBeGreaterThanOrEqual(80);
    expect(c.score).toBeLessThan(100);
    expect(c.rawScore).toBeGreaterThan(100);
    expect(c.threshold).toBe(DEFAULT_RULES.scoring.threshold);
    expect(c.actors).toEqual(["TraderTraitor", "DPRK"]);
    expect(c.amountUsd).toBe(305_000_000);
    expect(c.severity).toBe("high");
    expect(c.attribution).toBe("confirmed");
  });

  it("needs both actor and theft evidence", () => {
    const actorOnly = classify({ title: "Lazarus targets nuclear engineers with fake job offers" });
    const theftOnly = classify({ title: "Bridge drained of $190 million in chaotic copycat exploit" });
    for (const c of [actorOnly, theftOnly]) {
      expect(c.flagged).toBe(false);
      expect(c.score).toBeLessThanOrEqual(DEFAULT_RULES.scoring.unmetCap);
    }
    expect(actorOnly.actors).toEqual(["Lazarus Group"]);
    expect(theftOnly.actors).toEqual([]);
    expect(theftOnly.attribution).toBeNull();
  });

  it("counts stealing only when money is at stake (data theft by a state group is not flagged)", () => {
    const c = classify({
      title: "Kimsuky deploys Chrome extension to steal Gmail credentials from academics",
    });
    expect(c.flagged).toBe(false);
    expect(c.matched.find((m) => m.term === "steal")?.weight).toBe(0);
    const x = explainClassification({ title: "North Korean hackers steal research data" });
    expect(x.hasTheft).toBe(false);
    expect(x.reasons.join(" ")).toContain("without money context");
  });

  it("dampens missiles, summits and IT-worker schemes", () => {
    expect(classify({ title: "North Korea fires ICBM after summit collapses" }).score).toBe(0);
    const it = classify({
      title: "DOJ: North Korean IT workers laundered $88 million in salaries",
      summary: "Prosecutors charged 14 people in the remote-worker scheme.",
    });
    expect(it.flagged).toBe(false);
    expect(it.matched.some((m) => m.group === "itworker" && m.weight < 0)).toBe(true);
  });

  it("raises the score for title hits and same-sentence proximity", () => {
    const inTitle = classify({ title: "Lazarus stole crypto", summary: "" });
    const apart = classify({
      title: "Weekly roundup",
      summary: "Lazarus was busy. Elsewhere, someone stole crypto.",
    });
    const together = classify({ title: "Weekly roundup", summary: "Lazarus stole crypto." });
    expect(inTitle.score).toBeGreaterThan(together.score);
    expect(together.score).toBeGreaterThan(apart.score);
    const x = explainClassification({ title: "Weekly roundup", summary: "Lazarus stole crypto." });
    expect(x.bonuses.map((b) => b.name)).toEqual(["proximity"]);
  });

  it("honours a configurable threshold", () => {
    const input = { title: "Weekly roundup", summary: "Lazarus was busy. Elsewhere, someone stole crypto." };
    const { score } = classify(input);
    expect(classify(input, { threshold: score }).flagged).toBe(true);
    expect(classify(input, { threshold: score + 1 }).flagged).toBe(false);
    expect(DEFAULT_THRESHOLD).toBe(DEFAULT_RULES.scoring.threshold);
    expect(() => classify(input, { threshold: 101 })).toThrow(RangeError);
  });
});

describe("languages", () => {
  it.each([
    [
      "ko",
      { title: "경찰, 거래소 이더리움 탈취는 북한 라자루스가 저지른 소행", summary: "1억 달러 규모" },
      ["Lazarus Group", "DPRK"],
    ],
    [
      "ja",
      { title: "FBI、ブリッジからの暗号資産不正流出は北朝鮮ラザルスの犯行と断定" },
      ["Lazarus Group", "DPRK"],
    ],
    ["zh", { title: "朝鲜黑客组织盗取1亿美元加密货币", summary: "交易所钱包被盗。" }, ["DPRK"]],
    [
      "es",
      { title: "Hackers norcoreanos robaron 50 millones de dólares de un banco", summary: "" },
      ["DPRK"],
    ],
    ["de", { title: "Lazarus-Gruppe erbeutet 275 Millionen US-Dollar von Kryptobörse" }, ["Lazarus Group"]],
    [
      "fr",
      { title: "Des pirates nord-coréens ont dérobé des cryptomonnaies sur une plateforme d'échange" },
      ["DPRK"],
    ],
  ])("flags a theft story in %s", (_lang, input, actors) => {
    const c = classify(input);
    expect(c.flagged).toBe(true);
    expect(c.actors).toEqual(actors);
  });

  it("matches Hangul and Han terms with particles attached, without word boundaries", () => {
    const c = classify({ title: "라자루스가 북한의 지시로 가상자산을 탈취했다" });
    expect(terms(c)).toEqual(expect.arrayContaining(["라자루스", "북한", "가상자산", "탈취"]));
  });

  it("does not flag non-theft news in other languages", () => {
    expect(
      classify({ title: "Nordkorea testet neue Rakete", summary: "Die Rakete flog 70 Minuten." }).flagged,
    ).toBe(false);
    expect(classify({ title: "북한, 탄도 미사일 발사" }).flagged).toBe(false);
  });
});

describe("attribution stage", () => {
  it("is confirmed when an authority speaks, attributed when researchers do, suspected otherwise", () => {
    expect(
      classify({ title: "Treasury says Lazarus laundered stolen crypto through a mixer" }).attribution,
    ).toBe("confirmed");
    expect(classify({ title: "Chainalysis ties $100 million bridge theft to Lazarus" }).attribution).toBe(
      "attributed",
    );
    expect(
      classify({ title: "Exchange drained of $85 million; North Korean hackers suspected" }).attribution,
    ).toBe("suspected");
    expect(classify({ title: "Exchange drained of $85 million" }).attribution).toBeNull();
  });
});

describe("explanation offsets", () => {
  it("point at the right text in title, summary and content, after entities, tags and diacritics", () => {
    const input = {
      title: "Ｌａｚａｒｕｓ &amp; co. <b>drained</b> a wallet",
      summary: "<p>Les pirates nord-coréens ont d&eacute;rob&eacute; 1,5 milliard de dollars</p>",
      content: "Die Gelder wurden über eine Börse gewaschen; l’argent volé.",
    };
    const c = classify(input);
    expect(c.matched.map((m) => [m.field, m.text])).toEqual(
      expect.arrayContaining([
        ["title", "Ｌａｚａｒｕｓ"],
        ["title", "drained"],
        ["title", "wallet"],
        ["summary", "nord-coréens"],
        ["summary", "dérobé"],
        ["summary", "1,5 milliard de dollars"],
        ["content", "Börse"],
        ["content", "gewaschen"],
      ]),
    );
    expectOffsetsPointAtText(input, c);
  });

  it("hold when the raw field has tabs, doubled, leading, trailing or no-break spaces, or controls", () => {
    for (const title of [
      " Lazarus stole crypto",
      "Lazarus  stole crypto ",
      "Lazarus\tstole\n\ncrypto",
      "Lazarus\u00a0stole\u0007 crypto",
      "Lazarus\u3000stole crypto",
    ]) {
      const c = classify({ title });
      expect(
        c.matched.map((m) => m.text),
        JSON.stringify(title),
      ).toEqual(["Lazarus", "stole", "crypto"]);
      expectOffsetsPointAtText({ title }, c);
    }
  });

  it("hold for every item of a mixed article", () => {
    const input = {
      title: "UN experts: Pyongyang raised up to $2 billion through bank and crypto hacks",
      summary: "A confidential sanctions report &mdash; 35 attacks in 17 countries.",
      content: "<div>The DPRK's <i>Reconnaissance General Bureau</i> ran the heists.</div>",
    };
    const c = classify(input);
    expect(c.matched.length).toBeGreaterThan(8);
    expectOffsetsPointAtText(input, c);
  });
});

describe("loadRules", () => {
  const clone = () => structuredClone(DEFAULT_RULES) as unknown as LooseRules;

  it("accepts the bundled rules and a tuned copy", () => {
    const tuned = clone();
    tuned.scoring.threshold = 70;
    const rules = loadRules(tuned);
    expect(
      classify({ title: "Weekly roundup", summary: "Lazarus was busy. Someone stole crypto." }, { rules })
        .flagged,
    ).toBe(false);
  });

  it("names the bad field", () => {
    const badWeight = clone();
    badWeight.groups.theft!.entries[0]!.weight = "heavy";
    expect(() => loadRules(badWeight)).toThrow("rules: groups.theft.entries[0].weight: expected a number");
    const badRole = clone();
    badRole.groups.money!.role = "cash";
    expect(() => loadRules(badRole)).toThrow(/groups\.money\.role: expected one of/);
    const noActor = clone();
    delete noActor.groups.actor!.entries[0]!.actor;
    expect(() => loadRules(noActor)).toThrow(/groups\.actor\.entries\[0\]\.actor/);
    expect(() => loadRules({ version: 2 })).toThrow(/version: expected 1/);
    expect(() => loadRules(null)).toThrow(RulesError);
  });

  it("reports a term listed twice, after normalisation, with both places", () => {
    const dup = clone();
    (dup.groups.money!.entries[0]!.terms as string[]).push("HÉIST");
    expect(() => loadRules(dup)).toThrow(
      /"heist" \(from "HÉIST"\) is already a term of groups\.theft\.entries\[0\]/,
    );
  });
});
