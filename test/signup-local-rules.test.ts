/**
 * Local mode's sign-up rules against a real SMTP server: opening a confirmation link changes
 * nothing (mail scanners open links), a repeated sign-up for a confirmed address sends nothing and
 * keeps its filters, a pending address gets a fresh link that supersedes the old one, unknown
 * tokens are refused, and hostile sign-ups send no mail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiServer } from "../cli/local/http-adapter.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { createDynamoSubscriberStore } from "../lambdas/adapters/dynamo-subscriptions.ts";
import { type SmtpInbox, startSmtpInbox } from "./helpers/smtp-inbox.ts";
import { testLocalConfig } from "./helpers/local-config.ts";

let inbox: SmtpInbox;
let stack: LocalStack;
let api: ApiServer;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  stack = await openLocalStack({
    config: testLocalConfig({ allowPrivateAddresses: [], smtpUrl: inbox.url }),
    feeds: [],
    dataDir: null,
    output: { out: () => {}, err: () => {} },
  });
  api = await stack.serveApi(0);
});

afterAll(async () => {
  await stack?.close();
  await inbox?.close();
});

const signUp = (body: Record<string, string>) =>
  fetch(`${api.url}/subscriptions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const linkIn = (text: string | undefined) =>
  /(http:\/\/\S+\/subscriptions\/confirm\?token=([A-Za-z0-9_-]+))/.exec(text ?? "");
const confirm = (token: string) =>
  fetch(`${api.url}/subscriptions/confirm`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `token=${token}`,
  });
const subscribers = () =>
  createDynamoSubscriberStore({ client: stack.dynamo.client, tableName: "heistwatch" }).listConfirmed();

describe("local sign-up rules", () => {
  it("confirms only on POST; a repeated sign-up for a confirmed address sends nothing and changes nothing", async () => {
    expect((await signUp({ email: "kept@example.org", min_severity: "high" })).status).toBe(202);
    const [, link, token] = linkIn(inbox.to("kept@example.org")[0]?.parsed.text)!;
    // A scanner opening the link (GET, HEAD) confirms nothing.
    expect((await fetch(link!)).status).toBe(200);
    expect((await fetch(link!, { method: "HEAD" })).status).toBe(200);
    expect(await subscribers()).toEqual([]);
    expect((await confirm(token!)).status).toBe(200);
    expect((await subscribers()).map((s) => [s.address, s.filters.minSeverity])).toEqual([
      ["kept@example.org", "high"],
    ]);
    // The link works once.
    expect((await confirm(token!)).status).toBe(400);

    const fresh = await signUp({ email: "someone.new@example.org" });
    const again = await signUp({ email: "KEPT@example.org", min_severity: "low", digest: "daily" });
    expect(again.status).toBe(fresh.status);
    expect(await again.text()).toBe(await fresh.text());
    expect(inbox.to("kept@example.org")).toHaveLength(1);
    const kept = (await subscribers()).find((s) => s.address === "kept@example.org")!;
    expect(kept.filters).toEqual({
      minSeverity: "high",
      actors: [],
      corroboratedOnly: false,
      digest: "none",
    });
  });

  it("sends a pending address a fresh link that replaces the old one", async () => {
    await signUp({ email: "pending@example.org" });
    await signUp({ email: "pending@example.org", min_severity: "medium" });
    const mails = inbox.to("pending@example.org");
    expect(mails).toHaveLength(2);
    const first = linkIn(mails[0]!.parsed.text)![2]!;
    const second = linkIn(mails[1]!.parsed.text)![2]!;
    expect(first).not.toBe(second);
    expect((await confirm(first)).status).toBe(400);
    expect((await confirm(second)).status).toBe(200);
    expect((await subscribers()).find((s) => s.address === "pending@example.org")?.filters.minSeverity).toBe(
      "medium",
    );
  });

  it("refuses unknown and malformed tokens on both links", async () => {
    for (const token of ["x".repeat(43), "", "../../etc/passwd", "a".repeat(5000)]) {
      expect((await confirm(encodeURIComponent(token))).status).toBe(400);
      const unsubscribe = await fetch(
        `${api.url}/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        },
      );
      expect(unsubscribe.status).toBe(400);
    }
    expect((await fetch(`${api.url}/subscriptions/elsewhere`)).status).toBe(404);
    expect((await fetch(`${api.url}/subscriptions/confirm`, { method: "DELETE" })).status).toBe(405);
  });

  it("sends no mail for hostile sign-ups", async () => {
    const before = inbox.mails.length;
    const bodies: Record<string, string>[] = [
      { email: "victim@example.org\r\nBcc: everyone@example.org" },
      { email: "a@example.org, b@example.org" },
      { email: "x".repeat(10_000) + "@example.org" },
      { email: "ok@example.org", website: "spam" },
      { phone: "+447700900123" },
      { email: "ok@example.org", actors: "<img src=x>" },
    ];
    for (const body of bodies) {
      const response = await signUp(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const error = ((await response.json()) as { error: { parameter: string; message: string } }).error;
      expect(error.message.startsWith(`${error.parameter}:`)).toBe(true);
    }
    expect(inbox.mails.length).toBe(before);
  });
});
