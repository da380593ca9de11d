/**
 * The result an open-queue formula returns when it has no steady state to report.
 *
 * Analytic helpers in src/plan never throw for a question a user can ask: a saturated queue
 * (utilisation >= 1) is a valid answer ("it grows without bound"), and arguments outside a
 * model's domain (c < 1, a negative rate) are reported as data. Only programmer errors (arrays of
 * mismatched length, a wrong type) throw.
 */
export interface NotSteady {
  readonly stable: false;
  /** 'saturated': offered load >= capacity; 'invalid': an argument outside the model's domain. */
  readonly problem: 'saturated' | 'invalid';
  /** One sentence a person can read, naming the argument and the value. */
  readonly reason: string;
  /** Per-server utilisation (>= 1 when saturated) when it could be computed, else null. */
  readonly utilisation: number | null;
}

export function invalid(reason: string): NotSteady {
  return { stable: false, problem: 'invalid', reason, utilisation: null };
}

export function saturated(utilisation: number, reason: string): NotSteady {
  return { stable: false, problem: 'saturated', reason, utilisation };
}

/** Most servers a formula in src/plan accepts; the Erlang recurrence is O(c), so this bounds its loop. */
export const SERVERS_MAX = 10_000_000;

/** Returns a reason when `value` is not a finite number > 0 (or >= 0 with `allowZero`), else null. */
export function checkPositive(name: string, value: number, allowZero = false): string | null {
  if (!Number.isFinite(value)) return `${name} must be a finite number, got ${value}`;
  if (allowZero ? value < 0 : value <= 0) {
    return `${name} must be ${allowZero ? 'at least 0' : 'greater than 0'}, got ${value}`;
  }
  return null;
}

/** Returns a reason when `servers` is not an integer in [1, SERVERS_MAX], else null. */
export function checkServers(name: string, servers: number): string | null {
  if (!Number.isInteger(servers) || servers < 1) return `${name} must be a whole number >= 1, got ${servers}`;
  if (servers > SERVERS_MAX) return `${name} must be at most ${SERVERS_MAX}, got ${servers}`;
  return null;
}
