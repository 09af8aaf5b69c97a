// A workbench window on the real VS Code server, for looking at the UI as a person does (ui-check.mjs,
// testing-ui-check.mjs): the server started on a random port with the extension loaded from this
// checkout, and headless Chromium showing `workspace`. Not for the test runs: codeServerSession.mjs.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, ensureCodeServer, repoRoot, serverMainPath } from './setup.mjs';

/** Starts the server and the window; `close()` ends both. `tmp` holds the server's and browser's state. */
export async function openWorkbench({ workspace, tmp, env = {}, viewport = { width: 1400, height: 900 } }) {
  await ensureCodeServer();
  const port = 39000 + Math.floor(Math.random() * 1000);
  const serverEnv = { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'c'), XDG_CONFIG_HOME: path.join(tmp, 'cf'), XDG_DATA_HOME: path.join(tmp, 'd'), EXTENSIONS_GALLERY: '{}', ...env };
  const server = spawn('node', [serverMainPath(), '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
    '--server-data-dir', path.join(tmp, 's'), '--user-data-dir', path.join(tmp, 'u'), '--extensions-dir', path.join(tmp, 'e'), '--disable-telemetry', '--disable-workspace-trust'],
    { env: serverEnv, detached: true, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2500));
  const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: chromiumPath, headless: true, viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const authority = `127.0.0.1:${port}`;
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`], ['skipWelcome', 'true']]);
  await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForTimeout(5000);
  return {
    page,
    close: async () => {
      await ctx.close();
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    },
  };
}
