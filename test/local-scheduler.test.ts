import { describe, expect, it, vi } from "vitest";
import { createHostGate, hostOf } from "../cli/local/host-gate.ts";
import { interleaveByHost, runFeeds, runFeedsInStages, runLoop } from "../cli/local/scheduler.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";

function feed(id: string, host: string): FeedConfig {
  return { id, name: id, url: `https://${host}/${id}.xml` };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runFeeds", () => {
  it("never runs two polls of one host at once, and keeps the gap between them", async () => {
    const feeds = [
      feed("a1", "a.example"),
      feed("a2", "a.example"),
      feed("a3", "a.example"),
      feed("b1", "b.example"),
    ];
    const active = new Map<string, number>();
    const spans: Record<string, Array<[number, number]>> = {};
    let maxPerHost = 0;
    const runs = await runFeeds(
      feeds,
      async (f) => {
        const host = hostOf(f.url);
        active.set(host, (active.get(host) ?? 0) + 1);
        maxPerHost = Math.max(maxPerHost, active.get(host)!);
        const start = Date.now();
        await delay(20);
        active.set(host, active.get(host)! - 1);
        spans[host] = [...(spans[host] ?? []), [start, Date.now()]];
        return f.id;
      },
      { concurrency: 4, gate: createHostGate(40) },
    );
    expect(runs.map((r) => (r.status === "done" ? r.result : r.status))).toEqual(["a1", "a2", "a3", "b1"]);
    expect(maxPerHost).toBe(1);
    const a = spans["a.example"]!;
    for (let i = 1; i < a.length; i++) expect(a[i]![0] - a[i - 1]![1]).toBeGreaterThanOrEqual(38);
  });

  it("bounds overall concurrency across hosts", async () => {
    const feeds = Array.from({ length: 12 }, (_, i) => feed(`f${i}`, `h${i}.example`));
    let active = 0;
    let peak = 0;
    await runFeeds(
      feeds,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await delay(10);
        active--;
      },
      { concurrency: 3, gate: createHostGate(0) },
    );
    expect(peak).toBe(3);
  });

  it("isolates a poll that throws and reports it, the others still run", async () => {
    const seen: string[] = [];
    const runs = await runFeeds(
      [feed("bad", "x.example"), feed("good", "y.example")],
      async (f) => {
        if (f.id === "bad") throw new Error("boom");
        return "fine";
      },
      { concurrency: 2, gate: createHostGate(0), onDone: (r) => seen.push(`${r.feed.id}:${r.status}`) },
    );
    expect(runs[0]).toMatchObject({ status: "threw" });
    expect((runs[0] as { error: Error }).error.message).toBe("boom");
    expect(runs[1]).toMatchObject({ status: "done", result: "fine" });
    expect(seen.sort()).toEqual(["bad:threw", "good:done"]);
  });

  it("starts no new feed once aborted, and lets the running one finish", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const runs = await runFeeds(
      [feed("a1", "a.example"), feed("a2", "a.example"), feed("a3", "a.example")],
      async (f) => {
        started.push(f.id);
        controller.abort();
        await delay(10);
        return "finished";
      },
      { concurrency: 1, gate: createHostGate(1000), signal: controller.signal },
    );
    expect(started).toEqual(["a1"]);
    expect(runs.map((r) => r.status)).toEqual(["done", "not-started", "not-started"]);
  });
});

describe("runFeedsInStages", () => {
  /** A promise with its resolve handle, so the test decides when a stage ends. */
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it("frees the host when the fetch ends: the next feed of the host is fetched while the first one is stored", async () => {
    const events: string[] = [];
    const stored = deferred();
    const runs = runFeedsInStages(
      [feed("a1", "a.example"), feed("a2", "a.example")],
      async (f) => {
        events.push(`fetch ${f.id}`);
        return f.id;
      },
      async (fetched) => {
        if (fetched === "a1") {
          events.push("store a1 starts");
          await stored.promise;
        }
        events.push(`stored ${fetched}`);
        return fetched;
      },
      { concurrency: 2, gate: createHostGate(0) },
    );
    await vi.waitFor(() => expect(events).toContain("stored a2"));
    expect(events).toEqual(["fetch a1", "store a1 starts", "fetch a2", "stored a2"]);
    stored.resolve();
    expect((await runs).map((r) => (r.status === "done" ? r.result : r.status))).toEqual(["a1", "a2"]);
  });

  it("bounds the stores running at once by the concurrency, apart from the fetches", async () => {
    const feeds = Array.from({ length: 8 }, (_, i) => feed(`f${i}`, `h${i}.example`));
    let storing = 0;
    let peak = 0;
    await runFeedsInStages(
      feeds,
      async (f) => f.id,
      async (id) => {
        storing++;
        peak = Math.max(peak, storing);
        await delay(5);
        storing--;
        return id;
      },
      { concurrency: 3, gate: createHostGate(0) },
    );
    expect(peak).toBe(3);
  });

  it("stores a feed already fetched when the signal aborts, and starts no new fetch", async () => {
    const controller = new AbortController();
    const runs = await runFeedsInStages(
      [feed("a1", "a.example"), feed("a2", "a.example")],
      async (f) => {
        controller.abort();
        return f.id;
      },
      async (id) => `stored ${id}`,
      { concurrency: 1, gate: createHostGate(1000), signal: controller.signal },
    );
    expect(runs.map((r) => (r.status === "done" ? r.result : r.status))).toEqual([
      "stored a1",
      "not-started",
    ]);
  });

  it("reports a store stage that throws as that feed's crash", async () => {
    const runs = await runFeedsInStages(
      [feed("a1", "a.example")],
      async (f) => f.id,
      async () => {
        throw new Error("store exploded");
      },
      { concurrency: 1, gate: createHostGate(0) },
    );
    expect(runs[0]).toMatchObject({ status: "threw" });
    expect((runs[0] as { error: Error }).error.message).toBe("store exploded");
  });
});

describe("interleaveByHost", () => {
  it("orders feeds round-robin across hosts", () => {
    const feeds = [feed("a1", "a"), feed("a2", "a"), feed("a3", "a"), feed("b1", "b"), feed("c1", "c:8080")];
    expect(interleaveByHost(feeds).map((x) => x.feed.id)).toEqual(["a1", "b1", "c1", "a2", "a3"]);
  });
});

describe("runLoop", () => {
  it("repeats cycles on the interval, survives a throwing cycle, stops on abort", async () => {
    const controller = new AbortController();
    const errors: unknown[] = [];
    let cycles = 0;
    await runLoop({
      intervalMs: 5,
      signal: controller.signal,
      onCycleError: (e) => errors.push(e),
      async cycle() {
        cycles++;
        if (cycles === 2) throw new Error("store down");
        if (cycles === 3) controller.abort();
      },
    });
    expect(cycles).toBe(3);
    expect(errors).toHaveLength(1);
  });
});
