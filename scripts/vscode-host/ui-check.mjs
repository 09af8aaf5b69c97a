// A look at the real workbench, as a person sees it: the extension loaded into the VS Code server
// with Chromium as the window, main.go of the test workspace opened, the Run button clicked, and
// the wasip1 view opened. Prints what it found and leaves screenshots in a temporary folder.
//   npm run build && node scripts/vscode-host/ui-check.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, ensureCodeServer, repoRoot as repo, serverMainPath } from './setup.mjs';

await ensureCodeServer();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'uicheck-'));
const shots = path.join(tmp, 'screenshots');
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test/fixtures/workspace'), ws, { recursive: true });
const port = 39000 + Math.floor(Math.random() * 1000);
const env = { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'c'), XDG_CONFIG_HOME: path.join(tmp, 'cf'), XDG_DATA_HOME: path.join(tmp, 'd'), EXTENSIONS_GALLERY: '{}' };
const server = spawn('node', [serverMainPath(), '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
  '--server-data-dir', path.join(tmp, 's'), '--user-data-dir', path.join(tmp, 'u'), '--extensions-dir', path.join(tmp, 'e'), '--disable-telemetry', '--disable-workspace-trust'],
  { env, detached: true, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));
const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: chromiumPath, headless: true, viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = ctx.pages()[0] ?? await ctx.newPage();
const authority = `127.0.0.1:${port}`;
const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${authority}${repo}`], ['skipWelcome', 'true']]);
await page.goto(`http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
await page.waitForTimeout(5000);
// open main.go
await page.keyboard.press('Control+P');
await page.waitForTimeout(800);
await page.keyboard.type('main.go');
await page.waitForTimeout(800);
await page.keyboard.press('Enter');
await page.waitForTimeout(4000);
await page.screenshot({ path: path.join(shots, '1-main-go.png') });
const actions = await page.$$eval('.editor-actions a.action-label, .editor-actions .action-item a', (els) => els.map((e) => e.getAttribute('aria-label') || e.title));
console.log('editor title actions:', JSON.stringify(actions));
const lens = await page.$$eval('.codelens-decoration a', (els) => els.map((e) => e.textContent));
console.log('codelens:', JSON.stringify(lens));
// click the Run button in the editor title run group
const runButton = await page.$('.editor-actions a[aria-label^="Run"]');
if (runButton) { await runButton.click(); console.log('clicked run button'); }
await page.waitForTimeout(15000);
await page.screenshot({ path: path.join(shots, '2-after-run.png') });
const consoleText = await page.$$eval('.repl .monaco-tl-contents, .repl-tree .output', (els) => els.map((e) => e.textContent).join('\n')).catch(() => '');
console.log('debug console:', consoleText.slice(0, 500));
// open the wasip1 view
const viewIcon = await page.$('.activitybar a[aria-label*="wasip1"], .activitybar .action-label[aria-label*="wasip1"]');
if (viewIcon) { await viewIcon.click(); console.log('opened wasip1 view'); }
await page.waitForTimeout(4000);
await page.screenshot({ path: path.join(shots, '3-tree.png') });
const treeItems = await page.$$eval('.pane-body .monaco-list-row', (els) => els.map((e) => e.textContent));
console.log('tree rows:', JSON.stringify(treeItems.slice(0, 30)));
await ctx.close();
process.kill(-server.pid);
console.log(`screenshots in ${shots} (not part of the repository)`);
