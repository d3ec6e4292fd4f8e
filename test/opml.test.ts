/**
 * Feed lists in and out as OPML, through the real command: import of the export shapes Feedly,
 * Inoreader and NetNewsWire write (nested folders, entities, duplicates across folders), the
 * merged list checked by the one feed-list validator before it is written, and a round trip
 * (export, then import into an empty list) that gives back the same list.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOpml, planImport, slugId } from "../cli/opml.ts";
import { validateFeedList } from "../lambdas/core/model/config-schema.ts";
import { runCli } from "./helpers/run-cli.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/opml/${name}`, import.meta.url));

let dir: string;
let feedsFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "heistwatch-opml-"));
  feedsFile = join(dir, "feeds.json");
  writeFileSync(
    feedsFile,
    JSON.stringify([{ id: "krebs", name: "Krebs on Security", url: "https://krebsonsecurity.com/feed/" }]),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readList = () =>
  JSON.parse(readFileSync(feedsFile, "utf8")) as { id: string; name: string; url: string }[];

describe("parseOpml", () => {
  it("reads feeds at any folder depth, decodes entities and keeps the folder path", () => {
    const feeds = parseOpml(readFileSync(fixture("feedly.opml"), "utf8"), "feedly.opml");
    expect(feeds.map((f) => [f.title, f.folders.join("/")])).toEqual([
      ["Krebs on Security", "Security"],
      ["Chain & Ledger Forensics", "Security"],
      ["Séoul Crypto Quotidien", "Crypto/Korea"],
      ["Krebs on Security", "Crypto"],
      ["Unfiled wire", ""],
    ]);
  });

  it("refuses a document that is not OPML", () => {
    expect(() => parseOpml("<rss><channel/></rss>", "x.xml")).toThrow(/x\.xml is not an OPML document/);
  });

  it("makes valid, unique ids and skips URLs already listed however spelled", () => {
    const outlines = parseOpml(readFileSync(fixture("feedly.opml"), "utf8"), "feedly.opml");
    const plan = planImport(outlines, [
      { id: "krebs", name: "Krebs", url: "https://krebsonsecurity.com/feed/" },
    ]);
    expect(plan.duplicates).toHaveLength(2);
    expect(plan.added.map((f) => f.id)).toEqual([
      "chain-ledger-forensics",
      "seoul-crypto-quotidien",
      "unfiled-wire",
    ]);
    expect(slugId("A".repeat(80))).toHaveLength(64);
    const twice = planImport(
      [
        { title: "Same Name", xmlUrl: "https://a.example/feed", folders: [] },
        { title: "Same Name", xmlUrl: "https://b.example/feed", folders: [] },
      ],
      [],
    );
    expect(twice.added.map((f) => f.id)).toEqual(["same-name", "same-name-2"]);
    expect(() => validateFeedList(twice.added, "plan")).not.toThrow();
  });
});

describe("heistwatch feeds", () => {
  it.each([
    ["feedly.opml", ["chain-ledger-forensics", "seoul-crypto-quotidien", "unfiled-wire"], 2],
    ["inoreader.opml", ["advisories", "lab-notes"], 0],
    ["netnewswire.opml", ["bank-security-weekly", "defi-post-mortems"], 0],
  ])(
    "imports %s: new feeds added, duplicates reported, the list written and valid",
    async (name, ids, dupes) => {
      const result = await runCli(["feeds", "import", fixture(name), "--feeds", feedsFile]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`${ids.length} new, ${dupes} already in ${feedsFile}; written`);
      const list = readList();
      expect(list.map((f) => f.id)).toEqual(["krebs", ...ids]);
      expect(() => validateFeedList(list, feedsFile)).not.toThrow();
    },
  );

  it("round-trips: export, import into an empty list, the same list; importing again adds nothing", async () => {
    await runCli(["feeds", "import", fixture("feedly.opml"), "--feeds", feedsFile]);
    await runCli(["feeds", "import", fixture("netnewswire.opml"), "--feeds", feedsFile]);
    const before = readList();
    const exported = await runCli(["feeds", "export", "--feeds", feedsFile]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0"/);
    expect(exported.stdout).toContain("Chain &amp; Ledger Forensics");
    const opmlFile = join(dir, "export.opml");
    writeFileSync(opmlFile, exported.stdout);

    const again = await runCli(["feeds", "import", opmlFile, "--feeds", feedsFile]);
    expect(again.stdout).toContain(`0 new, ${before.length} already in`);

    const fresh = join(dir, "fresh.json");
    const restored = await runCli(["feeds", "import", opmlFile, "--feeds", fresh]);
    expect(restored.status).toBe(0);
    expect(JSON.parse(readFileSync(fresh, "utf8"))).toEqual(before);
  });

  it("--dry-run writes nothing", async () => {
    const before = readFileSync(feedsFile, "utf8");
    const result = await runCli([
      "feeds",
      "import",
      fixture("inoreader.opml"),
      "--feeds",
      feedsFile,
      "--dry-run",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("dry run, nothing written");
    expect(readFileSync(feedsFile, "utf8")).toBe(before);
  });

  it("refuses a feed the validator refuses, naming it, and writes nothing", async () => {
    const bad = join(dir, "bad.opml");
    writeFileSync(
      bad,
      '<opml version="2.0"><head/><body><outline text="Evil" type="rss" xmlUrl="javascript:alert(1)"/></body></opml>',
    );
    const before = readFileSync(feedsFile, "utf8");
    const result = await runCli(["feeds", "import", bad, "--feeds", feedsFile]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/feed 'evil'.*url must be an http\(s\) URL/);
    expect(readFileSync(feedsFile, "utf8")).toBe(before);
  });

  it("explains usage mistakes with exit 2", async () => {
    expect((await runCli(["feeds"])).status).toBe(2);
    expect((await runCli(["feeds", "import"])).status).toBe(2);
    const unknown = await runCli(["feeds", "export", "--nope"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--nope"');
  });
});
