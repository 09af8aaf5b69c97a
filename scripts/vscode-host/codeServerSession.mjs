// One extension test run inside a real VS Code extension host without desktop VS Code: the VS Code
// server from code-server serves the workbench, headless Chromium (driven by playwright-core) is the
// window that connects to it, and the workbench's smoke-test driver hands us the test output and
// the exit code. The same flow @vscode/test-web uses, pointed at a Node extension host.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { URLSearchParams } from 'node:url';
import { format } from 'node:util';
import { chromiumPath, ensureCodeServer } from './setup.mjs';

export class HostTimeoutError extends Error {}

/** code-server serves no service worker in this mode; the workbench's complaint about it is noise. */
function isKnownHarmless(line) {
  return line.startsWith('[Service Worker] registration');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the server until it serves the workbench page; fails at once if the server died. */
async function fetchWorkbenchHtml(baseUrl, server, serverLogPath, deadline) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`VS Code server exited (${server.exitCode ?? server.signalCode}) before serving; its log:\n${readTail(serverLogPath)}`);
    }
    const html = await getPage(baseUrl + '/').catch(() => undefined);
    if (html !== undefined) return html;
    await sleep(100);
  }
  throw new HostTimeoutError(`VS Code server did not answer on ${baseUrl} in time; its log:\n${readTail(serverLogPath)}`);
}

/** The body of a 200 answer; rejects on anything else, including "not listening yet". */
function getPage(url) {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { timeout: 2000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

function readTail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * The authority the workbench uses for files on the server; vscode-remote:// URIs in the test
 * payload must carry exactly this one or the extension host cannot resolve them.
 */
function remoteAuthorityOf(html, fallback) {
  const match = /id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/.exec(html);
  if (!match) return fallback;
  const json = match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  try {
    return JSON.parse(json).remoteAuthority ?? fallback;
  } catch {
    return fallback;
  }
}

/** Ends the server and everything it started (extension host, file watcher, pty host). */
function killGroup(child, signal) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopServer(child) {
  if (child.pid === undefined) return;
  killGroup(child, 'SIGTERM');
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));
  let timer;
  const grace = new Promise((resolve) => (timer = setTimeout(resolve, 3000)));
  await Promise.race([exited, grace]);
  clearTimeout(timer);
  // The group outlives its leader when a child ignores SIGTERM: make sure nothing lingers.
  killGroup(child, 'SIGKILL');
}

/**
 * Runs the extension tests and resolves with their exit code (0 = all passed).
 * @param {object} options
 * @param {string} options.extensionDevelopmentPath absolute folder with the extension's package.json
 * @param {string} options.extensionTestsPath absolute path of the compiled test runner (index.js)
 * @param {string} [options.workspace] absolute folder to open
 * @param {Record<string,string|undefined>} [options.env] extra environment for the extension host
 * @param {number} [options.timeoutMs] whole-run limit
 * @param {boolean} [options.verbose] also print the workbench's browser console and the server log
 * @param {string} [options.quietUntil] the start of the test runner's first line: workbench output
 *   before it is printed only if the run fails
 * @param {(line: string) => void} [options.log]
 */
