/**
 * The scenario schema: the single source of truth. The input type (what a file holds), the parsed
 * type (units converted, defaults applied) and schema/scenario.schema.json all come from here.
 * Relations between fields (shares that must sum to 100%, links that must name two regions) are
 * checked in cross-checks.ts; the resolved type the simulator consumes is built in resolve.ts.
 *
 * Every field carries a `.describe()`: it is the documentation an editor shows from the JSON
 * Schema, and the README points to it.
 */
import * as z from 'zod';
import { DELAY_TAIL_LIMIT, simulatorDistributionValidator, type DistributionValidators } from './distributions.js';
import { suggestion } from './did-you-mean.js';
import { choice, distribution, expectedReason, integer, mapping, quantity, quantityOrUnlimited, real, strict, text } from './fields.js';
import { checkTimezone, parseStartInstantMs } from './timezones.js';
import { COUNT_MAX, parseDurationNs, parseSizeBytes } from './units.js';

/**
 * Operations the simulator charges CPU for, each on one chat server. `route` and `deliver` split
 * a one-to-one message between the sender's server and the recipient's server.
 */
export const COST_OPS = [
  'route',
  'deliver',
  'fanout',
  'ack',
  'receipt',
  'store',
  'drain',
  'directoryLookup',
  'connect',
  'disconnect',
  'groupChange',
  'senderKey',
] as const;
export type CostOp = (typeof COST_OPS)[number];

export const COST_OP_DESCRIPTIONS: Record<CostOp, string> = {
  route: "per message, at the sender's chat server: accept it from the device, look up the recipients, forward it",
  deliver: "per message and recipient device, at that device's chat server: push it down the device's connection",
  fanout: "per copy queued for a device (each device of a message's recipients, the sender's other devices, and receipts back to the sender's devices), at that device's home chat server",
  ack: "per ack from a device (message received by the device), at the device's chat server",
  receipt: "per delivery or read receipt, at the chat server that relays it back to the sender",
  store: "per message kept for an offline device, at that device's chat server",
  drain: "per stored message pushed to a device when it reconnects, at its chat server",
  directoryLookup: 'per directory lookup, at the chat server that issues it (the directory service has its own latency)',
  connect: 'per session start (handshake, register in the directory), at the chat server the device connects to',
  disconnect: 'per session end, at the chat server the device was connected to',
  groupChange: "per group membership change, at the changing member's chat server",
  senderKey: "per copy of a group message that carries its sender's key (group encryption setup: a device's first message to the group), at the receiving device's home chat server",
};

/**
 * Costs used for an operation that is neither in the table, nor in the profile, nor covered by
 * `others`: rough guesses of the right order for a lean router on one core, so that a scenario
 * without a cost section still loads its servers. Measure real ones with `chatscale calibrate`.
 */
export const BUILT_IN_COSTS: Record<CostOp, string> = {
  route: 'exp(20us)',
  deliver: 'exp(15us)',
  fanout: 'exp(3us)',
  ack: 'exp(2us)',
  receipt: 'exp(3us)',
  store: 'exp(25us)',
  drain: 'exp(10us)',
  directoryLookup: 'exp(5us)',
  connect: 'exp(50us)',
  disconnect: 'exp(10us)',
  groupChange: 'exp(20us)',
  senderKey: 'exp(15us)',
};

/** Defaults that the cross-checks also need (they read the raw data, before defaults apply). */
export const DEFAULTS = {
  duration: '60s',
  warmup: '0s',
  timeSeriesInterval: '1s',
  chatServersPerRegion: 4,
  groupSizeMin: 3,
  groupSizeMax: 256,
} as const;

