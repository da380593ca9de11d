/**
 * The SimPy peer (../shared/peers/simpy_classic_ref.py, SimPy Classic 2.3 from Debian's
 * python3-simpy): runs one of its reference workloads as a child process and reads its JSON line,
 * so `chatscale bench --peer` shows chatscale's speed beside the peer's, same machine, same sitting.
 *
 * Starting the process is injected (`exec`): the CLI passes one built on child_process, tests pass
 * a stand-in. When python3 or SimPy is missing, the result is `figures: null` with a reason, never
 * an exception: CI machines need neither.
 */
export type PeerModel = 'mm1' | 'chat';

export interface PeerFigures {
  model: PeerModel;
  /** e.g. `simpy-classic-2.3`. */
  peer: string;
  scale: number;
  /** Customers (mm1) or messages (chat) completed. */
  completed: number;
  wallSeconds: number;
  completedPerWallSecond: number;
  meanSeconds: number;
  p50Seconds: number;
  p99Seconds: number;
}

export type PeerResult = { figures: PeerFigures; reason: null } | { figures: null; reason: string };

export interface ExecResult {
  /** Exit status; null when the process could not start or was killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start (code `ENOENT` for a missing program) or timed out. */
  error?: { code?: string; message: string };
}

export type PeerExec = (program: string, args: readonly string[]) => ExecResult;

export interface PeerRunOptions {
  exec: PeerExec;
  /** Folder holding simpy_classic_ref.py. */
  peersDir: string;
  /** Default /usr/bin/python3, which has Debian's python3-simpy (another python on PATH may not). */
  python?: string;
}

export const PEER_SCRIPT = 'simpy_classic_ref.py';
export const PEER_PYTHON_DEFAULT = '/usr/bin/python3';
const INSTALL_HINT = 'apt-get install -y python3-simpy';

function joinPath(dir: string, file: string): string {
  return dir.endsWith('/') ? `${dir}${file}` : `${dir}/${file}`;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}

/** Reads the peer's one JSON line; returns a reason when it is not what the peer prints. */
export function parsePeerLine(line: string, model: PeerModel, scale: number): PeerResult {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { figures: null, reason: `peer printed no JSON line (got ${JSON.stringify(line.slice(0, 120))})` };
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const numbers = ['n', 'wall_s', 'per_s', 'mean', 'p50', 'p99'] as const;
  const missing = numbers.filter((key) => typeof record[key] !== 'number' || !Number.isFinite(record[key]));
  if (missing.length > 0) return { figures: null, reason: `peer JSON lacks numeric ${missing.join(', ')}` };
  if (record.model !== model) return { figures: null, reason: `peer ran model ${String(record.model)}, asked for ${model}` };
  const n = record.n as number;
  const wallSeconds = record.wall_s as number;
  return {
    figures: {
      model,
      peer: typeof record.peer === 'string' ? record.peer : 'simpy',
      scale,
      completed: n,
      wallSeconds,
      // Recomputed from n and wall_s rather than the rounded per_s.
      completedPerWallSecond: wallSeconds > 0 ? n / wallSeconds : (record.per_s as number),
      meanSeconds: record.mean as number,
      p50Seconds: record.p50 as number,
      p99Seconds: record.p99 as number,
    },
    reason: null,
  };
}

/** Runs `python3 simpy_classic_ref.py MODEL SCALE` and returns its figures, or null and why not. */
export function runPeer(model: PeerModel, scale: number, options: PeerRunOptions): PeerResult {
  if (!(scale > 0 && Number.isFinite(scale))) return { figures: null, reason: `peer scale must be a number > 0, got ${scale}` };
  const python = options.python ?? PEER_PYTHON_DEFAULT;
  const script = joinPath(options.peersDir, PEER_SCRIPT);
  const result = options.exec(python, [script, model, String(scale)]);
  if (result.error !== undefined) {
    if (result.error.code === 'ENOENT') return { figures: null, reason: `${python} not found (install python3 and ${INSTALL_HINT})` };
    return { figures: null, reason: `peer did not run: ${result.error.message}` };
  }
  if (result.status !== 0) {
    const stderr = result.stderr;
    if (/No module named '?SimPy/.test(stderr)) return { figures: null, reason: `SimPy Classic is not installed for ${python} (${INSTALL_HINT})` };
    if (/can't open file|No such file or directory/.test(stderr)) {
      return { figures: null, reason: `peer script not found at ${script} (set CHATSCALE_PEERS_DIR to the folder holding ${PEER_SCRIPT})` };
    }
    return { figures: null, reason: `peer exited with status ${String(result.status)}: ${lastLine(stderr) || 'no message'}` };
  }
  return parsePeerLine(lastLine(result.stdout), model, scale);
}
