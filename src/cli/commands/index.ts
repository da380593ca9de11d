/** Every command registers itself here; add one line per new command file. */
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
