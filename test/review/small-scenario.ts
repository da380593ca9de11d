/** The small deployment the review tests run: one region, 2,000 users, 2 servers of 2 cores. */
export const SMALL = `name: small
seed: 3
duration: 2s
regions:
  eu: { timezone: Europe/Berlin, users: 2000 }
chatServers: { perRegion: 2, cores: 2 }
workload:
  online: { share: 100% }
  messagesPerSecond: 500/s
`;

/**
 * Overrides that make SMALL reconnect-heavy: devices drop and reopen their connection about once a
 * second, with companions and groups, so copies meet closed connections and resends.
 */
export const RECONNECT_HEAVY = [
  'duration=5s',
  'workload.online.reconnectsPerHour=3600',
  'workload.devicesPerUser={2: 50%, 5: 50%}',
  'workload.online.share=60%',
  'workload.online.meanSession=5s',
  'workload.groups.share=50%',
];
