/**
 * The gaps the blind held-out set 4 showed, each fixed as a class (issue 15): other states
 * described in every language, Arabic as a seventeenth language, negations in other languages
 * and in headlines, recaps of last year's theft, goods seized rather than funds, freezes of
 * stolen crypto, and a yearly total beside the event's amount. The sentences here are written
 * for these tests; none is a held-out item.
 */
import { describe, expect, it } from "vitest";
import { classify } from "../lambdas/core/classifier/classify.ts";
import { detectLanguage } from "../lambdas/core/classifier/language.ts";
import { findAmounts } from "../lambdas/core/classifier/amounts.ts";
import type { Classification } from "../lambdas/core/model/types.ts";

const textsIn = (c: Classification, group: string) =>
  c.matched.filter((m) => m.group === group && m.weight !== 0).map((m) => m.text);

describe("other states described as the thief, in every language", () => {
  it.each([
    ["en", "Hackers working for Chinese intelligence stole $20 million from a regional bank", "China"],
    ["ru", "Хакеры российской военной разведки украли 200 млн рублей со счетов банка", "Russia"],
    ["uk", "Хакери російської військової розвідки викрали кошти з рахунків банку", "Russia"],
    ["pl", "Hakerzy chińskiego wywiadu ukradli 20 mln dolarów z konta banku", "China"],
    ["de", "Hacker des russischen Militärgeheimdienstes erbeuten Millionen von einer Bank", "Russia"],
    ["fr", "Des pirates liés au renseignement iranien ont dérobé 5 millions de dollars à une banque", "Iran"],
    ["es", "Hackers de la inteligencia militar rusa robaron 10 millones de dólares de un banco", "Russia"],
    ["pt", "Hackers ligados ao governo iraniano roubaram 3 milhões de dólares de uma corretora", "Iran"],
    ["it", "Hacker legati al governo cinese hanno rubato criptovalute per 8 milioni di dollari", "China"],
    ["nl", "Hackers van de Russische militaire inlichtingendienst stelen geld van een bank", "Russia"],
    ["tr", "Çin istihbaratına bağlı hackerlar bir kripto borsasından 15 milyon dolar çaldı", "China"],
    ["id", "Peretas intelijen militer Rusia mencuri dana dari dompet kripto bursa", "Russia"],
    ["vi", "Tin tặc tình báo quân sự Nga đánh cắp 7 triệu USD từ sàn giao dịch", "Russia"],
    ["ko", "이란 정부 지원 해커, 가상자산 거래소서 100억원 탈취", "Iran"],
    ["ja", "中国政府系ハッカー、暗号資産取引所から約20億円を窃取", "China"],
    ["zh", "伊朗政府支持的黑客从加密货币交易所盗取1200万美元", "Iran"],
  ])("flags a %s heist by a described state and names it", (_lang, title, state) => {
    const c = classify({ title });
    expect(c.flagged).toBe(true);
    expect(c.actors).toContain(state);
  });

  it("does not take a bare government for a state actor", () => {
    const c = classify({
      title: "Hackers vinculados al gobierno robaron fondos de un banco, según la policía",
    });
    expect(c.actors).not.toContain("Russia");
    expect(c.actors).not.toContain("China");
  });
});

