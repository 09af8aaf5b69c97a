// `npm run bench`: real Go programs (bench/programs) run in our host and in Node's built-in node:wasi
// side by side, to show where our host's cost lies and that it stays in the same league as the host
// Node ships. Our host is measured on each of its paths: the CLI (`wasip1 run`, the guest on the main
// thread), the CLI's worker runner (runWasi, what embedders and `--tcplisten` get) and the editor's
// Run button (the debug adapter's runtime with noDebug, its own worker).
//   node bench/run.mjs [--rounds N] [--only name,...] [--timeout SECONDS]
// Prints a markdown table and writes .bench/results.json. Exits non-zero if our host fails a program;
// node:wasi failing one is expected (its pipe and non-blocking bugs) and only reported.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGo } from './goBinary.mjs';
import { httpRssTable, measureHttpRss } from './httpRss.mjs';
import { canMeasureRss, killAllRunning, measureRun } from './measureRun.mjs';
import { programs } from './programs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repo, '.bench');

function parseOptions(argv) {
  const options = { rounds: 5, only: undefined, timeoutSeconds: 300 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--rounds') options.rounds = Number(value());
    else if (flag === '--only') options.only = value().split(',').filter(Boolean);
    else if (flag === '--timeout') options.timeoutSeconds = Number(value());
    else throw new Error(`unknown option ${argv[i]}\nusage: node bench/run.mjs [--rounds N] [--only name,...] [--timeout SECONDS]`);
  }
  if (!(options.rounds >= 1)) throw new Error('--rounds needs a positive number');
  if (!(options.timeoutSeconds > 0)) throw new Error('--timeout needs a positive number of seconds');
  const unknown = (options.only ?? []).filter((name) => !programs.some((p) => p.name === name));
  if (unknown.length) throw new Error(`unknown program(s) ${unknown.join(', ')}; known: ${programs.map((p) => p.name).join(', ')}`);
  return options;
}

const editorRuntime = join(outDir, 'editorRuntime.cjs');

const hosts = [
  // As a user runs it: the command itself, which starts node with the stack that lets the guest run
  // on the main thread.
  { key: 'cli', label: 'CLI', command: join(repo, 'bin', 'wasip1'), prefix: ['run'] },
  // The same command kept to its worker runner (runWasi + hostWorker), as for --tcplisten or a socket on stdin.
  { key: 'worker', label: 'CLI worker', command: join(repo, 'bin', 'wasip1'), prefix: ['run'], env: { WASIP1_IN_WORKER: '1' } },
  // The editor's Run: plain node, as the extension host's V8 is left untuned.
  { key: 'editor', label: 'editor Run', command: process.execPath, prefix: [join(repo, 'bench', 'editorRunner.mjs'), editorRuntime] },
  { key: 'nodeWasi', label: 'node:wasi', command: process.execPath, prefix: [join(repo, 'bench', 'nodeWasiRunner.mjs')] },
];

