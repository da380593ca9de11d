/**
 * The deployment's network links between regions: per region its LAN (the hop between two of its
 * servers, with the region's inter-server latency and no bandwidth limit), and per scenario link
 * one direction each way (bandwidth is per direction, as on a full-duplex link). Each keeps its
 * own counters and the time it is next free (serialisation is FIFO).
 */
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { Distribution } from '../sim/distributions/index.js';
import { durationDistribution } from './distribution-of.js';
import { DOUBLE_ZERO } from '../sim/stable-shapes.js';

export interface LinkCounters {
  id: string;
  from: string;
  to: string;
  bandwidthBitsPerSecond: number | null;
  bytes: number;
  messages: number;
  lost: number;
  busyNs: number;
  freeAtNs: number;
  latency: Distribution;
  lossFraction: number;
}

export interface LinkTable {
  links: LinkCounters[];
  /** Link index between two regions (regionA * regions + regionB), or the region's own LAN. */
  linkOf: Int32Array;
}

/**
 * A link with its counters at zero. One literal for every link, its numbers doubles from the start
 * (src/sim/stable-shapes.ts): a region's LAN and the links between regions then share one hidden
 * class, and the code that books each hop on its link sees only that one.
 */
function newLink(id: string, from: string, to: string, bandwidthBitsPerSecond: number | null, latency: Distribution, lossFraction: number): LinkCounters {
  return {
    id,
    from,
    to,
    bandwidthBitsPerSecond,
    bytes: DOUBLE_ZERO,
    messages: 0,
    lost: 0,
    busyNs: DOUBLE_ZERO,
    freeAtNs: DOUBLE_ZERO,
    latency,
    lossFraction: DOUBLE_ZERO + lossFraction,
  };
}

/** The links of a scenario; `lanLatency[r]` is region r's inter-server latency. */
export function buildLinks(scenario: ResolvedScenario, lanLatency: readonly Distribution[]): LinkTable {
  const regions = scenario.regions;
  const n = regions.length;
  const links: LinkCounters[] = [];
  const linkOf = new Int32Array(n * n).fill(-1);
  for (const region of regions) {
    linkOf[region.index * n + region.index] = links.length;
    links.push(newLink(`${region.name}-lan`, region.name, region.name, null, lanLatency[region.index]!, 0));
  }
  const indexOf = new Map(regions.map((r) => [r.name, r.index]));
  for (const link of scenario.links) {
    const a = indexOf.get(link.regionA)!;
    const b = indexOf.get(link.regionB)!;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      linkOf[from * n + to] = links.length;
      links.push(newLink(`${regions[from]!.name}->${regions[to]!.name}`, regions[from]!.name, regions[to]!.name, link.bandwidthBitsPerSecond, durationDistribution(link.latencyNs), link.lossFraction));
    }
  }
  return { links, linkOf };
}