describe("Arabic, the seventeenth language", () => {
  const heist = "قراصنة مرتبطون بكوريا الشمالية يسرقون 12 مليون دولار من منصة تداول للعملات المشفرة";

  it("detects Arabic by its script", () => {
    expect(detectLanguage(heist)).toBe("ar");
    expect(detectLanguage("Lazarus stole $12 million")).toBe("en");
  });

  it("flags a heist by the state, with its amount, and explains it in Arabic terms", () => {
    const c = classify({ title: "كوريا الشمالية تسرق 12 مليون دولار من محافظ العملات المشفرة" });
    expect(c.flagged).toBe(true);
    expect(c.actors).toEqual(["DPRK"]);
    expect(c.amountUsd).toBe(12_000_000);
    expect(c.language).toBe("ar");
    expect(textsIn(c, "theft")).toContain("تسرق");
  });

  it("reads a prefixed word (و, ب, ل attach to words) and an Iranian state sponsor", () => {
    const c = classify({
      title: "مجموعة مرتبطة بالحرس الثوري الإيراني تستولي على عملات مشفرة بقيمة 3 مليارات دولار",
    });
    expect(c.flagged).toBe(true);
    expect(c.actors).toContain("Iran");
    expect(c.amountUsd).toBe(3_000_000_000);
  });

  it("reads Arabic amounts in millions and billions", () => {
    expect(findAmounts("سرقة 8.5 مليون دولار").map((a) => a.usd)).toEqual([8_500_000]);
    expect(findAmounts("غسل 1.5 مليار دولار").map((a) => a.usd)).toEqual([1_500_000_000]);
  });

  it("reads Arabic-Indic digits, keeping offsets into the text", () => {
    const text = "سرقة ٨٫٥ مليون دولار";
    const [amount] = findAmounts(text);
    expect(amount?.usd).toBe(8_500_000);
    expect(text.slice(amount!.start, amount!.end)).toBe("٨٫٥ مليون دولار");
  });

  it("flags laundering by a named unit and a heist by North Korean hackers written indefinite", () => {
    expect(
      classify({ title: "مجموعة لازاروس تغسل 100 مليون دولار عبر خلاطات العملات المشفرة" }).flagged,
    ).toBe(true);
    const c = classify({ title: "قراصنة كوريون شماليون يخترقون منصة تداول ويسرقون ٢٠٠ مليون دولار" });
    expect(c.flagged).toBe(true);
    expect(c.actors).toEqual(["DPRK"]);
    expect(c.amountUsd).toBe(200_000_000);
  });

  it("does not flag a missile story or a negated attribution", () => {
    expect(classify({ title: "كوريا الشمالية تطلق صاروخا باليستيا جديدا" }).flagged).toBe(false);
    const c = classify({
      title: "سرقة 5 ملايين دولار من بنك",
      summary: "قالت الشرطة إنه لا دليل على تورط كوريا الشمالية في سرقة الأموال.",
    });
    expect(c.flagged).toBe(false);
    expect(c.actors).toEqual([]);
  });
});

describe("negations in other languages and in headlines", () => {
  it.each([
    ["en", "Exchange says $40M hot wallet theft was an insider job, not a state-sponsored attack", ""],
    [
      "ko",
      "거래소서 가상자산 80억원 유출",
      "경찰은 북한 해킹조직과의 연관성은 아직 확인되지 않았다고 밝혔다.",
    ],
    ["ja", "暗号資産取引所から約30億円が不正流出", "北朝鮮系ハッカー集団の関与は確認されていないという。"],
    ["zh", "交易所被盗约2000万美元", "警方表示，目前没有证据表明朝鲜黑客参与其中。"],
  ])("does not flag a %s theft whose text rules the state out", (_lang, title, summary) => {
    const c = classify({ title, summary });
    expect(c.flagged).toBe(false);
    expect(textsIn(c, "negation").length).toBeGreaterThan(0);
  });
});

describe("a hedge is not a negation", () => {
  it("keeps a Korean heist whose attribution is presumed but not yet confirmed", () => {
    const c = classify({
      title: "가상자산 거래소서 300억원 탈취",
      summary: "경찰은 라자루스 소행으로 추정하고 있지만 아직 공식 확인되지 않았다고 밝혔다.",
    });
    expect(c.flagged).toBe(true);
    expect(c.actors).toContain("Lazarus Group");
  });
});

