// `npm run bench:debugger`: what debugging Go by source line costs, measured through the debug adapter
// as the editor drives it (a real DAP client on dist/debugAdapter.js).
//  - F5 to the first stop: a hello program with a breakpoint on its one line, build included (warm
//    build cache: the first of the rounds warms it and is not counted).
//  - A CPU-bound program (bench/programs/cpu) run three ways, from the launch response (the guest is
//    built and instantiated) to its exit: Run (noDebug, the optimised build), Debug with no breakpoint,
//    Debug with a line breakpoint in code that is not hot (the last line, hit once).
//  - Variables (bench/debugger, a frame with twenty locals and a 100,000-element slice): stop →
//    stack, scopes and the top frame's variables, at the first stop (which may wait for the debug
//    information, built beside the program) and again once it is there; one page of 100 elements
//    from the middle of the slice.
//  - A conditional breakpoint whose condition is false on a line run 100,000 times, against the same
//    Debug run without it.
//   node bench/debugger.mjs [--rounds N]
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const adapter = join(repo, 'dist', 'debugAdapter.js');
const hello = join(repo, 'test', 'fixtures', 'workspace');
const cpu = join(repo, 'bench', 'programs', 'cpu');
const values = join(repo, 'bench', 'debugger');
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 3;

async function session(program, { noDebug = false, breakpoints = [], onStop } = {}) {
  const dc = new DebugClient('node', adapter, 'wasip1', { cwd: repo });
  dc.defaultTimeout = 300_000;
  await dc.start();
  const started = performance.now();
  const initialized = dc.waitForEvent('initialized');
  const launched = dc.launch({ program, noDebug });
  await initialized;
  if (breakpoints.length) await dc.setBreakpointsRequest({ source: { path: join(program, 'main.go') }, breakpoints: breakpoints.map((b) => (typeof b === 'number' ? { line: b } : b)) });
  await dc.configurationDoneRequest();
  const stopped = breakpoints.length ? dc.waitForEvent('stopped') : undefined;
  const exited = dc.waitForEvent('exited');
  await launched;
  const running = performance.now();
  let firstStop;
  let measured;
  let resumed;
  if (stopped) {
    const event = await stopped;
    firstStop = performance.now();
    if (onStop) measured = await onStop(dc, event);
    resumed = performance.now();
    await dc.continueRequest({ threadId: 1 });
  }
  await exited;
  const ended = performance.now();
  await dc.stop();
  return { toFirstStop: firstStop && firstStop - started, run: ended - running, resumedToEnd: resumed && ended - resumed, ...measured };
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

/** Stack, scopes and the top frame's variables, as VS Code asks for them at a stop. */
async function topFrameVariables(dc, threadId) {
  const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  const lists = [];
  for (const scope of scopes.slice(0, 2)) lists.push((await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables);
  return lists.flat();
}
const variablesAt = async (dc, event) => {
  const t0 = performance.now();
  await topFrameVariables(dc, event.body.threadId);
  const first = performance.now() - t0;
  const t1 = performance.now();
  const locals = await topFrameVariables(dc, event.body.threadId);
  const again = performance.now() - t1;
  const big = locals.find((v) => v.name === 'big');
  const t2 = performance.now();
  const page = (await dc.variablesRequest({ variablesReference: big.variablesReference, filter: 'indexed', start: 50_000, count: 100 })).body.variables;
  const paged = performance.now() - t2;
  if (page.length !== 100 || page[0].value !== String(150_000)) throw new Error(`unexpected page: ${JSON.stringify(page.slice(0, 2))}`);
  if (locals.length < 20) throw new Error(`only ${locals.length} variables`);
  return { first, again, paged };
};
rows.push(await measure('variables: stop → stack, scopes and 20 locals, first stop (debug information maybe still building)', values, { breakpoints: [20], onStop: variablesAt }, (r) => r.first));
rows.push(await measure('variables: the same, debug information ready', values, { breakpoints: [20], onStop: variablesAt }, (r) => r.again));
rows.push(await measure('variables: a page of 100 elements from the middle of a 100,000-element slice', values, { breakpoints: [20], onStop: variablesAt }, (r) => r.paged));
// Both runs stop first at line 20 and wait there for the debug information, so neither counts building it.
const thenBreakpoints = (breakpoints) => async (dc, event) => {
  await topFrameVariables(dc, event.body.threadId);
  await dc.setBreakpointsRequest({ source: { path: join(values, 'main.go') }, breakpoints });
};
const loopPlain = await measure('conditional: Debug, no breakpoint on the loop (100,000 passes), from line 20 to the end', values, { breakpoints: [20], onStop: thenBreakpoints([]) }, (r) => r.resumedToEnd);
const loopCond = await measure('conditional: Debug, `i < 0` on the loop\'s line (false 100,000 times), from line 20 to the end', values, { breakpoints: [20], onStop: thenBreakpoints([{ line: 22, condition: 'i < 0' }]) }, (r) => r.resumedToEnd);
loopCond.base = loopPlain;
rows.push(loopPlain, loopCond);

console.log('| measurement | seconds (median of %d) | vs Run |', rounds);
console.log('|---|---:|---:|');
const vsRun = new Set([run, debugNone, debugCold]);
for (const row of rows) {
  const ratio = vsRun.has(row) ? `${(row.seconds / run.seconds).toFixed(2)}x` : row.base ? `${(row.seconds / row.base.seconds).toFixed(2)}x of the run without it` : '';
  console.log(`| ${row.label} | ${seconds(row.seconds * 1000)} | ${ratio} |`);
}