export const PLACEMENTS = ['hash', 'least-loaded', 'modulo'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Devices per user: a primary and up to four companions (DESIGN.md section 3). */
export const DEVICES_PER_USER_MAX = 5;
export const GROUP_SIZE_MAX = 1024;

/** Distribution fields are judged by the simulator's own parser (src/sim/distributions). */
export const DEFAULT_DISTRIBUTION_VALIDATORS: DistributionValidators = {
  duration: simulatorDistributionValidator(parseDurationNs, DELAY_TAIL_LIMIT),
  size: simulatorDistributionValidator(parseSizeBytes),
};

const REGION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const LINK_NAME = /^[A-Za-z][A-Za-z0-9_-]*-[A-Za-z][A-Za-z0-9_-]*$/;
const HOUR_KEY = /^(\d|1\d|2[0-3])(\.\d+)?$/;

function percentage(what = 'a percentage from 0% to 100%') {
  return quantity('percent', { what, min: 0, max: 1, examples: ['25%'] });
}

/** Built per distribution validator, so the simulator's own parser can judge distribution fields. */
export function buildScenarioSchema(validators: DistributionValidators = DEFAULT_DISTRIBUTION_VALIDATORS) {
  const latency = (examples: string[]) => distribution('duration', validators.duration, examples);
  const bytes = (examples: string[]) => distribution('size', validators.size, examples);
  const positiveDuration = (what: string) => quantity('duration', { what, min: 0, minExclusive: true, examples: ['10s', '5min'] });

  const timezone = z
    .string({ error: (issue) => (issue.input === undefined ? 'required field is missing; expected a time zone such as Europe/Berlin or UTC+5:30' : `expected a time zone such as Europe/Berlin or UTC+5:30, got ${JSON.stringify(issue.input)}`) })
    .superRefine((value, context) => {
      const check = checkTimezone(value);
      if ('error' in check) context.addIssue({ code: 'custom', message: check.error, input: value });
    })
    .meta({ examples: ['Europe/Berlin', 'Asia/Kolkata', 'UTC', 'UTC+5:30'] });

  const onlineFields = {
    share: percentage().describe(
      'Mean share of the region\'s users online over a day (default 20%). With diurnal: flat it is the share at every moment; 100% means everyone is always connected.',
    ),
    diurnal: z
      .union(
        [
          choice(['flat', 'default']),
          z.record(
            z.string().regex(HOUR_KEY, { error: (issue) => `expected a local hour from 0 to 23.99 as the key, got ${JSON.stringify(issue.input)}` }),
            real({ min: 0, max: 1e6, what: 'a relative weight (a number >= 0)' }),
          ),
        ],
        {
          error: (issue) => {
            const near = typeof issue.input === 'string' ? suggestion(issue.input, ['flat', 'default']) : '';
            const reason = expectedReason('flat, default, or a mapping of local hour to relative weight such as { 4: 0.2, 21: 1.7 }', issue.input);
            return near.startsWith('; did') ? `${reason}${near}` : reason;
          },
        },
      )
      .describe(
        'Shape of the day in local time (default flat): flat; default (a built-in curve, trough at 04:00, peak at 21:00); or points { hour: weight } interpolated linearly and wrapping at midnight. The shape is scaled so the day\'s mean is `share`, capped at 100%.',
      ),
    meanSession: positiveDuration('a positive duration such as 20min').describe(
      'Mean length of a session (exponential); devices reconnect to keep the online share (default 20min). Ignored when share is 100%.',
    ),
    reconnectsPerHour: real({ min: 0, max: 3600, what: 'a number of reconnects per hour from 0 to 3600' }).describe(
      'Extra reconnects per online device per hour (network changes, app restarts): a disconnect and an immediate connect (default 0).',
    ),
  };

  const online = strict({
    share: onlineFields.share.prefault('20%'),
    diurnal: onlineFields.diurnal.prefault('flat'),
    meanSession: onlineFields.meanSession.prefault('20min'),
    reconnectsPerHour: onlineFields.reconnectsPerHour.default(0),
  }).describe('When users are connected: the online share over the day and session behaviour.');

  const onlineOverride = strict({
    share: onlineFields.share.optional(),
    diurnal: onlineFields.diurnal.optional(),
    meanSession: onlineFields.meanSession.optional(),
    reconnectsPerHour: onlineFields.reconnectsPerHour.optional(),
  }).describe('Overrides of workload.online for this region, field by field.');

  const serverFields = {
    cores: integer({ min: 1, max: 4096, what: 'a positive integer' }).describe(
      'CPU cores per chat server; operations queue FIFO for the first free core (default 8).',
    ),
    memory: quantity('size', { what: 'a positive size such as 64GiB', min: 0, minExclusive: true, examples: ['64GiB'] }).describe(
      'Memory per chat server; sessions, queues and stored messages are accounted against it (default 64GiB).',
    ),
    nic: quantityOrUnlimited('bandwidth', { what: 'a positive bandwidth such as 10Gbps', min: 0, minExclusive: true, examples: ['10Gbps', 'unlimited'] }).describe(
      'NIC bandwidth per chat server, each direction; messages queue for it by size. `unlimited` adds no transmission delay (default 10Gbps).',
    ),
    interServerLatency: latency(['2ms', 'lognormal(500us, 0.3)']).describe(
      'One-way hop between two chat servers of the same region (default 500us). Messages between servers of different regions take the link instead.',
    ),
  };

  const chatServers = strict({
    perRegion: integer({ min: 1, max: 1_000_000, what: 'a positive integer' })
      .default(DEFAULTS.chatServersPerRegion)
      .describe(`Chat servers in each region, unless the region sets chatServers.count (default ${DEFAULTS.chatServersPerRegion}).`),
    cores: serverFields.cores.default(8),
    memory: serverFields.memory.prefault('64GiB'),
    nic: serverFields.nic.prefault('10Gbps'),
    interServerLatency: serverFields.interServerLatency.prefault('500us'),
    placement: choice(PLACEMENTS)
      .default('hash')
      .describe(
        "Which chat server of its region a device connects to: hash (of the device id, fixed), least-loaded (fewest connections at connect time), modulo (user id mod server count, an exactly even spread).",
      ),
    cpuQueueMax: integer({ min: 1, max: COUNT_MAX, what: 'a positive integer' })
      .default(1_000_000)
      .describe('Bound on operations waiting for a core on one chat server; past it work is dropped and counted (default 1000000).'),
  }).describe('Chat servers: one instance of the routing core each, in every region.');

  const serverOverride = strict({
    count: integer({ min: 1, max: 1_000_000, what: 'a positive integer' }).optional().describe('Chat servers in this region (overrides chatServers.perRegion).'),
    cores: serverFields.cores.optional(),
    memory: serverFields.memory.optional(),
    nic: serverFields.nic.optional(),
    interServerLatency: serverFields.interServerLatency.optional(),
  }).describe('Overrides of chatServers for this region, field by field.');

  const region = strict({
    timezone: timezone.describe('Time zone of the region\'s users: an IANA name (Europe/Berlin) or a UTC offset (UTC+5:30). Places the region on its diurnal curve.'),
    users: quantity('count', { what: 'a whole number of users from 1 to 1e15 such as 40e6', min: 1, max: COUNT_MAX, integer: true, examples: ['40e6', '1000000'] }).describe(
      'Registered users homed in this region (`40e6`, `1.5e9`). Users who do nothing in the window cost no memory.',
    ),
    accessLatency: latency(['30ms', 'lognormal(35ms, 0.4)'])
      .prefault('30ms')
      .describe('One-way latency between a device and its chat server, drawn independently for each direction (default 30ms).'),
    online: onlineOverride.optional(),
    chatServers: serverOverride.optional(),
  }).describe('A region (datacenter) and the users homed in it.');

  const link = strict({
    latency: latency(['120ms', 'lognormal(80ms, 0.1)']).describe('One-way latency between the two regions. A link is FIFO: it never reorders.'),
    bandwidth: quantityOrUnlimited('bandwidth', { what: 'a positive bandwidth such as 100Gbps', min: 0, minExclusive: true, examples: ['100Gbps'] })
      .prefault('100Gbps')
      .describe('Capacity of the link in each direction; messages queue for it by size (default 100Gbps).'),
    loss: percentage('a percentage from 0% to 100% such as 0.01%')
      .prefault('0%')
      .describe('Share of transmissions lost and retransmitted by the sender after a timeout (default 0%).'),
  }).describe('A link between two regions.');

  const service = (defaults: { latency: string; capacity: string }, what: string) => ({
    latency: latency(['500us', 'exp(1ms)']).prefault(defaults.latency).describe(`Service time of one ${what} operation, excluding queueing (default ${defaults.latency}).`),
    capacity: quantityOrUnlimited('rate', { what: 'a positive rate such as 200000/s', min: 0, minExclusive: true, examples: ['200000/s', 'unlimited'] })
      .prefault(defaults.capacity)
      .describe(`Operations per second one region's ${what} service completes; beyond it operations queue. \`unlimited\` never queues (default ${defaults.capacity}).`),
    queueMax: integer({ min: 1, max: COUNT_MAX, what: 'a positive integer' })
      .default(100_000)
      .describe('Bound on operations waiting; past it they fail and are counted (default 100000).'),
  });

  const directory = strict(service({ latency: '500us', capacity: '1000000/s' }, 'directory')).describe(
    'The directory: which chat server each connected device is on. One service per region, asked by chat servers.',
  );

  const offlineStore = strict({
    ...service({ latency: '2ms', capacity: '200000/s' }, 'offline store'),
    messagesPerDeviceMax: integer({ min: 1, max: COUNT_MAX, what: 'a positive integer' })
      .default(10_000)
      .describe('Bound on stored messages per offline device; past it the oldest is dropped and counted (default 10000).'),
    retention: positiveDuration('a positive duration such as 30d')
      .prefault('30d')
      .describe('How long a message waits for an offline device before it expires (default 30d).'),
    warmBacklog: z
      .boolean({ error: 'must be true or false' })
      .default(true)
      .describe(
        'Steady-state start for offline devices (default true): a device offline since before the run gets, when it comes online, the backlog its time offline would have left in the store, so drains and messages out are at their steady rate from the start. false: the store starts empty.',
      ),
  }).describe('Store-and-forward for devices that are offline. One service per region.');

  const costShape: Record<string, z.ZodType> = {};
  for (const op of COST_OPS) {
    costShape[op] = latency(['20us', 'exp(200us)']).optional().describe(`CPU time ${COST_OP_DESCRIPTIONS[op]}.`);
  }
  const costs = strict({
    profile: text({ what: 'a path to a calibration profile (JSON from chatscale calibrate)' })
      .optional()
      .describe('A JSON profile written by `chatscale calibrate`, relative to the scenario file. Its measured costs apply to operations the table does not list.'),
    scale: real({ min: 0, minExclusive: true, max: 1000, what: 'a positive number (hardware factor, e.g. 1.3)' })
      .default(1)
      .describe('Every cost is multiplied by this: 1.3 means this hardware is 30% slower than the one costs were measured on (default 1).'),
    others: latency(['0', 'exp(5us)'])
      .optional()
      .describe('Cost of every operation that is neither listed here nor in the profile. Without it, built-in rough costs apply.'),
    ...(costShape as { [K in CostOp]: z.ZodOptional<ReturnType<typeof latency>> }),
  }).describe(
    'CPU cost per operation on the chat server (duration or distribution). Precedence: listed here, then the profile, then `others`, then built-in defaults.',
  );

  const perUserPerDay = strict({
    mean: quantity('count', { what: 'a positive number of messages per user per day', min: 0, minExclusive: true, max: 1e9, examples: ['40'] }).describe(
      'Mean messages a user sends per day, over all users (online or not).',
    ),
    zipf: real({ min: 0, max: 10, what: 'a Zipf skew from 0 to 10' })
      .default(1)
      .describe('Skew of activity across users by rank (Zipf exponent); 0 is uniform (default 1).'),
  }).describe('Message rate per user; the deployment rate is users x mean / 86400 s, following the online share.');

  const groupSize = strict({
    pareto: real({ min: 0, minExclusive: true, max: 100, what: 'a positive Pareto shape such as 1.5' })
      .optional()
      .describe('Shape (alpha) of a bounded Pareto between min and max; without it sizes are uniform between min and max.'),
    min: integer({ min: 2, max: GROUP_SIZE_MAX, what: 'an integer from 2 to 1024' })
      .default(DEFAULTS.groupSizeMin)
      .describe(`Smallest group (default ${DEFAULTS.groupSizeMin}).`),
    max: integer({ min: 2, max: GROUP_SIZE_MAX, what: 'an integer from 2 to 1024' })
      .default(DEFAULTS.groupSizeMax)
      .describe(`Largest group, at most 1024 (default ${DEFAULTS.groupSizeMax}).`),
  }).describe('Members per group (users, sender included).');

  const sizeClass = (defaults: { share: string; bytes: string }) =>
    strict({
      share: percentage()
        .optional()
        .describe(`Share of messages of this kind (default ${defaults.share}); give one share and the other kind gets the rest.`),
      bytes: bytes(['200B', 'lognormal(300KiB, 1.2)']).prefault(defaults.bytes).describe(`Bytes on the wire per message (default ${defaults.bytes}).`),
    });

  const workload = strict({
    devicesPerUser: mapping(
      z.string().regex(/^[1-5]$/, { error: (issue) => `expected a device count from 1 to ${DEVICES_PER_USER_MAX} as the key, got ${JSON.stringify(issue.input)}` }),
      percentage(),
      'a mapping of device count to share such as { 1: 70%, 2: 30% }',
    )
      .prefault({ '1': '100%' })
      .describe('Share of users by number of devices (a primary and up to four companions): { 1: 70%, 2: 20%, 5: 10% }; shares sum to 100% (default { 1: 100% }).'),
    online: online.prefault({}),
    messagesPerUserPerDay: perUserPerDay.optional(),
    messagesPerSecond: quantity('rate', { what: 'a positive rate such as 200000/s', min: 0, minExclusive: true, examples: ['200000/s'] })
      .optional()
      .describe('Instead of messagesPerUserPerDay: one open-loop Poisson stream for the whole deployment, senders uniform over online users.'),
    recipients: strict({
      sameRegion: percentage().prefault('90%').describe("Share of one-to-one messages whose recipient is in the sender's region (default 90%)."),
      pick: choice(['uniform', 'zipf'])
        .default('uniform')
        .describe('How a recipient is drawn among candidates: uniform, or by Zipf popularity rank (default uniform). Never the sender.'),
      zipf: real({ min: 0, max: 10, what: 'a Zipf skew from 0 to 10' }).default(1).describe('Skew when pick is zipf (default 1).'),
    })
      .prefault({})
      .describe('Who one-to-one messages go to.'),
    groups: strict({
      share: percentage().prefault('0%').describe('Share of messages sent to a group rather than one user (default 0%).'),
      size: groupSize.prefault({}),
    })
      .prefault({})
      .describe('Group messages: fanned out by the sender\'s chat server to every member device.'),
    sizes: strict({
      text: sizeClass({ share: '90%', bytes: '200B' }).prefault({}).describe('Text messages.'),
      media: sizeClass({ share: '10%', bytes: 'lognormal(300KiB, 1.2)' })
        .prefault({})
        .describe('Media messages (photos, voice, video): the payload travels with the message.'),
    })
      .prefault({})
      .describe('Message sizes: text and media; the two shares sum to 100%.'),
    read: strict({
      within60s: percentage().prefault('50%').describe('Share of delivered messages read within 60 s, producing a read receipt (default 50%, as WhatsApp reported).'),
    })
      .prefault({})
      .describe('Read behaviour.'),
  }).describe('The load: who is online, how much they send, to whom, and how big.');

  return strict(
    {
      $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors; ignored.'),
      name: text({ what: 'a non-empty name', maxLength: 200 }).describe('Name of the scenario, shown in reports.'),
      description: text({ what: 'a non-empty description' }).optional().describe('What the scenario models and where its numbers come from.'),
      seed: integer({ min: 0, max: Number.MAX_SAFE_INTEGER, what: 'a non-negative integer' })
        .default(1)
        .describe('Master seed; every component draws from its own named stream of it (default 1). `--seed` overrides it.'),
      start: z
        .string({ error: (issue) => `expected a UTC time of day such as 12:00 or an ISO 8601 instant, got ${issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)}` })
        .superRefine((value, context) => {
          const parsed = parseStartInstantMs(value);
          if (typeof parsed !== 'number') context.addIssue({ code: 'custom', message: parsed.error, input: value });
        })
        .default('12:00')
        .describe(`Wall-clock instant at simulated time 0: a UTC time of day (on 2025-01-15) such as 18:30, or an ISO 8601 instant such as 2025-12-31T23:00:00Z (default 12:00).`),
      duration: positiveDuration('a positive duration such as 10s or 5min')
        .prefault(DEFAULTS.duration)
        .describe(`Simulated time to run, warmup included (default ${DEFAULTS.duration}).`),
      warmup: quantity('duration', { what: 'a duration such as 30s', min: 0, examples: ['30s'] })
        .prefault(DEFAULTS.warmup)
        .describe(`Initial simulated time left out of the statistics; shorter than duration (default ${DEFAULTS.warmup}).`),
      fidelity: choice(['full', 'slice'])
        .default('full')
        .describe('full: every chat server in detail. slice: sliceServers of them in detail, the rest as generated traffic (DESIGN.md section 4).'),
      sliceServers: integer({ min: 1, max: 1_000_000, what: 'a positive integer' })
        .optional()
        .describe('With fidelity: slice, how many chat servers to simulate in full; at most the deployment\'s total.'),
      sliceParts: integer({ min: 1, max: 1024, what: 'a positive integer' })
        .optional()
        .describe(
          'With fidelity: slice, into how many independent parts the sliceServers are split (default 1): each part simulates its share of them with the rest as generated traffic, so parts run side by side (run --jobs) or on other machines (run --shard i/n, then merge). At most sliceServers.',
        ),
      maxEvents: quantity('count', { what: 'a positive whole number such as 1e9', min: 1, max: COUNT_MAX, integer: true, examples: ['1e9'] })
        .optional()
        .describe('Stop after this many kernel events, whatever the simulated time (a safety bound).'),
      regions: mapping(
        z.string().regex(REGION_NAME, {
          error: (issue) => `region names start with a letter and hold letters, digits, _ and -, got ${JSON.stringify(issue.input)}`,
        }),
        region,
        'a mapping of region name to region',
      )
        .describe('Regions (datacenters) by name, each with its users and chat servers. At least one.'),
      links: mapping(
        z.string().regex(LINK_NAME, {
          error: (issue) => `link names are two region names joined by -, such as eu-us, got ${JSON.stringify(issue.input)}`,
        }),
        link,
        'a mapping of link name (eu-us) to link',
      )
        .prefault({})
        .describe('Links between regions by "a-b" (either order, each pair once). Every pair of regions needs one.'),
      chatServers: chatServers.prefault({}),
      directory: directory.prefault({}),
      offlineStore: offlineStore.prefault({}),
      costs: costs.prefault({}),
      workload: workload.prefault({}),
      output: strict({
        timeSeriesInterval: positiveDuration('a positive duration such as 1s')
          .prefault(DEFAULTS.timeSeriesInterval)
          .describe(`Width of one time-series bucket in the report (default ${DEFAULTS.timeSeriesInterval}).`),
      })
        .prefault({})
        .describe('What the run records.'),
    },
    'a mapping of scenario fields (name, regions, workload, ...)',
  ).describe('A chatscale scenario: a messaging deployment and the load it serves. Units in strings: 30ms, 10Gbps, 64GiB, 1.5e9, 25%, 200000/s.');
}

/** The schema with the default (syntactic) distribution check. */
export const scenarioSchema = buildScenarioSchema();
export type ScenarioSchema = ReturnType<typeof buildScenarioSchema>;

/** What a scenario file holds (before units and defaults). */
export type ScenarioInput = z.input<ScenarioSchema>;
/** After unit conversion and defaults, with the file's field names (base units: ns, bytes, bits/s, fractions, per second). */
export type ScenarioParsed = z.output<ScenarioSchema>;
