// Per-function totals for `trace: true`: after the per-call lines scroll by, the summary answers
// "where did the time go and what failed" at a glance.
import { errnoName } from '../wasi/spec/errno';

interface FunctionTotals {
  calls: number;
  ms: number;
  /** Count of each non-SUCCESS errno. */
  errors: Map<number, number>;
}

export class HostCallStatistics {
  private readonly totals = new Map<string, FunctionTotals>();

  record(name: string, ms: number, errno: number | undefined): void {
    let entry = this.totals.get(name);
    if (!entry) this.totals.set(name, (entry = { calls: 0, ms: 0, errors: new Map() }));
    entry.calls++;
    entry.ms += ms;
    if (errno) entry.errors.set(errno, (entry.errors.get(errno) ?? 0) + 1);
  }

  /** A table, busiest function first. */
  summary(): string {
    const rows = [...this.totals].sort((a, b) => b[1].calls - a[1].calls || b[1].ms - a[1].ms);
    const width = Math.max(8, ...rows.map(([name]) => name.length));
    const lines = [`Host calls: ${rows.reduce((n, [, t]) => n + t.calls, 0)}`, `${'function'.padEnd(width)}  ${'calls'.padStart(7)}  ${'total ms'.padStart(10)}  errors`];
    for (const [name, t] of rows) {
      const errors = [...t.errors].map(([errno, count]) => `${errnoName(errno)}×${count}`).join(' ');
      lines.push(`${name.padEnd(width)}  ${String(t.calls).padStart(7)}  ${t.ms.toFixed(3).padStart(10)}  ${errors || '-'}`);
    }
    return lines.join('\n');
  }
}
