/**
 * `chatscale validate FILE [--set path=value]... [--seed N] [--json]`: checks a scenario and prints
 * what it resolves to (regions, servers, users, rates, sizes, estimated memory) without running
 * it. Bad input becomes a BadInputError carrying every problem (exit 2).
 */
import type { Command } from 'commander';
import {
  estimateFootprint,
  estimateWallTime,
  formatBitsPerSecond,
  formatBytes,
  formatCount,
  formatDurationNs,
  formatFraction,
  formatRate,
  groupSizeMean,
  COST_OPS,
  type FootprintEstimate,
  type ResolvedScenario,
} from '../../scenario/index.js';
import { admissionNeed, CONNECTED_DEVICE_BYTES } from '../../engine/admission.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';

/** Parts side by side in validate's figures: as on the project's 2-core machine (the time line's too). */
const PARTS_AT_ONCE = 2;

export interface ValidateIo {
  /** Receives stdout text (the report, or only JSON with --json). */
  stdout(text: string): void;
}

const processIo: ValidateIo = { stdout: (text) => process.stdout.write(text) };

interface ValidateOptions {
  set: string[];
  seed?: string;
  json?: boolean;
}

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

function withMean(spec: { text: string; mean: number | null; constant: number | null }, format: (value: number) => string): string {
  if (spec.constant !== null || spec.mean === null) return spec.text;
  return `${spec.text} (mean ${format(spec.mean)})`;
}

