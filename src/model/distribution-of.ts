/**
 * Turns a scenario's distribution text (already validated by the scenario layer) into a kernel
 * distribution in base units: nanoseconds for durations, bytes for sizes.
 */
import { isDistributionParseError, parseDistribution, type Distribution } from '../sim/distributions/index.js';
import { parseDurationNs, parseSizeBytes } from '../scenario/units.js';
import type { DistributionSpec } from '../scenario/resolved.js';

function unitParser(parse: (text: string) => number | { error: string }) {
  return (text: string) => parse(text);
}

export function durationDistribution(spec: DistributionSpec): Distribution {
  return build(spec.text, unitParser(parseDurationNs));
}

export function sizeDistribution(spec: DistributionSpec): Distribution {
  return build(spec.text, unitParser(parseSizeBytes));
}

function build(text: string, parse: (text: string) => number | { error: string }): Distribution {
  const parsed = parseDistribution(text, parse, { nonNegative: true });
  // The scenario layer validated this text with the same parser; failing here is a bug.
  if (isDistributionParseError(parsed)) throw new Error(`model: distribution '${text}' did not parse: ${parsed.reason}`);
  return parsed;
}
