/**
 * V8 settings of the chatscale process, applied when the CLI starts (imported first by main.ts,
 * before any other module is evaluated, so before anything is compiled).
 *
 * The inlining budget. TurboFan inlines callees into an optimised function until their bytecode
 * adds up to `--max-inlined-bytecode-size-cumulative` (920 bytes by default, sized for web pages).
 * The routing core's per-message path (accept, ack, queue, push, receipt) is about three times
 * that, so by default it runs as a chain of separately optimised functions with calls between
 * them. At 3,000 bytes it compiles as a few large units: `chatscale bench --case core-1to1` is
 * about 15% faster (BENCHMARKS.md, core sitting, session 3). The flag is read at each
 * optimisation, so setting it here, at run time, is enough. A value given on the command line or
 * in NODE_OPTIONS wins.
 */
import { setFlagsFromString } from 'node:v8';

const INLINING_BUDGET_FLAG = '--max-inlined-bytecode-size-cumulative';
const INLINING_BUDGET_BYTES = 3000;

const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes(INLINING_BUDGET_FLAG.slice(2)));
if (!given) setFlagsFromString(`${INLINING_BUDGET_FLAG}=${INLINING_BUDGET_BYTES}`);
