/**
 * Must-show of public sign-up in local mode, end to end against a real SMTP server started here:
 * subscribe through the form's POST, receive the confirmation mail, confirm through the page's
 * POST, get one mail for a matching story and none for one that does not match, get the daily
 * digest with that day's stories, unsubscribe with the RFC 8058 one-click POST, and get nothing
 * for the next matching story. Real feed server, real embedded DynamoDB, real mail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiServer } from "../cli/local/http-adapter.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { testLocalConfig } from "./helpers/local-config.ts";
import { type ReceivedMail, type SmtpInbox, startSmtpInbox } from "./helpers/smtp-inbox.ts";

const INSTANT = "instant.reader@example.org";
const DIGEST = "digest.reader@example.org";

interface Item {
  title: string;
  link: string;
  description: string;
  at: string;
}

function rss(items: Item[]): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Alpha</title><link>https://alpha.example/</link><description>d</description>
${items
  .map(
    (i) =>
      `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.link}</guid><pubDate>${new Date(i.at).toUTCString()}</pubDate><description>${i.description}</description></item>`,
  )
  .join("\n")}
</channel></rss>`;
}

const LAZARUS: Item = {
  title: "North Korea's Lazarus Group stole $290 million from crypto exchange in hack, FBI says",
  link: "https://alpha.example/lazarus-exchange",
  description: "The FBI attributed the theft from the exchange's hot wallet to the Lazarus Group.",
  at: "2026-03-10T09:00:00Z",
};
const KIMSUKY: Item = {
  title: "Kimsuky hackers linked to North Korea stole $2 million from a wallet provider",
  link: "https://alpha.example/kimsuky-wallet",
  description: "Researchers linked the wallet theft to the Kimsuky group.",
  at: "2026-03-10T09:30:00Z",
};
const BRIDGE: Item = {
  title: "Lazarus Group hackers drain $120 million from cross-chain bridge, investigators say",
  link: "https://alpha.example/lazarus-bridge",
  description: "Investigators say the bridge theft bears the marks of the Lazarus Group.",
  at: "2026-03-11T08:00:00Z",
};

let now = new Date("2026-03-10T10:00:00Z");
let items: Item[] = [];
let feeds: TestServer;
let inbox: SmtpInbox;
let stack: LocalStack;
let api: ApiServer;
const printed: string[] = [];

beforeAll(async () => {
  inbox = await startSmtpInbox();
  feeds = await startServer({
    "/alpha.xml": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml");
      res.end(rss(items));
    },
  });
  const config = testLocalConfig({
    smtpUrl: inbox.url,
    mailFrom: "alerts@heistwatch.test",
    digestHour: 7,
    digestWeekday: 1,
  });
  stack = await openLocalStack({
    config,
    feeds: [{ id: "alpha", name: "Alpha News", url: feeds.url("/alpha.xml") }],
    dataDir: null,
    output: { out: (t) => printed.push(t), err: (t) => printed.push(t) },
    clock: () => now,
  });
  api = await stack.serveApi(0);
});

afterAll(async () => {
  await stack?.close();
  await feeds?.close();
  await inbox?.close();
});

async function postForm(url: string, body: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

/** Opens the confirmation link like a person: GET shows a page, its one form POSTs the token. */
async function confirmFrom(mail: ReceivedMail): Promise<void> {
  const link = /(http:\/\/\S+\/subscriptions\/confirm\?token=[A-Za-z0-9_-]+)/.exec(
    mail.parsed.text ?? "",
  )?.[1];
  expect(link).toBeDefined();
  const pageResponse = await fetch(link!);
  expect(pageResponse.status).toBe(200);
  const page = await pageResponse.text();
  const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1];
  expect(action).toBe(`${api.url}/subscriptions/confirm`);
  const confirmed = await postForm(action!, `token=${token}`);
  expect(confirmed.status).toBe(200);
  expect(await confirmed.text()).toContain("Subscribed");
}

/** The URL of the List-Unsubscribe header, as a mail client reads it (unfolded, between < and >). */
function listUnsubscribeOf(mail: ReceivedMail): string {
  const line = mail.parsed.headerLines.find((header) => header.key === "list-unsubscribe")?.line ?? "";
  return /<([^>]+)>/.exec(line.replace(/\r?\n[ \t]+/g, ""))?.[1] ?? "";
}

