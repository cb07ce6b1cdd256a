/** `schemasage fix <source> [--rule ID…] [--capability NAME…] --out FILE`: one verified, lock-safe migration. */
import type { Command } from 'commander';

export function registerFix(_program: Command, _setExit: (code: number) => void): void {
  // filled in by the fix work
}