/** The debug adapter's runtime as a library for editorRunner.mjs (dist/ has it only inside the adapter and the extension). */
function bundleEditorRuntime() {
  esbuild.buildSync({
    entryPoints: [join(repo, 'src', 'debug', 'wasip1Runtime.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: editorRuntime,
    logLevel: 'warning',
  });
}

function buildPrograms(selected) {
  const go = findGo();
  mkdirSync(outDir, { recursive: true });
  const env = { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
  for (const program of selected) {
    execFileSync(go, ['build', '-o', join(outDir, `${program.name}.wasm`), `./${program.name}`], {
      cwd: join(repo, 'bench', 'programs'),
      env,
      stdio: 'inherit',
    });
  }
  return execFileSync(go, ['version'], { encoding: 'utf8' }).trim();
}

/**
 * Where the programs' files live: a RAM file system when there is one. The benchmark measures the
 * hosts, not the disk; on a virtual disk creating a file can cost 0.5 ms, which would make the
 * metadata and walk programs measure file creation in the kernel, the same for both hosts.
 */
const scratchBase = ['/dev/shm'].find((dir) => {
  try {
    rmSync(mkdtempSync(join(dir, 'bench-probe-')), { recursive: true });
    return true;
  } catch {
    return false;
  }
}) ?? tmpdir();

async function runOnce(host, program, timeoutMs) {
  // A fresh preopen per run: no run sees another's files, and a failed run leaves nothing behind.
  const root = mkdtempSync(join(scratchBase, `bench-${program.name}-`));
  try {
    const wasm = join(outDir, `${program.name}.wasm`);
    const loaded = host.key === 'editor' ? join(root, '..', `${program.name}-editor-loaded.json`) : undefined;
    const result = await measureRun({
      command: host.command,
      args: [...host.prefix, '--dir', `${root}::/`, '--env', 'PWD=/', '--', wasm],
      stdinBytes: program.stdinBytes,
      env: loaded ? { ...host.env, BENCH_EDITOR_LOADED: loaded } : host.env,
      timeoutMs,
    });
    if (loaded) subtractEditorLoad(result, loaded);
    return { ...result, failure: failureOf(result, program) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The editor row counts from the Run button on: editorRunner.mjs writes the CPU time its own node's
 * start-up and the runtime's loading took before the run began (the extension host has both
 * already), and the wall time from then until the guest's end.
 */
function subtractEditorLoad(result, file) {
  let loaded;
  try {
    loaded = JSON.parse(readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
  } catch {
    return;
  }
  if (loaded.runSeconds !== undefined) result.seconds = loaded.runSeconds;
  if (result.cpuSeconds !== undefined) result.cpuSeconds -= loaded.cpuSeconds;
}

function failureOf(result, program) {
  if (result.timedOut) return 'timeout';
  if (result.signal) return `killed by ${result.signal}`;
  const firstLine = result.stderrHead.split('\n').find((line) => line.trim()) ?? '';
  if (result.exitCode !== 0) return `exit ${result.exitCode}${firstLine ? `: ${firstLine.trim()}` : ''}`;
  return program.check(result);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(runs) {
  const failed = runs.filter((run) => run.failure);
  const rss = runs.map((run) => run.rssKiB).filter((value) => value !== undefined);
  const cpu = runs.map((run) => run.cpuSeconds).filter((value) => value !== undefined);
  return {
    ok: failed.length === 0,
    failures: failed.length,
    failure: failed[0]?.failure,
    seconds: runs.map((run) => run.seconds),
    medianSeconds: failed.length ? undefined : median(runs.map((run) => run.seconds)),
    medianCpuSeconds: failed.length || !cpu.length ? undefined : median(cpu),
    peakRssMiB: rss.length ? Math.max(...rss) / 1024 : undefined,
  };
}

async function measureBaseline(rounds, timeoutMs) {
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const run = await measureRun({ command: process.execPath, args: ['-e', '0'], timeoutMs });
    runs.push({ ...run, failure: run.exitCode === 0 ? undefined : `exit ${run.exitCode}` });
  }
  return summarize(runs);
}

const seconds = (value) => (value === undefined ? '—' : value.toFixed(3));
const mib = (value) => (value === undefined ? '—' : value.toFixed(0));

function timeCell(summary, rounds, metric) {
  if (summary.ok) return seconds(summary[metric]);
  return summary.failures === rounds ? 'fails' : `fails ${summary.failures}/${rounds}`;
}

function ratio(summary, base, metric) {
  return summary.ok && base.ok && summary[metric] !== undefined ? `${(summary[metric] / base[metric]).toFixed(2)}x` : '—';
}

/**
 * `metric` (medianSeconds: wall, medianCpuSeconds: user + system) of every host, each runner of ours
 * against the CLI, the CLI against node:wasi, then peak RSS.
 */
function table(rows, baseline, rounds, metric) {
  const lines = [
    `| program | ${hosts.map((h) => `${h.label} (s)`).join(' | ')} | CLI worker / CLI | editor Run / CLI | CLI / node:wasi | ${hosts.map((h) => `${h.label} RSS (MiB)`).join(' | ')} |`,
    `|---|${hosts.map(() => '---:').join('|')}|---:|---:|---:|${hosts.map(() => '---:').join('|')}|`,
  ];
  for (const row of rows) {
    const times = hosts.map((h) => timeCell(row[h.key], rounds, metric)).join(' | ');
    const rss = hosts.map((h) => mib(row[h.key].peakRssMiB)).join(' | ');
    lines.push(`| ${row.name} | ${times} | ${ratio(row.worker, row.cli, metric)} | ${ratio(row.editor, row.cli, metric)} | ${ratio(row.cli, row.nodeWasi, metric)} | ${rss} |`);
  }
  const floor = hosts.map(() => seconds(baseline[metric])).join(' | ');
  lines.push(`| (node -e 0) | ${floor} | — | — | — | ${hosts.map(() => mib(baseline.peakRssMiB)).join(' | ')} |`);
  return lines.join('\n');
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const selected = options.only ? programs.filter((p) => options.only.includes(p.name)) : programs;
  if (!existsSync(join(repo, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (or `npm run bench`)');
  const timeoutMs = options.timeoutSeconds * 1000;
  const goVersion = buildPrograms(selected);
  bundleEditorRuntime();
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${goVersion}, files in ${scratchBase}`;
  console.error(`[bench] ${machine}; ${options.rounds} rounds; peak RSS ${canMeasureRss ? 'from /usr/bin/time' : 'not measured (no GNU time: apt-get install time)'}`);

  const baseline = await measureBaseline(options.rounds, timeoutMs);
  const rows = [];
  for (const program of selected) {
    const runs = Object.fromEntries(hosts.map((host) => [host.key, []]));
    for (let round = 0; round < options.rounds; round++) {
      // Rotating which host goes first cancels out warm caches and thermal drift favouring one.
      const order = hosts.map((_, i) => hosts[(i + round) % hosts.length]);
      for (const host of order) runs[host.key].push(await runOnce(host, program, timeoutMs));
    }
    const row = { name: program.name, measures: program.measures, ...Object.fromEntries(hosts.map((host) => [host.key, summarize(runs[host.key])])) };
    rows.push(row);
    const state = (s) => (s.ok ? `${seconds(s.medianSeconds)} s` : `fails (${s.failure})`);
    console.error(`[bench] ${program.name}: ${hosts.map((host) => `${host.label} ${state(row[host.key])}`).join(', ')}`);
  }

  console.log(`\nMedian wall time of ${options.rounds} rounds; ${machine}.\n\n${table(rows, baseline, options.rounds, 'medianSeconds')}\n`);
  if (canMeasureRss) console.log(`Median CPU time (user + system, all threads) of the same runs.\n\n${table(rows, baseline, options.rounds, 'medianCpuSeconds')}\n`);
  const notes = rows.flatMap((row) =>
    hosts.filter((host) => !row[host.key].ok).map((host) => `- ${row.name} in ${host.label}: ${row[host.key].failure}`),
  );
  if (notes.length) console.log(`Failures (first per program and host):\n${notes.join('\n')}\n`);

  // Memory under HTTP load, with the whole set only (it takes a minute or more).
  const http = options.only ? undefined : await measureHttpRss();
  if (http) console.log(`${httpRssTable(http)}\n`);

  const results = { date: new Date().toISOString(), machine, rounds: options.rounds, rssMeasured: canMeasureRss, baseline: { command: 'node -e 0', ...baseline }, programs: rows, http };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Results: ${join(outDir, 'results.json')}`);
  return rows.every((row) => hosts.every((host) => host.key === 'nodeWasi' || row[host.key].ok)) ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllRunning();
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    killAllRunning();
    console.error(`[bench] ${error.message}`);
    process.exitCode = 1;
  },
);
