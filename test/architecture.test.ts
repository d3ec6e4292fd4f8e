/**
 * The layout the README promises, checked: core is pure (no sockets, no AWS SDK, nothing from
 * adapters, handlers, the CLI or infra), and the README's tree lists exactly core's folders.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const CORE = join(ROOT, "lambdas", "core");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  // `import x from "m"`, `export ... from "m"`, bare `import "m"`, and `import("m")`.
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']|(?:^|\n)\s*import\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  return [...source.matchAll(pattern)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

const SOCKET_MODULES = [
  "node:http",
  "node:https",
  "node:http2",
  "node:net",
  "node:tls",
  "node:dgram",
  "node:dns",
  "node:dns/promises",
];

describe("lambdas/core is pure", () => {
  const files = tsFiles(CORE);

  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))(
    "%s imports no socket module, AWS SDK, adapter, handler, CLI or infra",
    (_name, file) => {
      for (const spec of importsOf(file)) {
        expect(SOCKET_MODULES, spec).not.toContain(spec);
        expect(spec, spec).not.toMatch(/^@aws-sdk\/|^aws-cdk-lib|^dynalite/);
        if (spec.startsWith(".")) {
          const target = relative(ROOT, join(file, "..", spec));
          expect(target, `${spec} leaves core`).toMatch(/^lambdas\/(core\/|contract\.ts$)/);
        }
      }
    },
  );
});

describe("the README's tree", () => {
  it("lists exactly the folders of lambdas/core", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const tree = readme.slice(readme.indexOf("  core/"), readme.indexOf("  adapters/"));
    const listed = [...tree.matchAll(/^ {4}([a-z-]+)\/ /gm)].map((m) => m[1]).sort();
    const actual = readdirSync(CORE)
      .filter((name) => statSync(join(CORE, name)).isDirectory())
      .sort();
    expect(listed).toEqual(actual);
  });
});