describe("public sign-up, local mode with real mail", () => {
  it("subscribe, confirm, alert, no alert, digest, one-click unsubscribe, silence", async () => {
    // 1. Sign up through the form's POST (the fields the page's form sends).
    const answer = await postForm(
      `${api.url}/subscriptions`,
      `email=${encodeURIComponent(INSTANT)}&min_severity=high&actors=Lazarus+Group&digest=none&website=`,
    );
    expect(answer.status).toBe(202);
    expect(await answer.text()).toContain("Check your inbox");
    expect(inbox.to(INSTANT)).toHaveLength(1);
    const confirmation = inbox.to(INSTANT)[0]!;
    expect(confirmation.parsed.subject).toBe("Confirm your heistwatch alerts");
    expect(confirmation.parsed.from?.value[0]?.address).toBe("alerts@heistwatch.test");
    expect(confirmation.parsed.text).toContain("severity high");
    expect(confirmation.parsed.text).toContain("actors: Lazarus Group");

    // Nothing is delivered before confirmation; the confirmation page itself changes nothing.
    await confirmFrom(confirmation);

    const digestAnswer = await postForm(
      `${api.url}/subscriptions`,
      `email=${encodeURIComponent(DIGEST)}&min_severity=low&digest=daily`,
    );
    expect(digestAnswer.status).toBe(202);
    await confirmFrom(inbox.to(DIGEST)[0]!);

    // 2. A cycle with a matching story (Lazarus, high) and one that does not match (another actor).
    items = [LAZARUS, KIMSUKY];
    await stack.runCycle();
    const alerts = inbox.to(INSTANT).slice(1);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.parsed.subject).toContain("[HIGH]");
    expect(alert.parsed.subject).toContain("Lazarus Group stole $290 million");
    expect(alert.parsed.text).toContain("Actor: Lazarus Group");
    expect(alert.parsed.text).not.toContain("Kimsuky");
    const unsubscribeUrl = listUnsubscribeOf(alert);
    expect(unsubscribeUrl).toMatch(
      new RegExp(`^${api.url}/subscriptions/unsubscribe\\?token=[A-Za-z0-9_-]{43}$`),
    );
    expect(alert.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(alert.parsed.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
    // The instant alert went to its subscriber only: the digest reader got no instant mail.
    expect(inbox.to(DIGEST)).toHaveLength(1);

    // 3. The next morning after the digest hour: the daily digest lists that day's stories.
    now = new Date("2026-03-11T07:30:00Z");
    await stack.runCycle();
    const digests = inbox.to(DIGEST).slice(1);
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    expect(digest.parsed.subject).toBe("heistwatch daily digest: 2 stories");
    expect(digest.parsed.text).toContain("Lazarus Group stole $290 million");
    expect(digest.parsed.text).toContain("Kimsuky hackers");
    expect(digest.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(listUnsubscribeOf(digest)).toMatch(new RegExp(`^${api.url}/subscriptions/unsubscribe\\?token=`));
    // The instant subscriber gets no digest; a second run in the same period sends none again.
    expect(inbox.to(INSTANT)).toHaveLength(2);
    await stack.runCycle();
    expect(inbox.to(DIGEST)).toHaveLength(2);

    // 4. One-click unsubscribe (RFC 8058): a POST of List-Unsubscribe=One-Click to the header's URL.
    const ended = await postForm(unsubscribeUrl, "List-Unsubscribe=One-Click");
    expect(ended.status).toBe(200);
    expect(await ended.text()).toContain("Unsubscribed");

    // 5. The next matching story sends nothing to the unsubscribed address (the card still prints).
    now = new Date("2026-03-11T08:30:00Z");
    items = [LAZARUS, KIMSUKY, BRIDGE];
    const before = inbox.mails.length;
    await stack.runCycle();
    expect(printed.join("\n")).toContain("cross-chain bridge");
    expect(inbox.mails.length).toBe(before);
    expect(inbox.to(INSTANT)).toHaveLength(2);
  }, 60_000);
});
