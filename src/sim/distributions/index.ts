/** Distributions for the kernel: one import point for the model and scenario layers. */
export { type Distribution, DistributionParamError } from './distribution.js';
export { ConstantDistribution, constant } from './constant.js';
export { UniformDistribution, uniform } from './uniform.js';
export { ExponentialDistribution, exponential } from './exponential.js';
export { NormalDistribution, TruncatedNormalDistribution, normal, truncatedNormal } from './normal.js';
export { LognormalDistribution, lognormal, lognormalFromMeanCv } from './lognormal.js';
export { ParetoDistribution, pareto } from './pareto.js';
export { ZipfDistribution, zipf, ZIPF_N_MAX } from './zipf.js';
export { type CurvePoint, EmpiricalDistribution, empiricalCdf, empiricalDensity } from './empirical.js';
export { DiscreteDistribution, discrete, discreteFromRecord } from './discrete.js';
export {
  type DistributionParseError,
  type DistributionParseResult,
  type ParseDistributionOptions,
  type UnitParser,
  isDistributionParseError,
  parseDistribution,
} from './parse.js';
