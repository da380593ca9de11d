/** The scenario layer's public API: units, schema, loading, resolution and estimates. */
export {
  BANDWIDTH_BITS_PER_SECOND_MAX,
  COUNT_MAX,
  DURATION_NS_MAX,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_MIN,
  NS_PER_MS,
  NS_PER_S,
  NS_PER_US,
  RATE_PER_SECOND_MAX,
  SIZE_BYTES_MAX,
  UNIT_PARSERS,
  parseBandwidthBitsPerSecond,
  parseCount,
  parseDurationNs,
  parsePercentFraction,
  parseRatePerSecond,
  parseSizeBytes,
  type QuantityKind,
  type UnitParser,
  type UnitResult,
} from './units.js';
export { formatBitsPerSecond, formatBytes, formatCount, formatDurationNs, formatFraction, formatRate } from './format-units.js';
export { closest, levenshtein, suggestion } from './did-you-mean.js';
export { fieldName, formatScenarioProblem, type ScenarioProblem } from './problems.js';
export {
  DISTRIBUTION_NAMES,
  describeDistribution,
  simulatorDistributionValidator,
  syntacticDistributionValidator,
  type DistributionCheck,
  type DistributionSpec,
  type DistributionUnit,
  type DistributionValidator,
  type DistributionValidators,
} from './distributions.js';
export {
  BUILT_IN_COSTS,
  COST_OPS,
  COST_OP_DESCRIPTIONS,
  DEFAULT_DISTRIBUTION_VALIDATORS,
  DEVICES_PER_USER_MAX,
  GROUP_SIZE_MAX,
  PLACEMENTS,
  buildScenarioSchema,
  scenarioSchema,
  type CostOp,
  type Placement,
  type ScenarioInput,
  type ScenarioParsed,
  type ScenarioSchema,
} from './schema.js';
export type {
  ResolvedArrivals,
  ResolvedChatServers,
  ResolvedCost,
  ResolvedCosts,
  ResolvedGroupSize,
  ResolvedLink,
  ResolvedOfflineStore,
  ResolvedOnline,
  ResolvedRegion,
  ResolvedScenario,
  ResolvedService,
  ResolvedTotals,
  ResolvedWorkload,
} from './resolved.js';
export { DEFAULT_DIURNAL_WEIGHTS, onlineFractionAt, onlineFractionByLocalHour, onlineFractionMaxOver, type DiurnalShape } from './diurnal.js';
export { checkTimezone, parseStartInstantMs, utcOffsetMinutesAt } from './timezones.js';
export { OVERRIDE_FILE, applyOverrides, parseOverride, type Override } from './overrides.js';
export { loadScenario, type LoadOptions, type LoadResult, type ScenarioSource } from './load.js';
export { resolveScenario } from './resolve.js';
export { estimateFootprint, groupSizeMean, type FootprintEstimate } from './estimate.js';
export { estimateWallTime, type WallTimeEstimate } from './estimate-time.js';
export { scenarioFieldsMarkdown, scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
export { BUILT_IN_SCENARIOS, builtInScenarioPath, resolveScenarioArgument, scenariosDir, type BuiltInScenario } from './builtin.js';
