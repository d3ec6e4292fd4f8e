/**
 * A small WebSub hub (https://www.w3.org/TR/websub/) on 127.0.0.1 for tests: subscriptions with
 * verification of intent (GET the callback with a challenge it must echo), and on a publish ping
 * (hub.mode=publish, hub.url=<topic>) the fan-out: fetch the topic and POST its content to every
 * verified subscriber of that topic, with the Link headers (rel=hub, rel=self) the spec requires.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { startServer, type TestServer } from "./http-server.ts";

export interface Delivery {
  topic: string;
  callback: string;
  status: number;
}

export interface TestHub {
  url: string;
  /** Publish pings received, as their hub.url topics, in order. */
  pings: string[];
  /** Content deliveries made to subscribers. */
  deliveries: Delivery[];
  /** Verified subscriptions: topic -> callbacks. */
  subscriptions: Map<string, Set<string>>;
  /** Resolves when every fan-out started so far has finished. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startTestHub(): Promise<TestHub> {
  const pings: string[] = [];
  const deliveries: Delivery[] = [];
  const subscriptions = new Map<string, Set<string>>();
  const work: Promise<unknown>[] = [];
  // The fan-out names the hub's own URL, known once the server listens.
  const self: { server?: TestServer } = {};

  async function verify(callback: string, topic: string): Promise<boolean> {
    const challenge = randomBytes(12).toString("hex");
    const url = new URL(callback);
    url.searchParams.set("hub.mode", "subscribe");
    url.searchParams.set("hub.topic", topic);
    url.searchParams.set("hub.challenge", challenge);
    url.searchParams.set("hub.lease_seconds", "3600");
    const res = await fetch(url);
    return res.ok && (await res.text()) === challenge;
  }

  async function fanOut(topic: string): Promise<void> {
    const callbacks = [...(subscriptions.get(topic) ?? [])];
    if (callbacks.length === 0) return;
    const content = await fetch(topic);
    const body = await content.text();
    const type = content.headers.get("content-type") ?? "application/octet-stream";
    for (const callback of callbacks) {
      const res = await fetch(callback, {
        method: "POST",
        headers: {
          "Content-Type": type,
          Link: `<${self.server!.url("/")}>; rel="hub", <${topic}>; rel="self"`,
        },
        body,
      });
      deliveries.push({ topic, callback, status: res.status });
    }
  }

  const server = await startServer({
    "/": async (req, res) => {
      if (req.method !== "POST") {
        res.statusCode = 405;
        res.end();
        return;
      }
      const form = await readForm(req);
      const mode = form.get("hub.mode");
      if (mode === "subscribe") {
        const topic = form.get("hub.topic");
        const callback = form.get("hub.callback");
        if (!topic || !callback) {
          res.statusCode = 400;
          res.end("hub.topic and hub.callback are required");
          return;
        }
        res.statusCode = 202;
        res.end();
        // Verification of intent happens after the 202, as the spec describes.
        const verified = verify(callback, topic).then((ok) => {
          if (!ok) return;
          const set = subscriptions.get(topic) ?? new Set<string>();
          set.add(callback);
          subscriptions.set(topic, set);
        });
        work.push(verified);
        return;
      }
      if (mode === "publish") {
        const topic = form.get("hub.url") ?? form.get("hub.topic");
        if (!topic) {
          res.statusCode = 400;
          res.end("hub.url is required");
          return;
        }
        pings.push(topic);
        res.statusCode = 204;
        res.end();
        work.push(fanOut(topic));
        return;
      }
      res.statusCode = 400;
      res.end("unknown hub.mode");
    },
  });

  self.server = server;
  return {
    url: server.url("/"),
    pings,
    deliveries,
    subscriptions,
    async settled() {
      // New work may be queued while waiting (a fan-out after a verification): loop until quiet.
      let seen = -1;
      while (seen !== work.length) {
        seen = work.length;
        await Promise.all(work);
      }
    },
    close: () => server.close(),
  };
}
