import { compareFeatures } from "./lambdas/core/stories/story.ts";
import { extractFeatures } from "./lambdas/core/stories/story-features.ts";
const f = (o: any) => extractFeatures({ articleId: "x", feedId: "f", publishedAt: "2025-01-10T10:00:00.000Z", title: "", summary: "", actors: ["Lazarus Group"], amountUsd: null, ...o });
const e = f({ title: "US Treasury sanctions North Korean bankers who laundered stolen crypto", summary: "OFAC designated eight bankers and two companies that moved funds for the DPRK." });
const fr = f({ articleId: "y", title: "Crypto : les USA sanctionnent des banquiers nord-coréens", summary: "Le Trésor américain a sanctionné huit banquiers accusés de blanchir de la crypto volée.", publishedAt: "2025-01-11T20:00:00.000Z" });
console.log(e, fr, compareFeatures(fr, e));
