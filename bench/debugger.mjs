// `npm run bench:debugger`: what debugging Go by source line costs, measured through the debug adapter
// as the editor drives it (a real DAP client on dist/debugAdapter.js).
//  - F5 to the first stop: a hello program with a breakpoint on its one line, build included (warm
//    build cache: the first of the rounds warms it and is not counted).
//  - A CPU-bound program (bench/programs/cpu) run three ways, from the launch response (the guest is
//    built and instantiated) to its exit: Run (noDebug, the optimised build), Debug with no breakpoint,
//    Debug with a line breakpoint in code that is not hot (the last line, hit once).
//   node bench/debugger.mjs [--rounds N]
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const adapter = join(repo, 'dist', 'debugAdapter.js');
const hello = join(repo, 'test', 'fixtures', 'workspace');
const cpu = join(repo, 'bench', 'programs', 'cpu');
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 3;

async function session(program, { noDebug = false, breakpoints = [] } = {}) {
  const dc = new DebugClient('node', adapter, 'wasip1', { cwd: repo });
  dc.defaultTimeout = 300_000;
  await dc.start();
  const started = performance.now();
  const initialized = dc.waitForEvent('initialized');
  const launched = dc.launch({ program, noDebug });
  await initialized;
  if (breakpoints.length) await dc.setBreakpointsRequest({ source: { path: join(program, 'main.go') }, breakpoints: breakpoints.map((line) => ({ line })) });
  await dc.configurationDoneRequest();
  const stopped = breakpoints.length ? dc.waitForEvent('stopped') : undefined;
  const exited = dc.waitForEvent('exited');
  await launched;
  const running = performance.now();
  let firstStop;
  if (stopped) {
    await stopped;
    firstStop = performance.now();
    await dc.continueRequest({ threadId: 1 });
  }
  await exited;
  const ended = performance.now();
  await dc.stop();
  return { toFirstStop: firstStop && firstStop - started, run: ended - running, stopToEnd: firstStop && ended - firstStop };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => (ms / 1000).toFixed(3);

async function measure(label, program, options, pick) {
  await session(program, options); // warms the build cache and V8's code cache
  const values = [];
  for (let i = 0; i < rounds; i++) values.push(pick(await session(program, options)));
  return { label, seconds: median(values) / 1000 };
}

const rows = [];
rows.push(await measure('F5 to the first stop (hello, breakpoint on its line, debug build included)', hello, { breakpoints: [8] }, (r) => r.toFirstStop));
const run = await measure('cpu: Run (noDebug, optimised build)', cpu, { noDebug: true }, (r) => r.run);
const debugNone = await measure('cpu: Debug, no breakpoint', cpu, {}, (r) => r.run);
const debugCold = await measure('cpu: Debug, a breakpoint on a line that is not hot (line 22, hit once)', cpu, { breakpoints: [22] }, (r) => r.run);
rows.push(run, debugNone, debugCold);

console.log('| measurement | seconds (median of %d) | vs Run |', rounds);
console.log('|---|---:|---:|');
for (const row of rows) console.log(`| ${row.label} | ${seconds(row.seconds * 1000)} | ${row === rows[0] ? '' : (row.seconds / run.seconds).toFixed(2) + 'x'} |`);
