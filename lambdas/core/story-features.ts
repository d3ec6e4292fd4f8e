/**
 * What the story matcher compares: a few normalised facts per article, small enough to keep
 * on the story item for each of its sources.
 */

/** Match features of one article (all strings lowercased and normalised). */
export interface StoryFeatures {
  articleId: string;
  feedId: string;
  publishedAt: string;
  /** Content words of title + summary (stopwords dropped, lightly stemmed), deduplicated. */
  words: string[];
  /** Distinctive names: mixed-case, acronyms, alphanumerics, capitalised non-initial words. */
  names: string[];
  /** Names of the same kind that appear in the title (the strongest signal). */
  titleNames: string[];
  /** Significant numbers, rounded to two significant digits ("342,000", "34만2000" -> "340000"). */
  numbers: string[];
  /** Four-digit years mentioned (weak evidence). */
  years: string[];
  /** Actors and attribution sources (Lazarus, FBI, Chainalysis...): shared by many events, so weak. */
  attribution: string[];
  amountUsd: number | null;
}
