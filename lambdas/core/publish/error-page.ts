/**
 * The HTML a browser sees for a client error (a bad filter value, an unknown story): the
 * message, what to do, and a way back. JSON clients keep getting the JSON error; the API
 * chooses by the Accept header (see api/app.ts).
 */
import { escapeHtml } from "./escape.ts";
import { styleOnlyCsp } from "./csp.ts";

const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#dde1e6;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#181c22;--ink:#e7eaee;--muted:#a3adba;--line:#2a3038;--link:#8ab4f8}}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
main{max-width:640px;margin:40px auto;padding:20px;background:var(--card);border:1px solid var(--line);border-radius:10px}
h1{margin:0 0 8px;font-size:1.4rem}
p.code{color:var(--muted);font-size:.9rem}
`
  .trim()
  .replace(/\n/g, "");

/** CSP for the error page: its stylesheet by hash, nothing else. */
export const ERROR_PAGE_CSP = styleOnlyCsp(STYLE, "none");

const TITLES: Record<number, string> = {
  400: "That request has a value we cannot use",
  404: "Nothing here",
  405: "That method is not allowed",
};

export interface ErrorPageInput {
  status: number;
  code: string;
  message: string;
  /** The query parameter at fault, if any. */
  parameter?: string;
  /** Absolute URL of the front page. */
  homeUrl: string;
}

/** A small HTML page for a 4xx answer. */
export function renderErrorPage(input: ErrorPageInput): string {
  const title = TITLES[input.status] ?? "Something is wrong with that request";
  const hint = input.parameter
    ? `<p>Fix or remove <code>${escapeHtml(input.parameter)}</code> in the address and try again.</p>`
    : "";
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${input.status} · ${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head><body><main>",
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(input.message)}</p>`,
    hint,
    `<p><a href="${escapeHtml(input.homeUrl)}">Back to the latest stories</a></p>`,
    `<p class="code">HTTP ${input.status} · ${escapeHtml(input.code)}</p>`,
    "</main></body></html>",
    "",
  ].join("\n");
}

/** Whether the client asked for HTML (a browser navigating), rather than JSON or anything. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  const html = types.findIndex((type) => type === "text/html" || type === "application/xhtml+xml");
  const json = types.findIndex((type) => type === "application/json" || type.endsWith("+json"));
  return html !== -1 && (json === -1 || html < json);
}
