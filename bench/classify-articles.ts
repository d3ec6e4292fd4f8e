/**
 * The classify bench's generated articles: deterministic text of about 2 KB mixing news
 * vocabulary with rule terms, about one in five a heist story. Shared with the equivalence check
 * (bench/classify-compare.ts), so both measure and verify the same text.
 */

// mulberry32: a tiny seeded PRNG, so every run classifies the same text.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILLER = (
  "the a of to in and for on with as by at from that this said market price token users network " +
  "protocol update report analysts week year company firm team investors trading volume launch " +
  "according statement official data platform service security researchers industry customers " +
  "million billion percent growth regulators court filing chain layer fees liquidity"
).split(" ");
const HOT = [
  "Lazarus Group",
  "North Korean hackers",
  "stole",
  "drained",
  "hot wallet",
  "exchange",
  "bridge",
  "laundered",
  "FBI",
  "Chainalysis",
  "$100 million",
  "DPRK",
  "heist",
  "missile",
  "IT workers",
  "hackathon",
  "Pyongyang",
  "crypto",
  "북한",
  "탈취",
  "北朝鮮",
];

function sentence(rand: () => number, words: number, hotChance: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const pool = rand() < hotChance ? HOT : FILLER;
    out.push(pool[Math.floor(rand() * pool.length)]!);
  }
  const s = out.join(" ");
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/** `count` articles, the same ones on every call (seeded PRNG). */
export function generate(count: number) {
  const rand = prng(42);
  const articles: { title: string; summary: string; content: string }[] = [];
  for (let i = 0; i < count; i++) {
    const hotChance = i % 5 === 0 ? 0.08 : 0.01;
    const title = sentence(rand, 10, hotChance * 2);
    const summary = `${sentence(rand, 18, hotChance)} ${sentence(rand, 14, hotChance)}`;
    let content = "";
    while (content.length < 1650) content += `${sentence(rand, 14 + Math.floor(rand() * 10), hotChance)} `;
    articles.push({ title, summary, content: content.trim() });
  }
  return articles;
}
