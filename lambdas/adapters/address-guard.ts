/**
 * SSRF guard: decides whether an IP address may be connected to. Feeds, their redirects and
 * article links come from strangers, so anything that is not a public unicast address is refused
 * (loopback, private, link-local incl. the 169.254.169.254 metadata endpoint, CGNAT, unique-local,
 * multicast, reserved), unless an operator explicitly allows it (tests and local mode).
 * The check runs on resolved addresses, after DNS, so hostnames cannot smuggle an internal target.
 */
import { BlockList, isIP } from "node:net";

// Ranges no feed fetch has a reason to reach. IPv4-mapped and NAT64 IPv6 addresses are unwrapped
// to IPv4 first (see normaliseAddress), so these rules cover them too.
const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "unspecified (0.0.0.0/8)"],
  ["10.0.0.0", 8, "private (10.0.0.0/8)"],
  ["100.64.0.0", 10, "carrier-grade NAT (100.64.0.0/10)"],
  ["127.0.0.0", 8, "loopback (127.0.0.0/8)"],
  ["169.254.0.0", 16, "link-local / cloud metadata (169.254.0.0/16)"],
  ["172.16.0.0", 12, "private (172.16.0.0/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"],
  ["192.0.2.0", 24, "documentation (192.0.2.0/24)"],
  ["192.168.0.0", 16, "private (192.168.0.0/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18.0.0/15)"],
  ["198.51.100.0", 24, "documentation (198.51.100.0/24)"],
  ["203.0.113.0", 24, "documentation (203.0.113.0/24)"],
  ["224.0.0.0", 4, "multicast (224.0.0.0/4)"],
  ["240.0.0.0", 4, "reserved (240.0.0.0/4)"],
];

const BLOCKED_V6: Array<[string, number, string]> = [
  ["::1", 128, "loopback (::1)"],
  ["::", 128, "unspecified (::)"],
  ["::", 96, "IPv4-compatible, deprecated (::/96)"],
  ["100::", 64, "discard (100::/64)"],
  ["2001:db8::", 32, "documentation (2001:db8::/32)"],
  ["fc00::", 7, "unique-local (fc00::/7)"],
  ["fe80::", 10, "link-local (fe80::/10)"],
  ["fec0::", 10, "site-local (fec0::/10)"],
  ["ff00::", 8, "multicast (ff00::/8)"],
];

interface Rule {
  list: BlockList;
  reason: string;
}

const RULES: Rule[] = [
  ...BLOCKED_V4.map(([net, prefix, reason]) => rule(net, prefix, "ipv4", reason)),
  ...BLOCKED_V6.map(([net, prefix, reason]) => rule(net, prefix, "ipv6", reason)),
];

function rule(network: string, prefix: number, type: "ipv4" | "ipv6", reason: string): Rule {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, reason };
}

/** An allow-list built from IPs and CIDRs ("127.0.0.1", "10.1.0.0/16", "::1"). Throws on a bad entry. */
export function buildAllowList(entries: readonly string[] = []): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const [address = "", prefixText] = raw.trim().split("/");
    const normal = normaliseAddress(address);
    if (!normal) throw new Error(`allow-list entry "${raw}" is not an IP address or CIDR`);
    const family = isIP(normal) === 4 ? "ipv4" : "ipv6";
    if (prefixText === undefined) {
      list.addAddress(normal, family);
    } else {
      const prefix = Number(prefixText);
      const max = family === "ipv4" ? 32 : 128;
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new Error(`allow-list entry "${raw}" has a bad prefix length`);
      }
      list.addSubnet(normal, prefix, family);
    }
  }
  return list;
}

/**
 * Canonical form of an IP address for checking: zone id dropped, IPv6 brackets removed, and
 * IPv4-mapped (::ffff:a.b.c.d, ::ffff:7f00:1) or NAT64 (64:ff9b::/96) addresses unwrapped to the
 * IPv4 address they reach. Returns null when the input is not an IP address.
 */
export function normaliseAddress(input: string): string | null {
  let address = input.trim();
  if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  address = address.replace(/%.*$/, "");
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const groups = expandIpv6(address);
  if (!groups) return null;
  const embedsV4 =
    (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) ||
    (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0));
  if (embedsV4) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return groups.map((g) => g.toString(16)).join(":");
}

/** Eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail allowed). */
function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether a connection to `address` may be made. Explicitly allowed addresses pass; otherwise any
 * address in a non-public range is refused with the range named in `reason`.
 */
export function checkAddress(address: string, allow?: BlockList): AddressVerdict {
  const normal = normaliseAddress(address);
  if (!normal) return { allowed: false, reason: `"${address}" is not an IP address` };
  const family = isIP(normal) === 4 ? "ipv4" : "ipv6";
  if (allow?.check(normal, family)) return { allowed: true };
  for (const { list, reason } of RULES) {
    if (list.check(normal, family)) return { allowed: false, reason };
  }
  return { allowed: true };
}
