/**
 * A progress bar with ETA on stderr, used only when stderr is a terminal (DESIGN.md section 1).
 * Wall time is read here, in the CLI, never in the engine.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(fraction: number, detail: string): void;
  done(): void;
}

export function progressReporter(write: (text: string) => void): ProgressReporter {
  void write;
  const bar = new cliProgress.SingleBar(
    { format: 'simulating [{bar}] {percentage}% | ETA {eta_formatted} | {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  const startedMs = performance.now();
  let started = false;
  return {
    update(fraction, detail) {
      // Short runs finish before a bar would help: show it only after a second.
      if (!started && performance.now() - startedMs < 1000) return;
      if (!started) {
        bar.start(1000, 0, { detail });
        started = true;
      }
      bar.update(Math.round(Math.min(1, fraction) * 1000), { detail });
    },
    done() {
      if (started) bar.stop();
    },
  };
}