describe("recaps of an earlier theft and its aftermath", () => {
  it.each([
    [
      "ja",
      "暗号資産交換業者、顧客口座の移管を完了",
      "昨年の不正流出を受けて廃業した同社は移管を完了した。流出は北朝鮮系ハッカーの犯行とされる。",
    ],
    [
      "ko",
      "가상자산 거래소, 서비스 재개 발표",
      "지난해 북한 해킹조직에 가상자산을 탈취당한 거래소가 서비스 재개를 발표했다.",
    ],
  ])("does not flag %s aftermath news that recaps last year's theft", (_lang, title, summary) => {
    expect(classify({ title, summary }).flagged).toBe(false);
  });

  it("marks a last-year sentence as background in other languages", () => {
    const c = classify({
      title: "Nordkoreanische Hacker greifen Krypto-Entwickler an",
      summary: "Im vergangenen Jahr erbeuteten sie 300 Millionen Dollar von einer Kryptobörse.",
    });
    expect(c.flagged).toBe(false);
    expect(c.amountUsd).toBeNull();
  });

  it("does not flag insurance-market news that mentions a state theft in passing", () => {
    const c = classify({
      title: "Crypto insurers raise premiums as underwriters cut capacity",
      summary: "Underwriters cut limits after a large exchange theft, which the FBI blamed on North Korea.",
    });
    expect(c.flagged).toBe(false);
  });
});

describe("seizures: funds, not goods", () => {
  it("does not flag a seized ship or its cargo", () => {
    const c = classify({
      title: "U.S. seizes North Korean tanker over illicit oil shipments",
      summary: "Prosecutors said the vessel's owners routed payments through foreign banks.",
    });
    expect(c.flagged).toBe(false);
    expect(textsIn(c, "goods").length).toBeGreaterThan(0);
  });

  it("flags a freeze of crypto tied to a state group, and keeps its amount", () => {
    const c = classify({
      title: "Stablecoin issuer freezes USDT worth $1.2 million in addresses tied to Lazarus",
    });
    expect(c.flagged).toBe(true);
    expect(textsIn(c, "seizure")).toEqual(["freezes USDT"]);
    expect(c.amountUsd).toBe(1_200_000);
  });

  it("reads a Chinese freeze as a seizure, but a freeze of a sanctioned person's assets as enforcement", () => {
    expect(classify({ title: "稳定币发行方冻结朝鲜黑客地址中约50万美元USDT" }).flagged).toBe(true);
    const sanction = classify({ title: "美国制裁朝鲜导弹项目官员并冻结资产" });
    expect(sanction.flagged).toBe(false);
    expect(textsIn(sanction, "enforcement")).toContain("冻结资产");
  });

  it("does not read a sanctions freeze of assets over missiles as a theft", () => {
    const c = classify({
      title: "US sanctions North Korean officials over missile program, freezing their assets",
      summary: "Any property of the officials in US jurisdiction is frozen and banks may not deal with them.",
    });
    expect(c.flagged).toBe(false);
  });
});

describe("other theft words", () => {
  it("reads German plural theft nouns", () => {
    const c = classify({
      title: "EU sanktioniert nordkoreanische Hacker",
      summary: "Sie sollen hinter Cyber-Diebstählen bei mehreren Banken stecken.",
    });
    expect(c.flagged).toBe(true);
    expect(textsIn(c, "theft")).toEqual(["Diebstählen"]);
  });

  it("reads an undisclosed amount 'taken' from a money holder as theft, but not 'no funds were taken'", () => {
    const taken = classify({
      title: "Bridge halts after exploit linked to North Korean hackers",
      summary: "The protocol did not say how much was taken.",
    });
    expect(taken.flagged).toBe(true);
    const none = classify({
      title: "Exchange breach linked to North Korean hackers",
      summary: "The exchange said no funds were taken.",
    });
    expect(none.flagged).toBe(false);
  });
});

describe("the event's amount beside a yearly total", () => {
  it("takes the event's amount, not the year's haul", () => {
    const c = classify({
      title: "Exchange breach was among North Korea's biggest paydays",
      summary:
        "The breach cost the exchange $120 million, investigators said. It pushed North Korea's crypto haul for the year to $1.1 billion.",
    });
    expect(c.flagged).toBe(true);
    expect(c.amountUsd).toBe(120_000_000);
  });
});