/** The human-readable summary of a resolved scenario and its footprint. */
export function renderValidation(scenario: ResolvedScenario, estimate: FootprintEstimate, file: string): string {
  const lines: string[] = [];
  const { totals, workload } = scenario;
  lines.push(`scenario ${scenario.name} (${file}): ok`);
  if (scenario.description !== '') lines.push(`  ${scenario.description}`);
  const parts = scenario.sliceParts > 1 ? `, in ${scenario.sliceParts} independent parts (run --jobs, or --shard i/n and merge)` : '';
  const fidelity = scenario.fidelity === 'slice' ? `slice of ${scenario.sliceServers} of ${totals.chatServers} servers${parts}` : 'full';
  lines.push(
    `  run        ${formatDurationNs(scenario.durationNs)} simulated (warmup ${formatDurationNs(scenario.warmupNs)}), fidelity ${fidelity}, seed ${scenario.seed}, start ${scenario.startUtcIso}` +
      (scenario.maxEvents === null ? '' : `, at most ${formatCount(scenario.maxEvents)} events`),
  );
  lines.push(
    `  regions    ${scenario.regions.length}: ${formatCount(totals.users)} users, ${formatCount(totals.devices)} devices (${formatCount(workload.devicesPerUserMean)} per user), ${formatCount(totals.chatServers)} chat servers, ${formatCount(totals.cores)} cores, placement ${scenario.placement}`,
  );
  // The names' column: as wide as the longest name and a space (global-2025's run to 14 characters).
  const regionColumn = Math.max(9, ...scenario.regions.map((region) => region.name.length + 1));
  for (const region of scenario.regions) {
    const servers = region.chatServers;
    lines.push(
      `    ${region.name.padEnd(regionColumn)}${region.timezone} (${offset(region.utcOffsetMinutes)}), ${formatCount(region.users)} users, ${servers.count} servers x ${servers.cores} cores, ${formatBytes(servers.memoryBytes)}, NIC ${formatBitsPerSecond(servers.nicBitsPerSecond)}, hop ${withMean(servers.interServerLatencyNs, formatDurationNs)}`,
    );
    lines.push(
      `    ${''.padEnd(regionColumn)}access ${withMean(region.accessLatencyNs, formatDurationNs)} one way; online ${formatFraction(region.online.fractionMean)} of users on average (${formatFraction(Math.min(...region.online.fractionByLocalHour))} to ${formatFraction(Math.max(...region.online.fractionByLocalHour))} over the day), sessions ${formatDurationNs(region.online.sessionMeanNs)}`,
    );
  }
  if (scenario.links.length === 0) lines.push('  links      none (one region)');
  for (const [index, link] of scenario.links.entries()) {
    lines.push(
      `  ${index === 0 ? 'links      ' : '           '}${link.name}: ${withMean(link.latencyNs, formatDurationNs)} one way, ${formatBitsPerSecond(link.bandwidthBitsPerSecond)}, loss ${formatFraction(link.lossFraction)}`,
    );
  }
  const arrivals =
    workload.arrivals.kind === 'totalPerSecond'
      ? `one Poisson stream, senders uniform`
      : `${formatCount(workload.arrivals.messagesPerUserPerDayMean)} per user per day, Zipf ${workload.arrivals.senderZipfSkew} by activity`;
  lines.push(
    `  messages   ${formatRate(totals.messagesPerSecondMean)} (${arrivals}), ${formatCount(totals.messagesPerSecondMean * (scenario.durationNs / 1e9))} in the run; ${formatFraction(workload.recipients.sameRegionFraction)} to the same region, recipients ${workload.recipients.pick}`,
  );
  const size = workload.groups.size;
  lines.push(
    workload.groups.fraction === 0
      ? '  groups     none'
      : `  groups     ${formatFraction(workload.groups.fraction)} of messages, ${size.min} to ${size.max} members (${size.kind === 'boundedPareto' ? `bounded Pareto ${size.paretoAlpha}` : 'uniform'}, mean ${formatCount(groupSizeMean(size))})`,
  );
  const sizes = workload.sizes;
  lines.push(
    `  sizes      text ${formatFraction(sizes.text.fraction)} ${withMean(sizes.text.sizeBytes, formatBytes)}; media ${formatFraction(sizes.media.fraction)} ${withMean(sizes.media.sizeBytes, formatBytes)}; read within 60 s ${formatFraction(workload.read.within60sFraction)}`,
  );
  const listed = COST_OPS.filter((op) => scenario.costs.opsNs[op].source === 'table').map((op) => `${op} ${scenario.costs.opsNs[op].costNs.text}`);
  const rest = COST_OPS.filter((op) => scenario.costs.opsNs[op].source !== 'table');
  const restSource = rest.length === 0 ? '' : scenario.costs.opsNs[rest[0] ?? 'route'].source === 'others' ? `others ${scenario.costs.opsNs[rest[0] ?? 'route'].costNs.text}` : 'others built in';
  lines.push(
    `  costs      ${[...listed, restSource].filter((part) => part !== '').join(', ')}; scale ${scenario.costs.scale}${scenario.costs.profilePath === null ? '' : `; profile ${scenario.costs.profilePath}`}`,
  );
  lines.push(
    `  services   directory ${scenario.directory.latencyNs.text}, ${formatRate(scenario.directory.capacityOpsPerSecond)}; offline store ${scenario.offlineStore.latencyNs.text}, ${formatRate(scenario.offlineStore.capacityOpsPerSecond)}, keeps ${formatDurationNs(scenario.offlineStore.retentionNs)}, ${scenario.offlineStore.warmBacklog ? 'warm start with the offline backlog' : 'starts empty'}`,
  );
  lines.push(
    `  memory     about ${formatBytes(estimate.totalBytes)} to simulate: ${formatCount(estimate.connectedDevicesPeak)} connected devices at peak (${formatBytes(estimate.connectedDevicesBytes)}), ${formatCount(estimate.inFlightCopies)} message copies in flight (${formatBytes(estimate.inFlightBytes)}), ${formatCount(estimate.storedMessagesPeak)} stored for offline devices (${formatBytes(estimate.storedBytes)}), fixed ${formatBytes(estimate.fixedBytes)}`,
  );
  lines.push(`             assuming ${estimate.assumptions.join('; ')}`);
  // The budget above is DESIGN.md's ceiling; what `run` admits against the free memory is this.
  const need = admissionNeed(scenario, PARTS_AT_ONCE);
  const partsNote = scenario.sliceParts > 1 ? `, ${need.partsAtOnce} of its ${scenario.sliceParts} parts at once as on a 2-core machine` : '';
  lines.push(
    `  run needs  about ${formatBytes(need.totalBytes)} by the engine's measured costs (${CONNECTED_DEVICE_BYTES} B per connected device, and client state for ${formatCount(need.users)} users)${partsNote}; run refuses a scenario that needs more than 80% of the free memory`,
  );
  const time = estimateWallTime(scenario, estimate);
  const seconds = roughDuration;
  const timeParts = [`setup ${seconds(time.setupSeconds)}`, `simulation ${seconds(time.simulationSeconds)}`];
  if (scenario.fidelity === 'slice' && scenario.sliceParts > 1) timeParts.push(`in ${scenario.sliceParts} parts, two at once`);
  lines.push(
    `  time       roughly ${seconds(time.wallSeconds)} (${seconds(time.wallSecondsLow)} to ${seconds(time.wallSecondsHigh)}) on a 2-core machine like the project's: ${timeParts.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}


/** A rough duration for people: whole seconds, minutes or hours (the estimate is good to 2x). */
function roughDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function registerValidate(program: Command, io: ValidateIo = processIo): void {
  program
    .command('validate')
    .description('check a scenario file and print what it resolves to, without running it')
    .argument('<scenario>', 'scenario file (YAML or JSON), or a built-in name: quickstart, reference-chat')
    .option('--set <path=value>', 'override a field, e.g. chatServers.perRegion=40 (repeatable)', collectRepeatable, [])
    .option('--seed <n>', 'override the seed')
    .option('--json', 'print only JSON on stdout: {ok, file, scenario, estimate, admission, time}')
    .action((argument: string, options: ValidateOptions) => {
      const result = loadScenarioArgument(argument, options);
      const estimate = estimateFootprint(result.scenario);
      if (options.json === true) {
        const time = estimateWallTime(result.scenario, estimate);
        const admission = admissionNeed(result.scenario, PARTS_AT_ONCE);
        io.stdout(`${JSON.stringify({ ok: true, file: result.file, scenario: result.scenario, estimate, admission, time }, null, 2)}\n`);
      } else {
        io.stdout(renderValidation(result.scenario, estimate, result.file));
      }
    });
}
