// Finds processes by an environment marker, to prove a cancelled command left nothing running.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes that inherited `marker` in their environment (Linux /proc). */
export function processesCarrying(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found;
}
