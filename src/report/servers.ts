/**
 * What a report says about servers. A handful are listed one by one; past `SERVERS_LISTED_MAX`
 * a table of hundreds would bury the point, so they are summed per region and role, and the
 * busiest few (by CPU utilisation) are listed beside the summary.
 */
import { compareCodeUnits } from '../metrics/counters.js';
import type { ServerResult } from '../metrics/run-result.js';

export const SERVERS_LISTED_MAX = 12;
export const BUSIEST_LISTED = 5;

const ROLE_ORDER: Record<ServerResult['role'], number> = { chat: 0, directory: 1, offlineStore: 2 };

export interface ServerGroup {
  region: string;
  role: ServerResult['role'];
  servers: number;
  cores: number;
  /** Core-weighted mean: the group's busy core-time over its cores. */
  cpuUtilisationMean: number;
  cpuUtilisationMax: number;
  /** The largest single server's peak (what must fit in one machine's memory). */
  memoryBytesPeakMax: number;
  connectionsPeak: number;
  cpuQueuePeakMax: number;
  operations: number;
  dropped: number;
}

export interface ServerView {
  /** Servers one by one (when few), else empty. */
  listed: ServerResult[];
  /** Per region and role (when many), else empty. */
  groups: ServerGroup[];
  /** The busiest servers (when many), else empty. */
  busiest: ServerResult[];
}

/** `4 chat, 2 directory, 2 offlineStore`. */
export function roleCounts(servers: readonly ServerResult[]): string {
  const counts = new Map<ServerResult['role'], number>();
  for (const server of servers) counts.set(server.role, (counts.get(server.role) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => ROLE_ORDER[a[0]] - ROLE_ORDER[b[0]])
    .map(([role, count]) => `${count} ${role}`)
    .join(', ');
}

export function busiestServers(servers: readonly ServerResult[], count = BUSIEST_LISTED): ServerResult[] {
  return [...servers]
    .sort((a, b) => b.cpuUtilisation - a.cpuUtilisation || compareCodeUnits(a.id, b.id))
    .slice(0, count);
}

export function groupServers(servers: readonly ServerResult[]): ServerGroup[] {
  const groups = new Map<string, ServerGroup>();
  for (const server of servers) {
    const key = `${server.region}\u0000${server.role}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        region: server.region,
        role: server.role,
        servers: 0,
        cores: 0,
        cpuUtilisationMean: 0,
        cpuUtilisationMax: 0,
        memoryBytesPeakMax: 0,
        connectionsPeak: 0,
        cpuQueuePeakMax: 0,
        operations: 0,
        dropped: 0,
      };
      groups.set(key, group);
    }
    group.servers++;
    // Holds busy core-fractions until the division below.
    group.cpuUtilisationMean += server.cpuUtilisation * server.cores;
    group.cores += server.cores;
    group.cpuUtilisationMax = Math.max(group.cpuUtilisationMax, server.cpuUtilisation);
    group.memoryBytesPeakMax = Math.max(group.memoryBytesPeakMax, server.memoryBytesPeak);
    group.connectionsPeak += server.connectionsPeak;
    group.cpuQueuePeakMax = Math.max(group.cpuQueuePeakMax, server.cpuQueuePeak);
    group.operations += server.operations;
    group.dropped += server.dropped;
  }
  const out = [...groups.values()];
  for (const group of out) group.cpuUtilisationMean = group.cores > 0 ? group.cpuUtilisationMean / group.cores : 0;
  return out.sort((a, b) => compareCodeUnits(a.region, b.region) || ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

export function serverView(servers: readonly ServerResult[]): ServerView {
  if (servers.length <= SERVERS_LISTED_MAX) return { listed: [...servers], groups: [], busiest: [] };
  return { listed: [], groups: groupServers(servers), busiest: busiestServers(servers) };
}
