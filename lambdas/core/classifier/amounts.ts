/**
 * Stated US-dollar amounts in plain text: "$1.5 billion", "$305M", "US$100 million",
 * "275 Millionen US-Dollar", "1,5 Mrd. Dollar", "10 millones de dólares", "1,5 milliard de dollars",
 * "30 M$", "1,9 mld dolarów", "500 млн долларов", "100 milioni di dollari", "50 milhões de dólares",
 * "10 milyon dolar", "5 juta dolar", "2 miljoen dollar", "30 triệu USD", "8.5 مليون دولار", "1억 달러", "約1億ドル",
 * "1亿美元".
 * Other currencies are not converted: a fixed exchange rate would invent precision the text does not have.
 */

/** One amount found in a text, with its plain-text offsets. */
export interface StatedAmount {
  usd: number;
  start: number;
  end: number;
  text: string;
}

const NUMBER = String.raw`\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?`;
const SYMBOL_UNIT = "billion|bn|b|million|mln|mn|m|thousand|k";
// Feeds sometimes break a decimal with a space ("$30. 6 million"); read it as one number only when
// a scale word follows, so "$30. 6 more" stays thirty.
const BROKEN_DECIMAL = String.raw`\d{1,3}\.\s\d{1,2}(?=\s?(?:billion|million|bn|mln|mn|m)(?![\p{L}\p{N}]))`;
const WORD_UNIT = [
  String.raw`billions?|millions?|thousand|bn|mln|mn|mil millones|millones|mill[oó]n|milliarden?|mrd\.?|millionen|mio\.?|milliards?`,
  String.raw`mld|mds?|md|m|млн|млрд|миллион(?:а|ов)?|миллиард(?:а|ов)?|мільйон(?:а|ів)?|мільярд(?:а|ів)?`,
  String.raw`milioni|miliardi|milione|miliardo|milh[õo]es|milh[ãa]o|bilh[õo]es|mil milh[õo]es|milyon|milyar|juta|miliar`,
  String.raw`miljoen|miljard|tri[ệe]u|t[ỷy]|مليون|ملايين|مليار|مليارات`,
].join("|");
const DOLLAR_WORD = String.raw`dollars?|d[oó]lares|dolar(?:[óo]w|y|a|es)?|dollari|доллар(?:ов|а|ы)?|долар(?:ів|а|и)?|đô la|usd|دولار(?:ات)?|\$`;
const CJK_UNIT = "조|억|만|億|万|亿|萬";

// One combined pattern, one pass per field; unit words need a following non-letter so "$5 bitcoin"
// does not read as five billion.
const AMOUNT = new RegExp(
  [
    String.raw`(?<sym>US\$|USD ?|\$)\s?(?<symNum>${BROKEN_DECIMAL}|${NUMBER})(?:\s?(?<symUnit>${SYMBOL_UNIT}|${WORD_UNIT})(?![\p{L}\p{N}]))?`,
    String.raw`(?<![\p{L}\p{N}.,])(?<wNum>${NUMBER})\s?(?:(?<wUnit>${WORD_UNIT})\.?)?\s?(?:(?:of|de|d'|di)\s?)?(?:US[\s-]?)?(?:${DOLLAR_WORD})(?![\p{L}\p{N}])(?:\s?(?:AS|americanos|USA|США))?`,
    String.raw`(?<![\p{N}.,])(?<cNum>${NUMBER})\s?(?<cUnit>${CJK_UNIT})?(?:\s?(?<cNum2>${NUMBER})\s?(?<cUnit2>만|万|萬))?\s?(?:미\s?달러|달러|米ドル|ドル|美元|美金)`,
  ].join("|"),
  "giu",
);

const SCALES: Record<string, number> = {
  billion: 1e9,
  billions: 1e9,
  bn: 1e9,
  b: 1e9,
  "mil millones": 1e9,
  milliarde: 1e9,
  milliarden: 1e9,
  mrd: 1e9,
  "mrd.": 1e9,
  milliard: 1e9,
  milliards: 1e9,
  million: 1e6,
  millions: 1e6,
  mln: 1e6,
  mn: 1e6,
  m: 1e6,
  millones: 1e6,
  millon: 1e6,
  millón: 1e6,
  millionen: 1e6,
  mio: 1e6,
  "mio.": 1e6,
  thousand: 1e3,
  k: 1e3,
  md: 1e9,
  mds: 1e9,
  mld: 1e9,
  млрд: 1e9,
  миллиард: 1e9,
  миллиарда: 1e9,
  миллиардов: 1e9,
  мільярд: 1e9,
  мільярда: 1e9,
  мільярдів: 1e9,
  miliardi: 1e9,
  miliardo: 1e9,
  bilhões: 1e9,
  bilhoes: 1e9,
  "mil milhões": 1e9,
  "mil milhoes": 1e9,
  milyar: 1e9,
  miliar: 1e9,
  miljard: 1e9,
  tỷ: 1e9,
  ty: 1e9,
  млн: 1e6,
  миллион: 1e6,
  миллиона: 1e6,
  миллионов: 1e6,
  мільйон: 1e6,
  мільйона: 1e6,
  мільйонів: 1e6,
  milioni: 1e6,
  milione: 1e6,
  milhões: 1e6,
  milhoes: 1e6,
  milhão: 1e6,
  milhao: 1e6,
  milyon: 1e6,
  juta: 1e6,
  miljoen: 1e6,
  triệu: 1e6,
  trieu: 1e6,
  조: 1e12,
  억: 1e8,
  億: 1e8,
  亿: 1e8,
  만: 1e4,
  万: 1e4,
  萬: 1e4,
  مليون: 1e6,
  ملايين: 1e6,
  مليار: 1e9,
  مليارات: 1e9,
};