export async function runTestsInCodeServer(options) {
  const {
    extensionDevelopmentPath,
    extensionTestsPath,
    workspace,
    env = {},
    timeoutMs = 5 * 60_000,
    verbose = false,
    quietUntil,
    log = (line) => console.log(line),
  } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const serverMain = await ensureCodeServer({ log });

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'wasip1-vscode-host-'));
  const dir = (name) => {
    const full = path.join(tmp, name);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const serverLogPath = path.join(tmp, 'server.log');
  const serverLog = createWriteStream(serverLogPath);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  // The extension host inherits the server's environment: that is how extra variables reach the tests.
  const serverEnv = {
    ...process.env,
    ...env,
    XDG_CACHE_HOME: dir('xdg-cache'),
    XDG_CONFIG_HOME: dir('xdg-config'),
    XDG_DATA_HOME: dir('xdg-data'),
    // No marketplace: nothing may be fetched or recommended while the tests run.
    EXTENSIONS_GALLERY: '{}',
  };
  delete serverEnv.ELECTRON_RUN_AS_NODE;
  delete serverEnv.VSCODE_IPC_HOOK_CLI;

  const server = spawn(
    process.execPath,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--server-data-dir', dir('server-data'),
      '--user-data-dir', dir('user-data'),
      '--extensions-dir', dir('extensions'),
      '--disable-telemetry',
      '--disable-workspace-trust',
    ],
    { env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.pipe(serverLog, { end: false });
  server.stderr.pipe(serverLog, { end: false });
  if (verbose) {
    server.stdout.on('data', (chunk) => process.stderr.write(`[server] ${chunk}`));
    server.stderr.on('data', (chunk) => process.stderr.write(`[server] ${chunk}`));
  }
  // Even a crash of this script must not leave the server's process group behind.
  const killOnExit = () => killGroup(server, 'SIGKILL');
  process.on('exit', killOnExit);
  let onSignal;
  const interrupted = new Promise((_, reject) => {
    onSignal = (signal) => reject(new Error(`interrupted by ${signal}`));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  interrupted.catch(() => {});

  let context;
  let flushStartup = () => {};
  try {
    const html = await fetchWorkbenchHtml(baseUrl, server, serverLogPath, deadline);
    const authority = remoteAuthorityOf(html, `127.0.0.1:${port}`);
    const serverReadyMs = Date.now() - started;

    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(dir('chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());

    let resolveExit;
    const exited = new Promise((resolve) => (resolveExit = resolve));
    // The smoke-test driver calls these two globals; they must exist before the workbench loads.
    // The workbench reports its own start-up chatter through the same channel as the tests. With
    // quietUntil it is held back until the test runner prints that, and shown only on failure.
    const startupLines = [];
    let testsStarted = quietUntil === undefined;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      const isError = type === 'error' || type === 'warn';
      if (!verbose && isKnownHarmless(line)) return;
      if (!testsStarted && line.startsWith(quietUntil)) testsStarted = true;
      if (!testsStarted && !verbose) {
        startupLines.push({ line, isError });
        return;
      }
      (isError ? process.stderr : process.stdout).write(line + '\n');
    });
    flushStartup = () => {
      if (testsStarted) return;
      for (const { line, isError } of startupLines.splice(0)) (isError ? process.stderr : process.stdout).write(`[workbench] ${line}\n`);
    };
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    if (verbose) {
      page.on('console', (message) => process.stderr.write(`[workbench ${message.type()}] ${message.text()}\n`));
    }
    page.on('pageerror', (error) => process.stderr.write(`[workbench error] ${error.message}\n`));
    const browserClosed = new Promise((_, reject) => context.on('close', () => reject(new Error('Chromium closed before the tests finished'))));
    browserClosed.catch(() => {});

    const remote = (file) => `vscode-remote://${authority}${file.split(path.sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const query = new URLSearchParams();
    if (workspace) query.set('folder', workspace);
    query.set('payload', JSON.stringify(payload));
    await page.goto(`${baseUrl}/?${query}`, { timeout: Math.max(1000, deadline - Date.now()) });
    log(`[vscode-host] server ready in ${(serverReadyMs / 1000).toFixed(1)} s, workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new HostTimeoutError(`tests did not finish within ${Math.round(timeoutMs / 1000)} s (the test runner never reported an exit code)`)),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      const code = await Promise.race([exited, timedOut, browserClosed, interrupted]);
      if (code !== 0) flushStartup();
      return code;
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    flushStartup();
    if (!verbose) process.stderr.write(`[vscode-host] server log tail:\n${readTail(serverLogPath)}\n`);
    throw error;
  } finally {
    await context?.close().catch(() => {});
    await stopServer(server);
    process.off('exit', killOnExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    serverLog.end();
    if (process.env.WASIP1_TEST_KEEP_TMP) log(`[vscode-host] kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}
