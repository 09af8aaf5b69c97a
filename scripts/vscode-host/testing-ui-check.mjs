// A look at the Testing view in the real workbench (VS Code server + Chromium, as ui-check.mjs):
// the fixture workspace's gotests/calc/calc_test.go opened, the calc package run from the Testing
// view, and a screenshot with the failed TestAddWrong, its marks in the editor and its message in Test Results.
//   npm run build && node scripts/vscode-host/testing-ui-check.mjs [--out media/testing.png]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot as repo } from './setup.mjs';
import { openWorkbench } from './workbenchWindow.mjs';

const outIndex = process.argv.indexOf('--out');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'testing-uicheck-'));
const shots = outIndex > 0 ? path.dirname(path.resolve(process.argv[outIndex + 1])) : path.join(tmp, 'screenshots');
const shotFile = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : path.join(shots, 'testing.png');
mkdirSync(shots, { recursive: true });
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test/fixtures/workspace'), ws, { recursive: true });

// The developer's own Go build cache: a fresh one would rebuild the standard library for wasip1 first.
const gocache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
const workbench = await openWorkbench({ workspace: ws, tmp, env: { GOCACHE: gocache }, viewport: { width: 1400, height: 820 } });
try {
  const { page } = workbench;

  /** Types into the quick input that `key` opens (F1: commands, Ctrl+P: files) and accepts the first match. */
  const quickInput = async (key, text) => {
    await page.keyboard.press(key);
    await page.waitForTimeout(1500);
    await page.keyboard.type(text);
    await page.waitForTimeout(2500);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(2500);
  };
  const palette = (command) => quickInput('F1', command);
  const openFile = (name) => quickInput('Control+P', name);
  const rows = () => page.$$eval('.test-explorer .monaco-list-row', (els) => els.map((e) => `${'  '.repeat(Number(e.getAttribute('aria-level') ?? 1) - 1)}${e.getAttribute('aria-label') ?? e.textContent}`)).catch(() => []);


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
} finally {
  await workbench.close();
  rmSync(path.join(tmp, 'workspace'), { recursive: true, force: true });
}