/**
 * Parses "1,234,567", "1.5", "1,5" (decimal comma), "1.234.567" and "1 234" as numbers.
 * A lone comma followed by exactly three digits is a thousands separator ("1,500"), otherwise
 * a decimal comma ("1,5"); with both separators, the last one is the decimal point.
 */
export function parseNumber(raw: string): number {
  const digits = raw.replace(/[\u00a0\u202f ]/g, "");
  const lastComma = digits.lastIndexOf(",");
  const lastDot = digits.lastIndexOf(".");
  let normalised: string;
  if (lastComma >= 0 && lastDot >= 0) {
    normalised = lastComma > lastDot ? digits.replace(/\./g, "").replace(",", ".") : digits.replace(/,/g, "");
  } else if (lastComma >= 0) {
    normalised = /^\d{1,3}(,\d{3})+$/.test(digits) ? digits.replace(/,/g, "") : digits.replace(",", ".");
  } else if (lastDot >= 0 && digits.indexOf(".") !== lastDot) {
    normalised = digits.replace(/\./g, ""); // "1.234.567": several dots are thousands separators
  } else {
    normalised = digits;
  }
  return Number(normalised);
}

// Spanish, German and French write "1.500 millones" for 1,500 million: with these unit words a dot
// followed by groups of exactly three digits separates thousands, never decimals.
const DOT_THOUSANDS_UNITS =
  /^(?:mil millones|millones|mill[oó]n|millionen|mio\.?|milliarden?|mrd\.?|milliards?|milioni|miliardi|milh[õo]es|milyon|milyar|juta|miliar|miljoen|miljard)$/i;
const DOT_THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/;

function parseWithUnit(raw: string, unit: string | undefined): number {
  if (unit && DOT_THOUSANDS_UNITS.test(unit.replace(/\s+/g, " ")) && DOT_THOUSANDS.test(raw)) {
    return Number(raw.replace(/\./g, ""));
  }
  return parseNumber(raw);
}

function scale(unit: string | undefined): number {
  if (!unit) return 1;
  return SCALES[unit.toLowerCase().replace(/\s+/g, " ")] ?? 1;
}

// Arabic-Indic and Persian digits with the Arabic decimal and thousands marks, read as ASCII: one
// character for one, so offsets into the plain text stay exact ("٨٫٥ مليون دولار" is 8.5 million).
const ARABIC_DIGIT = /[\u0660-\u0669\u066b\u066c\u06f0-\u06f9]/;
const ARABIC_DIGITS = new RegExp(ARABIC_DIGIT.source, "g");

function asciiDigits(char: string): string {
  const code = char.charCodeAt(0);
  if (code === 0x066b) return ".";
  if (code === 0x066c) return ",";
  return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
}

/** Every US-dollar amount stated in `plain`, in order of appearance. */
export function findAmounts(plain: string): StatedAmount[] {
  const found: StatedAmount[] = [];
  const text = ARABIC_DIGIT.test(plain) ? plain.replace(ARABIC_DIGITS, asciiDigits) : plain;
  AMOUNT.lastIndex = 0;
  for (const match of text.matchAll(AMOUNT)) {
    const g = match.groups ?? {};
    let usd: number;
    if (g.symNum !== undefined) usd = parseNumber(g.symNum) * scale(g.symUnit);
    else if (g.wNum !== undefined) usd = parseWithUnit(g.wNum, g.wUnit) * scale(g.wUnit);
    else if (g.cNum !== undefined) {
      usd = parseNumber(g.cNum) * scale(g.cUnit);
      if (g.cNum2 !== undefined) usd += parseNumber(g.cNum2) * scale(g.cUnit2);
    } else continue;
    if (!Number.isFinite(usd) || usd <= 0) continue;
    const matched = match[0].trimEnd();
    const end = match.index + matched.length;
    found.push({ usd: Math.round(usd), start: match.index, end, text: plain.slice(match.index, end) });
  }
  return found;
}
