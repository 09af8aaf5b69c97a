// Runs test/vscode (compiled to out/test/vscode) inside a real VS Code extension host.
//   node scripts/vscode-host/run-tests.mjs [--grep <pattern>] [--desktop | --code-server] [--timeout <seconds>]
//                                          [--out <tsc outDir>] [--verbose]
// Desktop VS Code (@vscode/test-electron) is used when it can be obtained and shown; otherwise, as on
// offline machines, the VS Code server from code-server with headless Chromium (see README.md).
// Environment: WASIP1_TEST_DESKTOP=1 forces desktop, =0 forces code-server; WASIP1_TEST_GREP is the
// same as --grep; WASIP1_TEST_TIMEOUT_S the same as --timeout.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './setup.mjs';
import { HostTimeoutError, runTestsInCodeServer } from './codeServerSession.mjs';

const { values: flags } = parseArgs({
  options: {
    grep: { type: 'string' },
    desktop: { type: 'boolean', default: false },
    'code-server': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    // Another tsc outDir (e.g. out-mine) so parallel work does not share out/.
    out: { type: 'string', default: 'out' },
  },
  allowPositionals: false,
});

const extensionTestsPath = path.resolve(repoRoot, flags.out, 'test', 'vscode', 'index.js');
const workspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');
const timeoutMs = Number(flags.timeout ?? process.env.WASIP1_TEST_TIMEOUT_S ?? 300) * 1000;
const grep = flags.grep ?? process.env.WASIP1_TEST_GREP;
// Read by test/vscode/index.ts in the extension host, which inherits this environment on both routes.
const testEnv = {
  ...(grep ? { WASIP1_TEST_GREP: grep } : {}),
  // Where index.ts writes {passed, failed} for `npm test`'s summary.
  ...(process.env.WASIP1_TEST_RESULTS ? { WASIP1_TEST_RESULTS: path.resolve(process.env.WASIP1_TEST_RESULTS) } : {}),
};

/** A problem the message fully explains; no stack trace is printed for it. */
class RouteError extends Error {}

/** Which host to use, and why, so a run's log says what it actually tested against. */
async function chooseRoute() {
  const forced = process.env.WASIP1_TEST_DESKTOP;
  if (flags.desktop || forced === '1') {
    try {
      return { route: 'desktop', why: 'requested', executable: await downloadDesktop() };
    } catch (error) {
      throw new RouteError(`desktop VS Code was requested but cannot be downloaded: ${firstLine(error)}\n` +
        '  drop --desktop / WASIP1_TEST_DESKTOP=1 to use the offline code-server route');
    }
  }
  if (flags['code-server'] || forced === '0') return { route: 'code-server', why: 'requested' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { route: 'code-server', why: 'no display for desktop VS Code (set WASIP1_TEST_DESKTOP=1 under xvfb-run to use it)' };
  }
  try {
    return { route: 'desktop', why: 'desktop VS Code available', executable: await downloadDesktop() };
  } catch (error) {
    return { route: 'code-server', why: `desktop VS Code unavailable (${firstLine(error)})` };
  }
}

/** Path of desktop VS Code, downloaded into .vscode-test/ by @vscode/test-electron or found there. */
async function downloadDesktop() {
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  // A short idle timeout: offline machines fail fast (DNS) and half-open networks must not stall the run.
  return withTimeout(downloadAndUnzipVSCode({ timeout: 5000 }), 180_000);
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

async function runDesktop(executable) {
  const { runTests } = await import('@vscode/test-electron');
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      extensionTestsEnv: testEnv,
      launchArgs: [workspace, '--disable-extensions'],
    });
  } catch (error) {
    // runTests rejects on a non-zero exit; the code is what the caller needs.
    if (typeof error?.code === 'number') return error.code;
    throw error;
  }
}

async function main() {
  if (!existsSync(extensionTestsPath)) {
    console.error(`[vscode-host] ${path.relative(repoRoot, extensionTestsPath)} is missing: run \`npm run compile-tests\` (or \`npm run test:vscode\`)`);
    return 1;
  }
  const { route, why, executable } = await chooseRoute();
  console.log(`[vscode-host] route: ${route} (${why})${grep ? `, grep: ${grep}` : ''}`);
  const started = performance.now();
  const code = route === 'desktop'
    ? await runDesktop(executable)
    : await runTestsInCodeServer({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath,
        workspace,
        env: testEnv,
        timeoutMs,
        verbose: flags.verbose,
        // test/vscode/index.ts starts with this line; what the workbench says before it is start-up noise.
        quietUntil: 'vscode.version ',
      });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`[vscode-host] ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${seconds} s`);
  return code;
}

try {
  process.exitCode = await main();
} catch (error) {
  const explained = error instanceof HostTimeoutError ? 'TIMEOUT: ' + error.message : error instanceof RouteError ? error.message : undefined;
  console.error(`[vscode-host] ${explained ?? error?.stack ?? error}`);
  process.exitCode = error instanceof HostTimeoutError ? 124 : 1;
}
