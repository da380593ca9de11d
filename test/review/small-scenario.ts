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
