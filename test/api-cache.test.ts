import { describe, expect, it } from "vitest";
import { cachedStoryReader } from "../lambdas/core/api/cached-reader.ts";
import type { StoryPage, StoryQuery, StoryReader } from "../lambdas/core/model/ports.ts";
import { makeStory } from "./helpers/api-stories.ts";

function countingReader(fail = false) {
  const calls: StoryQuery[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reader: StoryReader = {
    async listFlaggedStories(query): Promise<StoryPage> {
      calls.push(query);
      await gate;
      if (fail) throw new Error("store down");
      return { stories: [makeStory({ id: `page-${calls.length}` })], nextCursor: null };
    },
    async getStory(id) {
      return makeStory({ id });
    },
  };
  return { reader, calls, release };
}

describe("cachedStoryReader", () => {
  it("shares one store read among concurrent identical queries and serves repeats until the TTL ends", async () => {
    let now = 0;
    const { reader, calls, release } = countingReader();
    const cached = cachedStoryReader(reader, { ttlMs: 5_000, clock: () => new Date(now) });
    const pending = [cached.listFlaggedStories({ limit: 10 }), cached.listFlaggedStories({ limit: 10 })];
    release();
    const [a, b] = await Promise.all(pending);
    expect(calls).toHaveLength(1);
    expect(a).toBe(b);
    now = 4_999;
    await cached.listFlaggedStories({ limit: 10 });
    expect(calls).toHaveLength(1);
    now = 5_000;
    const fresh = await cached.listFlaggedStories({ limit: 10 });
    expect(calls).toHaveLength(2);
    expect(fresh.stories[0]?.id).toBe("page-2");
  });

  it("after expiry, lets one request wait for the new read while the others get the expired page at once", async () => {
    let now = 0;
    const calls: StoryQuery[] = [];
    const gates: Array<() => void> = [];
    const reader: StoryReader = {
      async listFlaggedStories(query) {
        calls.push(query);
        const n = calls.length;
        await new Promise<void>((resolve) => gates.push(resolve));
        return { stories: [makeStory({ id: `page-${n}` })], nextCursor: null };
      },
      getStory: async (id) => makeStory({ id }),
    };
    const cached = cachedStoryReader(reader, { ttlMs: 5_000, clock: () => new Date(now) });
    const first = cached.listFlaggedStories({ limit: 10 });
    gates.shift()!();
    const old = await first;
    now = 6_000;
    const refreshing = cached.listFlaggedStories({ limit: 10 });
    expect(calls).toHaveLength(2);
    // While that read is in flight, others are answered from the expired page without a read.
    expect(await cached.listFlaggedStories({ limit: 10 })).toBe(old);
    expect(calls).toHaveLength(2);
    gates.shift()!();
    const fresh = await refreshing;
    expect(fresh.stories[0]?.id).toBe("page-2");
    expect(await cached.listFlaggedStories({ limit: 10 })).toBe(fresh);
    expect(calls).toHaveLength(2);
  });

  it("does not keep serving an expired page after its refresh failed: the next request reads again", async () => {
    let now = 0;
    let failing = false;
    const calls: StoryQuery[] = [];
    const reader: StoryReader = {
      async listFlaggedStories(query) {
        calls.push(query);
        if (failing) throw new Error("store down");
        return { stories: [makeStory({ id: `page-${calls.length}` })], nextCursor: null };
      },
      getStory: async (id) => makeStory({ id }),
    };
    const cached = cachedStoryReader(reader, { ttlMs: 5_000, clock: () => new Date(now) });
    await cached.listFlaggedStories({ limit: 10 });
    now = 6_000;
    failing = true;
    await expect(cached.listFlaggedStories({ limit: 10 })).rejects.toThrow("store down");
    await expect(cached.listFlaggedStories({ limit: 10 })).rejects.toThrow("store down");
    expect(calls).toHaveLength(3);
    failing = false;
    expect((await cached.listFlaggedStories({ limit: 10 })).stories[0]?.id).toBe("page-4");
  });

  it("keeps different filters and cursors apart, and treats actor case-insensitively like the store", async () => {
    const { reader, calls, release } = countingReader();
    release();
    const cached = cachedStoryReader(reader, { ttlMs: 60_000 });
    await cached.listFlaggedStories({ limit: 10, actor: "Lazarus Group" });
    await cached.listFlaggedStories({ limit: 10, actor: "lazarus group" });
    await cached.listFlaggedStories({ limit: 10, cursor: "c1" });
    await cached.listFlaggedStories({ limit: 10, severity: "high" });
    await cached.listFlaggedStories({ limit: 11 });
    expect(calls).toHaveLength(4);
  });

  it("never caches a failure", async () => {
    const { reader, calls, release } = countingReader(true);
    release();
    const cached = cachedStoryReader(reader, { ttlMs: 60_000 });
    await expect(cached.listFlaggedStories({ limit: 1 })).rejects.toThrow("store down");
    await expect(cached.listFlaggedStories({ limit: 1 })).rejects.toThrow("store down");
    expect(calls).toHaveLength(2);
  });

  it("holds at most maxEntries queries, dropping the oldest", async () => {
    const { reader, calls, release } = countingReader();
    release();
    const cached = cachedStoryReader(reader, { ttlMs: 60_000, maxEntries: 2 });
    for (const limit of [1, 2, 3]) await cached.listFlaggedStories({ limit });
    await cached.listFlaggedStories({ limit: 3 });
    expect(calls).toHaveLength(3);
    await cached.listFlaggedStories({ limit: 1 });
    expect(calls).toHaveLength(4);
  });
});
