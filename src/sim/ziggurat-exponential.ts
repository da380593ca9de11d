/**
 * Tables for the standard exponential by the ziggurat method (Marsaglia and Tsang, "The Ziggurat
 * Method for Generating Random Variables", J. Stat. Software 5(8), 2000: their REXP, 256 layers).
 *
 * Why not inversion (-log u): `Math.log` and the float conversion cost about 10 of the 18 ns that an
 * inverted draw took here, and every model draws exponentials on its hot path (Poisson gaps, service
 * times). The ziggurat returns u * w[layer] without a log in about 98.9% of draws; the rest take a
 * wedge test or the tail, which are exact, so the distribution is exactly exponential (up to the
 * 53-bit resolution of u), not an approximation.
 *
 * Layout used by RandomStream.nextExponential: a draw gives a layer (8 bits) and an integer
 * u in [0, 2^53) (53 bits, from two 32-bit draws). If u < K[layer] the point lies inside the layer's
 * rectangle and the result is u * W[layer]. Otherwise see exponentialEdge in random.ts.
 */

/** Right edge of the base layer: where the tail starts. */
export const ZIGGURAT_EXP_R = 7.69711747013104972;
/** Area of each layer (and of the base layer with its tail). */
const ZIGGURAT_EXP_V = 3.949659822581572e-3;
export const ZIGGURAT_EXP_LAYERS = 256;
const U_RANGE = 9007199254740992; // 2^53

/** Acceptance bounds: u below K[i] is inside layer i's rectangle. */
export const ZIGGURAT_EXP_K = new Float64Array(ZIGGURAT_EXP_LAYERS);
/** Scale from u to x: x = u * W[i]. */
export const ZIGGURAT_EXP_W = new Float64Array(ZIGGURAT_EXP_LAYERS);
/** The density exp(-x) at each layer's right edge, for the wedge test. */
export const ZIGGURAT_EXP_F = new Float64Array(ZIGGURAT_EXP_LAYERS);

// Marsaglia and Tsang's zigset, for the exponential, with u over 2^53 instead of 2^32.
{
  let de = ZIGGURAT_EXP_R;
  let te = de;
  const q = ZIGGURAT_EXP_V / Math.exp(-de);
  ZIGGURAT_EXP_K[0] = Math.floor((de / q) * U_RANGE);
  ZIGGURAT_EXP_K[1] = 0;
  ZIGGURAT_EXP_W[0] = q / U_RANGE;
  ZIGGURAT_EXP_W[ZIGGURAT_EXP_LAYERS - 1] = de / U_RANGE;
  ZIGGURAT_EXP_F[0] = 1;
  ZIGGURAT_EXP_F[ZIGGURAT_EXP_LAYERS - 1] = Math.exp(-de);
  for (let i = ZIGGURAT_EXP_LAYERS - 2; i >= 1; i--) {
    de = -Math.log(ZIGGURAT_EXP_V / de + Math.exp(-de));
    ZIGGURAT_EXP_K[i + 1] = Math.floor((de / te) * U_RANGE);
    te = de;
    ZIGGURAT_EXP_F[i] = Math.exp(-de);
    ZIGGURAT_EXP_W[i] = de / U_RANGE;
  }
}
