/**
 * How firmly, and by whom (issue 12): a hedge near the actor ("bears the hallmarks of Lazarus")
 * holds its sentence's attribution at suspected, whoever speaks; a blockchain-forensics firm, named
 * or described, is the strongest attribution-stage evidence, above a generic security firm, though
 * only an authority confirms. Both in every language the rules read, as data in rules.json.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RULES,
  classify,
  explainClassification,
  loadRules,
} from "../lambdas/core/classifier/classify.ts";

const HEADLINE = "North Korean hackers stole $40 million from a crypto exchange";

describe("a hedge near the actor holds its sentence at suspected", () => {
  it.each([
    ["en", "A security firm says the attack bears the hallmarks of the Lazarus Group."],
    ["en", "Police suspect the Lazarus Group was behind the attack."],
    ["fr", "Selon des chercheurs, le groupe Lazarus serait derrière l'attaque."],
    ["es", "Los investigadores dicen que el ataque apunta a Lazarus."],
    ["de", "Forscher sagen, die Tat trägt die Handschrift der Lazarus-Gruppe."],
    ["pt", "Empresa de segurança diz que o ataque tem as marcas do Grupo Lazarus."],
    ["it", "I ricercatori sospettano il gruppo Lazarus."],
    ["pl", "Badacze podejrzewają grupę Lazarus."],
    ["ru", "Исследователи подозревают группу Lazarus."],
    ["uk", "Дослідники підозрюють групу Lazarus."],
    ["tr", "Araştırmacılar saldırının muhtemelen Lazarus grubu tarafından yapıldığını söyledi."],
    ["vi", "Các nhà nghiên cứu nghi ngờ nhóm Lazarus đứng sau vụ tấn công."],
    ["id", "Peneliti menyebut kelompok Lazarus diduga berada di balik serangan itu."],
    ["nl", "Onderzoekers wijzen naar de Lazarus-groep."],
    ["ko", "경찰은 라자루스 소행으로 보고 있다."],
    ["ja", "警察はラザルスの犯行とみられると発表した。"],
    ["zh", "警方怀疑Lazarus是幕后黑手。"],
  ] as const)("%s: %s", (_lang, summary) => {
    const x = explainClassification({ title: HEADLINE, summary });
    expect(x.classification.flagged).toBe(true);
    expect(x.classification.attribution).toBe("suspected");
  });

  it("gives the firm or authority no more than the hedge's points, and says so", () => {
    const hedged = explainClassification({
      title: HEADLINE,
      summary: "A security firm says the attack bears the hallmarks of the Lazarus Group.",
    });
    const plain = explainClassification({
      title: HEADLINE,
      summary: "A security firm says the Lazarus Group was behind the attack.",
    });
    expect(plain.classification.attribution).toBe("attributed");
    expect(plain.classification.rawScore! - hedged.classification.rawScore!).toBe(2);
    const weightOf = (text: string) => hedged.classification.matched.find((m) => m.text === text)?.weight;
    expect(weightOf("security firm")).toBe(4);
    expect(weightOf("hallmarks")).toBe(0);
    expect(hedged.reasons).toContain(
      'attribution hedged: "security firm" stands in a sentence that hedges (suspected, at most the hedge\'s points)',
    );
  });

  it("holds an authority's word at suspected too: the police suspect, they do not confirm", () => {
    const suspects = classify({ title: HEADLINE, summary: "Police suspect the Lazarus Group." });
    const says = classify({ title: HEADLINE, summary: "Police say the Lazarus Group did it." });
    expect(says.attribution).toBe("confirmed");
    expect(suspects.attribution).toBe("suspected");
    expect(says.rawScore!).toBeGreaterThan(suspects.rawScore!);
  });

  it("leaves a hedge about something else alone: far from the actor, or in another sentence", () => {
    const far = classify({
      title: HEADLINE,
      summary:
        "The FBI said the Lazarus Group stole the funds, and the exchange will likely reopen next week.",
    });
    expect(far.attribution).toBe("confirmed");
    const elsewhere = classify({
      title: HEADLINE,
      summary: "The FBI said the Lazarus Group stole the funds. Trading will likely resume on Monday.",
    });
    expect(elsewhere.attribution).toBe("confirmed");
  });

  it("does not read an association word as doubt: 'Lazarus-linked' names who, it does not hedge", () => {
    const c = classify({
      title: HEADLINE,
      summary: "Researchers attributed the theft to Lazarus-linked hackers.",
    });
    expect(c.attribution).toBe("attributed");
  });

  it("accepts hedgeReach on attribution groups only, as a number", () => {
    const withGroup = (name: string, patch: Record<string, unknown>) => {
      const rules = structuredClone(DEFAULT_RULES) as unknown as {
        groups: Record<string, Record<string, unknown>>;
      };
      Object.assign(rules.groups[name]!, patch);
      return () => loadRules(rules);
    };
    expect(withGroup("money", { hedgeReach: 30 })).toThrow(
      /groups\.money\.hedgeReach: only attribution groups can hedge/,
    );
    expect(withGroup("hedge", { hedgeReach: "near" })).toThrow(
      /groups\.hedge\.hedgeReach: expected a number/,
    );
    expect(withGroup("attribution", { hedgeReach: 10 })).not.toThrow();
  });
});

describe("a blockchain-forensics firm weighs more than a generic security firm", () => {
  it.each([
    ["en", "A blockchain analytics firm attributed the attack to the Lazarus Group."],
    ["en", "Chainalysis attributed the attack to the Lazarus Group."],
    ["fr", "Une société d'analyse blockchain attribue l'attaque au groupe Lazarus."],
    ["de", "Eine Blockchain-Analysefirma schreibt den Angriff der Lazarus-Gruppe zu."],
    ["es", "Una firma de análisis blockchain atribuye el ataque a Lazarus."],
    ["pt", "Uma empresa de análise blockchain atribuiu o ataque ao Grupo Lazarus."],
    ["it", "Una società di analisi blockchain attribuisce l'attacco al gruppo Lazarus."],
    ["pl", "Firma analityczna przypisuje atak grupie Lazarus."],
    ["ru", "Блокчейн-аналитики приписывают атаку группе Lazarus."],
    ["uk", "Блокчейн-аналітики приписують атаку групі Lazarus."],
    ["tr", "Blokzincir analiz şirketi saldırıyı Lazarus grubuna bağladı."],
    ["vi", "Công ty phân tích blockchain cho biết nhóm Lazarus đứng sau vụ tấn công."],
    ["id", "Perusahaan analisis blockchain menyebut kelompok Lazarus berada di balik serangan itu."],
    ["nl", "Een analysebedrijf zegt dat de Lazarus-groep achter de aanval zit."],
    ["ko", "블록체인 분석업체는 라자루스의 소행이라고 밝혔다."],
    ["ja", "ブロックチェーン分析会社はラザルスの犯行と断定した。"],
    ["zh", "区块链分析公司称Lazarus是幕后黑手，系其犯行。"],
  ] as const)("%s: %s", (_lang, summary) => {
    const x = explainClassification({ title: HEADLINE, summary });
    expect(x.classification.flagged).toBe(true);
    expect(x.classification.attribution).toBe("attributed");
    expect(x.groups.find((g) => g.group === "researcher")?.points).toBe(10);
  });

  it("ranks a forensics firm above a security firm and researchers, and above an authority's points", () => {
    const raw = (summary: string) => classify({ title: HEADLINE, summary }).rawScore!;
    const forensics = raw("A blockchain analytics firm says the Lazarus Group was behind the attack.");
    const security = raw("A security firm says the Lazarus Group was behind the attack.");
    const researchers = raw("Researchers say the Lazarus Group was behind the attack.");
    const police = raw("Police say the Lazarus Group was behind the attack.");
    expect(forensics - security).toBe(4);
    expect(security).toBe(researchers);
    expect(forensics).toBeGreaterThan(police);
  });

  it("still leaves confirmation to an authority: the stage is attributed, and an authority beside it confirms", () => {
    expect(classify({ title: HEADLINE, summary: "Elliptic says Lazarus was behind it." }).attribution).toBe(
      "attributed",
    );
    const both = explainClassification({
      title: HEADLINE,
      summary: "The FBI and Elliptic say Lazarus was behind it.",
    });
    expect(both.classification.attribution).toBe("confirmed");
    expect(both.reasons).toContain(
      'attribution stage counted once: "Elliptic" (10 points); "FBI", "behind" add nothing',
    );
  });

  it("holds a hedged forensics firm at the hedge's points like any other", () => {
    const x = explainClassification({
      title: HEADLINE,
      summary: "Elliptic says the laundering bears the hallmarks of the Lazarus Group.",
    });
    expect(x.classification.attribution).toBe("suspected");
    expect(x.classification.matched.find((m) => m.text === "Elliptic")?.weight).toBe(4);
  });
});
