// A look at the Testing view in the real workbench (VS Code server + Chromium, as ui-check.mjs):
// the fixture workspace's gotests/calc/calc_test.go opened, the calc package run from the Testing
// view, and a screenshot with the failed TestAddWrong and its message in the editor.
//   npm run build && node scripts/vscode-host/testing-ui-check.mjs [--out media/testing.png]
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, ensureCodeServer, repoRoot as repo, serverMainPath } from './setup.mjs';

const outIndex = process.argv.indexOf('--out');
await ensureCodeServer();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'testing-uicheck-'));
const shots = outIndex > 0 ? path.dirname(path.resolve(process.argv[outIndex + 1])) : path.join(tmp, 'screenshots');
const shotFile = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : path.join(shots, 'testing.png');
mkdirSync(shots, { recursive: true });
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test/fixtures/workspace'), ws, { recursive: true });

const port = 39000 + Math.floor(Math.random() * 1000);
// The developer's own Go build cache: a fresh one would rebuild the standard library for wasip1 first.
const gocache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
const env = { ...process.env, GOCACHE: gocache, XDG_CACHE_HOME: path.join(tmp, 'c'), XDG_CONFIG_HOME: path.join(tmp, 'cf'), XDG_DATA_HOME: path.join(tmp, 'd'), EXTENSIONS_GALLERY: '{}' };
const server = spawn('node', [serverMainPath(), '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
  '--server-data-dir', path.join(tmp, 's'), '--user-data-dir', path.join(tmp, 'u'), '--extensions-dir', path.join(tmp, 'e'), '--disable-telemetry', '--disable-workspace-trust'],
  { env, detached: true, stdio: 'ignore' });
try {
  await new Promise((r) => setTimeout(r, 2500));
  const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: chromiumPath, headless: true, viewport: { width: 1400, height: 820 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const authority = `127.0.0.1:${port}`;
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${authority}${repo}`], ['skipWelcome', 'true']]);
  await page.goto(`http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForTimeout(5000);

  const palette = async (command) => {
    await page.keyboard.press('F1');
    await page.waitForTimeout(800);
    await page.keyboard.type(command);
    await page.waitForTimeout(1200);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1500);
  };
  const rows = () => page.$$eval('.test-explorer .monaco-list-row', (els) => els.map((e) => `${'  '.repeat(Number(e.getAttribute('aria-level') ?? 1) - 1)}${e.getAttribute('aria-label') ?? e.textContent}`)).catch(() => []);

  const openFile = async (name) => {
    await page.keyboard.press('Control+P');
    await page.waitForTimeout(1500);
    await page.keyboard.type(name);
    await page.waitForTimeout(2500);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(3000);
  };

  // The Testing view, from its activity bar icon.
  // Opening a Go file activates the extension, whose test controller brings the Testing view.
  await openFile('calc_test.go');
  for (const until = Date.now() + 30_000; Date.now() < until && !(await page.locator('.activitybar [aria-label^="Testing"]').count());) await page.waitForTimeout(500);
  const testingIcon = page.locator('.activitybar [aria-label^="Testing"]').first();
  if (await testingIcon.count()) await testingIcon.click();
  else await palette('Testing: Focus on Test Explorer View');
  // Discovery starts when the view first shows.
  for (const until = Date.now() + 30_000; Date.now() < until && !(await rows()).some((r) => r.includes('example.com/hello'));) await page.waitForTimeout(500);
  console.log('test explorer before the run:', JSON.stringify(await rows(), null, 1));

  // Run the calc package from its row's inline Run action.
  const calcRow = await page.$('.test-explorer .monaco-list-row:has-text("gotests/calc")');
  if (!calcRow) {
    // Collapsed module: expand it first.
    const moduleRow = await page.$('.test-explorer .monaco-list-row:has-text("example.com/hello")');
    await moduleRow?.click();
    await page.waitForTimeout(1000);
  }
  const row = await page.$('.test-explorer .monaco-list-row:has-text("gotests/calc")');
  if (!row) {
    await page.screenshot({ path: path.join(shots, 'no-row.png') });
    throw new Error(`no gotests/calc row in the Test Explorer: ${JSON.stringify(await rows())}`);
  }
  await row.hover();
  await page.waitForTimeout(500);
  const runAction = await row.$('.action-label[aria-label^="Run Test"], .action-label.codicon-testing-run-icon, a[aria-label^="Run"]');
  if (runAction) await runAction.click();
  else {
    await row.click();
    await palette('Test: Run Test at Cursor');
  }
  console.log('run started from the Test Explorer');
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const now = await rows();
    if (now.some((r) => /TestAddWrong.*(Failed|failed)/.test(r))) break;
    await page.waitForTimeout(1000);
  }
  // Open the file's tests in the tree so the screenshot shows them with their states.
  for (const label of ['gotests/calc', 'calc_test.go']) {
    const r = await page.$(`.test-explorer .monaco-list-row:has-text("${label}")[aria-expanded="false"]`);
    if (r) {
      await r.click();
      await page.waitForTimeout(800);
    }
  }
  await openFile('gotests/calc/calc_test.go');
  console.log('codelens:', JSON.stringify(await page.$$eval('.codelens-decoration a', (els) => els.map((e) => e.textContent))));
  await page.keyboard.press('Control+G');
  await page.waitForTimeout(500);
  await page.keyboard.type('16');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(2000);
  // The failure's message, peeked at its line (Test: Go to Next Test Failure).
  await palette('Test: Go to Next Test Failure');
  await page.waitForTimeout(2500);
  await page.mouse.move(900, 790);
  await page.waitForTimeout(500);
  console.log('test explorer after the run:', JSON.stringify(await rows(), null, 1));
  console.log('inline messages:', JSON.stringify(await page.$$eval('.test-message-inline-content, .test-error-content-widget, [class*="test-message"]', (els) => els.map((e) => e.textContent)).catch(() => [])));
  await page.screenshot({ path: shotFile });
  console.log(`screenshot: ${shotFile}`);
  await ctx.close();
} finally {
  try {
    process.kill(-server.pid);
  } catch {
    // already gone
  }
  rmSync(path.join(tmp, 'workspace'), { recursive: true, force: true });
}
