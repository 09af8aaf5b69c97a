// Peak memory of a Go HTTP server under load: 20,000 keep-alive requests from 32 concurrent
// clients (test/support/httpLoad.ts, which checks every answer) against the same server
// (test/fixtures/go/hostext_httpserver) run natively, by the CLI (`wasip1 run --tcplisten`, the
// guest in a worker) and by the editor's Run (Wasip1Runtime noDebug with a `tcplisten` launch).
// Peak RSS is the kernel's VmHWM of the serving process (the editor's: the guest's own process), read just before it is told to quit.
//   node bench/httpRss.mjs [--requests N] [--clients N]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { findGo } from './goBinary.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repo, '.bench');
const fixture = join(repo, 'test', 'fixtures', 'go', 'hostext_httpserver');

function build() {
  const go = findGo();
  const env = { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
  execFileSync(go, ['build', '-o', join(outDir, 'httpserver.wasm'), '.'], { cwd: fixture, env: { ...env, GOOS: 'wasip1', GOARCH: 'wasm' }, stdio: 'inherit' });
  execFileSync(go, ['build', '-o', join(outDir, 'httpserver-native'), '.'], { cwd: fixture, env, stdio: 'inherit' });
  // The tests' load generator, reused as is.
  esbuild.buildSync({ entryPoints: [join(repo, 'test', 'support', 'httpLoad.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: join(outDir, 'httpLoad.cjs'), logLevel: 'warning' });
  return createRequire(import.meta.url)(join(outDir, 'httpLoad.cjs'));
}

// One preopened directory before the socket in both hosts (the editor always preopens one), so the socket is fd 4.
const wasiArgs = (port) => ['--dir', `${outDir}::/`, '--tcplisten', `127.0.0.1:${port}`, '--', join(outDir, 'httpserver.wasm'), '-fd', '4'];

/** How each server is started on `port`. The editor row needs bench/run.mjs's .bench/editorRuntime.cjs. */
const servers = [
  { label: 'native Go', start: (port) => [join(outDir, 'httpserver-native'), ['-listen', `127.0.0.1:${port}`]] },
  { label: 'CLI', start: (port) => [join(repo, 'bin', 'wasip1'), ['run', ...wasiArgs(port)]] },
  { label: 'editor Run', start: (port) => [process.execPath, [join(repo, 'bench', 'editorRunner.mjs'), join(outDir, 'editorRuntime.cjs'), ...wasiArgs(port)]] },
];

/**
 * The process that serves: the started one, or for the editor's Run the guest's own process it
 * started (through /bin/sh, which execs node). The editor's share is the extension host's, which
 * only passes the guest's output on.
 */
function servingPid(pid) {
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // No children file (an old kernel): the process itself.
  }
  return children.length ? servingPid(children.at(-1)) : pid;
}

function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1]) / 1024;
}

export async function measureHttpRss({ requests = 20_000, clients = 32 } = {}) {
  const load = build();
  const rows = [];
  for (const server of servers) {
    const port = await load.freePort();
    const [command, args] = server.start(port);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolveExit) => child.on('exit', resolveExit));
    try {
      await load.waitForPort(port);
      const result = await load.helloLoad(port, requests, clients, true);
      const peak = peakRssMiB(servingPid(child.pid));
      await load.get(port, '/quit');
      rows.push({ label: server.label, peakRssMiB: peak, requestsPerSecond: result.requestsPerSecond, failures: result.failures.length });
    } catch (error) {
      rows.push({ label: server.label, failure: `${error.message}${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}` });
    } finally {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }
  return rows;
}

export function httpRssTable(rows, requests = 20_000, clients = 32) {
  const lines = [`${requests} keep-alive requests from ${clients} concurrent clients to one Go HTTP server.\n`, '| server | peak RSS (MiB) | requests/s | failed requests |', '|---|---:|---:|---:|'];
  for (const row of rows) {
    lines.push(row.failure ? `| ${row.label} | fails: ${row.failure} | — | — |` : `| ${row.label} | ${row.peakRssMiB.toFixed(0)} | ${row.requestsPerSecond} | ${row.failures} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = { requests: 20_000, clients: 32 };
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--requests') options.requests = Number(process.argv[++i]);
    else if (process.argv[i] === '--clients') options.clients = Number(process.argv[++i]);
    else throw new Error(`unknown option ${process.argv[i]}\nusage: node bench/httpRss.mjs [--requests N] [--clients N]`);
  }
  const rows = await measureHttpRss(options);
  console.log(httpRssTable(rows, options.requests, options.clients));
  process.exitCode = rows.some((row) => row.failure || row.failures) ? 1 : 0;
}
