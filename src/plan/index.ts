/**
 * src/plan: analytic capacity-planning helpers. Pure functions over plain objects.
 * Units: times in seconds, rates per second, everywhere in this layer.
 */
export { erlangB, erlangC } from './erlang.js';
export { SERVERS_MAX, checkPositive, checkServers, invalid, saturated, type NotSteady } from './not-steady.js';
export {
  serviceLevelExponentialTail,
  waitSecondsQuantileExponentialTail,
  type QueueMetrics,
  type QueueResult,
} from './queue-metrics.js';
export { checkMmcInput, mmc, mmcServiceLevel, mmcWaitSecondsQuantile, type MmcInput } from './mmc.js';
export { md1, mm1, type SingleServerInput } from './single-server.js';
export { mg1, scvFromVariance, type Mg1Input } from './mg1.js';
export { allenCunneen, allenCunneenModel, type AllenCunneenInput } from './mgc.js';
export {
  solveStation,
  stationName,
  type DelayStation,
  type NetworkMetrics,
  type NetworkResult,
  type QueueStation,
  type StationMetrics,
  type StationSpec,
} from './station.js';
export { departureScv, tandem, type TandemInput } from './tandem.js';
export { jackson, trafficEquations, type JacksonInput, type JacksonStation } from './jackson.js';
export { MVA_WORK_MAX, mva, type MvaInput, type MvaResult, type MvaStation, type MvaStationMetrics } from './mva.js';
export {
  uslConcurrencyPeak,
  uslFit,
  uslThroughputPerSecond,
  type UslFit,
  type UslFitFailure,
  type UslFitOptions,
  type UslParameters,
  type UslPoint,
} from './usl.js';
export { solveLinear } from './linear-solve.js';
export {
  SECOND,
  isUnitError,
  parseRatePerSecond,
  parseTimeSeconds,
  parseTimeWithUnit,
  type TimeUnit,
  type UnitError,
} from './queue-units.js';
export { parseQueueFlags, type FlagProblem, type ParsedQueueFlags, type QueueFlags } from './queue-input.js';
export { queueReport, type QueueInput, type QueueReport } from './queue-report.js';
