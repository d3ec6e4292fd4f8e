/**
 * The "Get alerts" section of the page (a plain form, no JavaScript, posting to /subscriptions)
 * and the small pages of the sign-up flow: "check your inbox", the confirm and unsubscribe pages
 * whose one button POSTs (mail scanners follow links, so opening a link must change nothing).
 */
import { HONEYPOT_FIELD } from "../subscriptions/validate.ts";
import { escapeHtml } from "./escape.ts";
import { styleOnlyCsp } from "./csp.ts";

/** Styles of the section, appended to the page's stylesheet (and so covered by its CSP hash). */
export const SIGNUP_STYLE = [
  "section.signup{margin:16px 0;padding:12px 14px;background:var(--card);border:1px solid var(--line);border-radius:10px}",
  "section.signup h2{margin:0 0 4px;font-size:1.15rem}",
  "section.signup p{margin:0 0 8px;color:var(--muted);font-size:.9rem}",
  "form.signup{display:flex;flex-wrap:wrap;gap:8px;align-items:end}",
  "form.signup label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:2px}",
  "form.signup label.check{flex-direction:row;align-items:center;gap:6px}",
  "form.signup input,form.signup select,form.signup button{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--ink)}",
  "form.signup button{background:var(--link);color:#fff;border-color:var(--link);cursor:pointer}",
  "form.signup .hp{display:none}",
].join("");

/** The "Get alerts" form; `action` is the absolute /subscriptions URL on this site. */
export function renderSignupSection(action: string): string {
  return (
    '<section class="signup" id="get-alerts"><h2>Get alerts</h2>' +
    "<p>One email per story as it happens, or a daily or weekly digest. You confirm by mail first; " +
    "every mail has a one-click unsubscribe link. To change filters, unsubscribe and subscribe again.</p>" +
    `<form class="signup" method="post" action="${escapeHtml(action)}">` +
    '<label>Email<input type="email" name="email" required maxlength="254" autocomplete="email" placeholder="you@example.org"></label>' +
    '<label>Minimum severity<select name="min_severity"><option value="low">low</option><option value="medium">medium</option><option value="high">high</option></select></label>' +
    '<label>Actors (optional)<input type="text" name="actors" maxlength="300" placeholder="e.g. Lazarus Group, APT38"></label>' +
    '<label>Delivery<select name="digest"><option value="none">every alert</option><option value="daily">daily digest</option><option value="weekly">weekly digest</option></select></label>' +
    '<label class="check"><input type="checkbox" name="corroborated_only" value="true">corroborated only</label>' +
    `<div class="hp" aria-hidden="true"><label>Leave this empty<input type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></label></div>` +
    '<button type="submit">Subscribe</button></form></section>'
  );
}

const PAGE_STYLE =
  "body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1b1f24}" +
  ".wrap{max-width:560px;margin:40px auto;padding:20px;background:#fff;border:1px solid #dde1e6;border-radius:10px}" +
  "h1{font-size:1.4rem;margin:0 0 8px}button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}";

/** CSP of the flow's pages: this one stylesheet, forms posting back here, nothing else. */
export const SUBSCRIPTION_PAGE_CSP = styleOnlyCsp(PAGE_STYLE, "self");

export interface SubscriptionPage {
  title: string;
  /** Paragraphs of plain text (escaped here). */
  paragraphs: string[];
  /** One button that POSTs `fields` (and the optional visible `input`) to `action`. */
  form?: {
    action: string;
    fields: Record<string, string>;
    button: string;
    input?: { name: string; label: string; pattern: string; maxLength: number };
  };
  /** A link back to the site. */
  home: string;
}

export function renderSubscriptionPage(page: SubscriptionPage): string {
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}">` +
      Object.entries(page.form.fields)
        .map(
          ([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
        )
        .join("") +
      (page.form.input
        ? `<p><label>${escapeHtml(page.form.input.label)} <input name="${escapeHtml(page.form.input.name)}" ` +
          `required inputmode="numeric" autocomplete="one-time-code" pattern="${escapeHtml(page.form.input.pattern)}" ` +
          `maxlength="${page.form.input.maxLength}"></label></p>`
        : "") +
      `<button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : "";
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(page.title)}</title><style>${PAGE_STYLE}</style></head>`,
    `<body><main class="wrap"><h1>${escapeHtml(page.title)}</h1>`,
    ...page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`),
    form,
    `<p><a href="${escapeHtml(page.home)}">Back to the stories</a></p></main></body></html>`,
    "",
  ].join("\n");
}
