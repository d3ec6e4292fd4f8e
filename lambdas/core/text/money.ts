/**
 * Dollar amounts as every output shows them: "$1.5B" where space is short (feeds, page, SMS),
 * "$1.5 billion" in sentences (email, terminal card), "$1,460,000,000" where the exact figure is
 * the point (`heistwatch explain`). One rounding for the first two.
 */

export type MoneyStyle = "short" | "long" | "exact";

const SHORT = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
const WHOLE = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 0,
  maximumFractionDigits: 0,
});
const LONG_UNITS: [number, string][] = [
  [1e12, "trillion"],
  [1e9, "billion"],
  [1e6, "million"],
];
const SCALE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/**
 * "$1.5B" / "$620M" / "$900K" (short), "$1.5 billion" / "$900,000" (long) or "$1,460,000,000"
 * (exact); null when there is no positive finite amount.
 */
export function formatUsd(amount: number | null | undefined, style: MoneyStyle = "short"): string | null {
  if (amount === null || amount === undefined || !Number.isFinite(amount) || amount <= 0) return null;
  if (style === "short") return SHORT.format(amount);
  if (style === "exact") return WHOLE.format(amount);
  for (const [size, word] of LONG_UNITS) {
    // Round first, so 999,950,000 reads "$1 billion", not "$1,000 million".
    if (Number((amount / size).toFixed(1)) >= 1) return `$${SCALE.format(amount / size)} ${word}`;
  }
  return WHOLE.format(amount);
}
