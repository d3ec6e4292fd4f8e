/**
 * Evidence of one kind counts once (issue 12): the money context, the attribution stage and a term
 * repeated between headline and summary add no confidence the second time, so the score orders
 * flagged stories by how much different evidence they hold, not by how wordy they are.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RULES,
  classify,
  explainClassification,
  loadRules,
} from "../lambdas/core/classifier/classify.ts";

const HEADLINE = "North Korean hackers stole $40 million from a crypto exchange";

function pointsOfRoles(input: Parameters<typeof explainClassification>[0], roles: string[]) {
  const x = explainClassification(input);
  const roleOf = new Map(x.groups.map((g) => [g.group, g.role]));
  const matches = x.classification.matched.filter((m) => roles.includes(roleOf.get(m.group) ?? ""));
  return { x, matches, total: matches.reduce((sum, m) => sum + m.weight, 0) };
}

describe("evidence counted once", () => {
  it("counts the money context once, however many money words the text holds", () => {
    const { x, matches, total } = pointsOfRoles(
      {
        title: HEADLINE,
        summary: "The exchange said its hot wallets held bitcoin, ether and customer funds.",
      },
      ["money"],
    );
    expect(matches.length).toBeGreaterThan(3);
    expect(total).toBe(Math.max(...matches.map((m) => m.weight)));
    expect(x.reasons.some((r) => r.startsWith('money context counted once: "crypto"'))).toBe(true);
    const lean = classify({ title: HEADLINE });
    expect(x.classification.rawScore).toBe(lean.rawScore);
  });

  it("counts the attribution stage once: an authority and an attribution verb are one stage", () => {
    const { x, matches, total } = pointsOfRoles(
      { title: HEADLINE, summary: "The FBI blamed the theft on Lazarus Group, researchers said." },
      ["authority", "researcher", "attribution"],
    );
    expect(matches.map((m) => m.text)).toEqual(["FBI", "blamed", "researchers"]);
    expect(matches.filter((m) => m.weight > 0).map((m) => m.text)).toEqual(["FBI"]);
    expect(total).toBe(8);
    expect(x.classification.attribution).toBe("confirmed");
    expect(x.reasons).toContain(
      'attribution stage counted once: "FBI" (8 points); "blamed", "researchers" add nothing',
    );
  });

  it("ranks an authority's confirmation above a researcher's attribution of the same theft", () => {
    const confirmed = classify({ title: HEADLINE, summary: "Police said Lazarus Group was behind it." });
    const attributed = classify({
      title: HEADLINE,
      summary: "Researchers said Lazarus Group was behind it.",
    });
    expect(confirmed.attribution).toBe("confirmed");
    expect(attributed.attribution).toBe("attributed");
    expect(confirmed.rawScore).toBeGreaterThan(attributed.rawScore!);
  });

  it("counts a term the summary repeats from the headline once, and still sees where it stands", () => {
    const x = explainClassification({
      title: "North Korean hackers target developers with fake job offers",
      summary: "North Korean hackers used the offers to steal cryptocurrency from wallets.",
    });
    const actors = x.classification.matched.filter((m) => m.text === "North Korean");
    expect(actors.map((m) => [m.field, m.weight])).toEqual([
      ["title", 35],
      ["summary", 0],
    ]);
    expect(x.reasons).toContain('repeated terms count once: "North Korean" (summary) adds nothing');
    // The repeat names the actor in the theft sentence: that is what the proximity bonus asks.
    expect(x.bonuses.map((b) => b.reason)).toEqual([
      'actor "North Korean" and theft "steal" in the same sentence of the summary',
    ]);
    expect(x.classification.flagged).toBe(true);
  });

  it("still adds up repeated dampeners", () => {
    const once = classify({ title: "North Korea stole $5 million in crypto, then tested a missile" });
    const twice = classify({
      title: "North Korea stole $5 million in crypto, then tested a missile",
      summary: "The missile flew 500 km.",
    });
    expect(twice.rawScore!).toBeLessThan(once.rawScore!);
  });

  it("rejects a counted-once kind naming an unknown role, or a role claimed twice", () => {
    const withOnce = (countedOnce: unknown) => {
      const rules = structuredClone(DEFAULT_RULES) as unknown as { scoring: Record<string, unknown> };
      rules.scoring.countedOnce = countedOnce;
      return () => loadRules(rules);
    };
    expect(withOnce({ money: ["cash"] })).toThrow(/scoring\.countedOnce\.money\[0\]: expected a group role/);
    expect(withOnce({ money: ["money"], more: ["money"] })).toThrow(
      /scoring\.countedOnce\.more\[0\]: role "money" is already counted once in money/,
    );
    expect(withOnce({ money: [] })).toThrow(/scoring\.countedOnce\.money: expected a non-empty array/);
    const rules = structuredClone(DEFAULT_RULES) as unknown as { scoring: Record<string, unknown> };
    delete rules.scoring.repeatedTermsOnce;
    expect(() => loadRules(rules)).toThrow(/scoring\.repeatedTermsOnce: expected true or false/);
  });
});

describe("the attribution stage in every language (issue 12: holdout3 called attributed thefts suspected)", () => {
  it.each([
    ["pl", "Analitycy przypisują atak grupie Lazarus.", "attributed"],
    ["pt", "Pesquisadores atribuem o ataque ao Grupo Lazarus.", "attributed"],
    ["pt", "O Tesouro dos EUA diz que o Grupo Lazarus fez o ataque.", "confirmed"],
    ["ru", "Аналитики приписывают атаку группе Lazarus.", "attributed"],
    ["uk", "Дослідники вважають, що за атакою стоїть Lazarus.", "attributed"],
    ["tr", "Araştırmacılar saldırıyı Lazarus grubuna bağladı.", "attributed"],
    ["tr", "Polis saldırının arkasında Lazarus olduğunu söyledi.", "confirmed"],
    ["vi", "Các nhà nghiên cứu cho biết nhóm Lazarus đứng sau vụ tấn công.", "attributed"],
    ["it", "I ricercatori attribuiscono l'attacco al gruppo Lazarus.", "attributed"],
    ["id", "Peneliti menyebut kelompok Lazarus berada di balik serangan itu.", "attributed"],
    ["nl", "Onderzoekers zeggen dat de Lazarus-groep achter de aanval zit.", "attributed"],
    ["nl", "De politie zegt dat de Lazarus-groep achter de aanval zit.", "confirmed"],
  ] as const)("%s: %s is %s", (_lang, summary, stage) => {
    const c = classify({ title: HEADLINE, summary });
    expect(c.flagged).toBe(true);
    expect(c.attribution).toBe(stage);
  });

  it("leaves a bare actor suspected", () => {
    expect(classify({ title: HEADLINE, summary: "Lazarus Group is a name often heard." }).attribution).toBe(
      "suspected",
    );
  });
});
