// A look at the real workbench, as a person sees it: the extension loaded into the VS Code server
// with Chromium as the window. In the test workspace (copied, plus two programs made here):
//   1. main.go opened, the editor title's Run button clicked;
//   2. hostrun/main.go, whose env.host_log only the wasip1.hostModules setting supplies, run the same way;
//   3. readall/main.go (io.ReadAll(os.Stdin)) run, a line typed in the Debug Console, then Ctrl+D;
//   4. the wasip1 view, after "Show the built module's imports and exports".
// Prints what it found and leaves screenshots in a temporary folder.
//   npm run build && node scripts/vscode-host/ui-check.mjs
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot as repo } from './setup.mjs';
import { openWorkbench } from './workbenchWindow.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'uicheck-'));
const shots = path.join(tmp, 'screenshots');
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test/fixtures/workspace'), ws, { recursive: true });
// A program with its own import module, supplied only through the setting (no launch.json).
mkdirSync(path.join(ws, 'hostrun'));
copyFileSync(path.join(repo, 'test/fixtures/go/dap_hostlog/main.go'), path.join(ws, 'hostrun/main.go'));
copyFileSync(path.join(repo, 'test/fixtures/go/dap_hostlog/env.mjs'), path.join(ws, 'hostrun/env.mjs'));
mkdirSync(path.join(ws, '.vscode'), { recursive: true });
writeFileSync(path.join(ws, '.vscode/settings.json'), JSON.stringify({ 'wasip1.hostModules': { env: 'hostrun/env.mjs' } }, null, 2));
// A program that reads its stdin to the end.
mkdirSync(path.join(ws, 'readall'));
writeFileSync(path.join(ws, 'readall/main.go'), [
  'package main', '', 'import (', '\t"fmt"', '\t"io"', '\t"os"', ')', '',
  'func main() {', '\tdata, _ := io.ReadAll(os.Stdin)', '\tfmt.Printf("read %d bytes: %q\\n", len(data), data)', '}', '',
].join('\n'));

const { page, close } = await openWorkbench({ workspace: ws, tmp });
// A step that throws still ends the server and the browser.
process.on('uncaughtException', async (error) => {
  console.error(error);
  await close();
  process.exit(1);
});

async function openFile(name) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(name);
  // Enter only once quick open lists the file, or the keys land in the editor behind it.
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${path.basename(name)}"]`, { timeout: 15000 });
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${path.basename(name)}"]`, { timeout: 15000 }).catch(() => console.log(`${name}: no active tab`));
  await page.waitForTimeout(2500);
}

const debugConsole = () => page.$$eval('.repl .monaco-tl-contents, .repl-tree .output', (els) => els.map((e) => e.textContent).join('\n')).catch(() => '');
const dialogs = () => page.$$eval('.monaco-dialog-box', (els) => els.map((e) => e.textContent)).catch(() => []);

async function clickRun(label) {
  // The editor title re-renders as context keys settle: click by selector, which finds it afresh.
  try {
    await page.click('.editor-actions a[aria-label^="Run with wasip1"]', { timeout: 15000 });
    console.log(`${label}: clicked the Run button`);
  } catch (error) {
    console.log(`${label}: no Run button in the editor title (${error.message.split('\n')[0]})`);
  }
}

/** Polls the Debug Console until `pattern` shows or `ms` pass; returns its text. */
async function consoleUntil(pattern, ms) {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = await debugConsole();
    if (pattern.test(text)) break;
    await page.waitForTimeout(500);
  }
  return text;
}

// 1. The workspace's main package.
await openFile('main.go');
await page.screenshot({ path: path.join(shots, '1-main-go.png') });
const actions = await page.$$eval('.editor-actions a.action-label, .editor-actions .action-item a', (els) => els.map((e) => e.getAttribute('aria-label') || e.title));
console.log('editor title actions:', JSON.stringify(actions));
console.log('codelens:', JSON.stringify(await page.$$eval('.codelens-decoration a', (els) => els.map((e) => e.textContent))));
const clicked = Date.now();
await clickRun('main.go');
// What a user sees in the first seconds of a (cold) build.
for (const at of [1000, 2500, 5000]) {
  await page.waitForTimeout(Math.max(0, clicked + at - Date.now()));
  await page.screenshot({ path: path.join(shots, `2-building-${at}ms.png`) });
  const progress = await page.$$eval('.statusbar-item', (els) => els.map((e) => e.textContent?.trim()).filter((t) => /Building|Starting/.test(t ?? '')));
  const toasts = await page.$$eval('.notification-toast .notification-list-item-message', (els) => els.map((e) => e.textContent));
  const consoleShown = (await debugConsole()).replace(/\s+/g, ' ').slice(0, 120);
  console.log(`${at} ms after Run: status bar ${JSON.stringify(progress)}, notifications ${JSON.stringify(toasts)}, Debug Console ${JSON.stringify(consoleShown)}`);
}
console.log('debug console:', (await consoleUntil(/Process exited/, 60000)).slice(0, 400));
await page.screenshot({ path: path.join(shots, '3-after-run.png') });

// 2. Host module from the setting only.
await openFile('hostrun/main.go');
await clickRun('hostrun/main.go');
const hostrun = await consoleUntil(/host counted|Cannot|Build failed|nothing supplies/, 60000);
console.log('hostrun debug console:', hostrun.slice(-500));
console.log('dialogs:', JSON.stringify(await dialogs()));
await page.screenshot({ path: path.join(shots, '4-hostrun.png') });

// 3. End of input from the Debug Console.
await openFile('readall/main.go');
await clickRun('readall/main.go');
const hint = await consoleUntil(/The program reads stdin/, 60000);
console.log('readall hint:', /The program reads stdin.*/.exec(hint)?.[0]);
await page.screenshot({ path: path.join(shots, '5-readall-waiting.png') });
const input = await page.$('.repl-input-wrapper textarea');
if (input) {
  await input.focus();
  await page.keyboard.type('hello stdin');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1000);
  await page.keyboard.press('Control+D');
  console.log('typed a line and pressed Ctrl+D in the Debug Console input');
} else console.log('no Debug Console input found');
console.log('readall debug console:', (await consoleUntil(/Process exited/, 15000)).slice(-300));
await page.screenshot({ path: path.join(shots, '6-readall-ended.png') });

// 4. The wasip1 view after "Show the built module's imports and exports".
await page.keyboard.press('F1');
await page.waitForTimeout(800);
await page.keyboard.type('wasip1: Show the built module');
await page.waitForTimeout(1000);
await page.keyboard.press('Enter');
await page.waitForTimeout(2500);
const offer = await page.$$eval('.notification-toast .notification-list-item-message', (els) => els.map((e) => e.textContent));
console.log('show built module, notifications:', JSON.stringify(offer));
const build = await page.$('.notification-toast a.monaco-button:has-text("Build for wasip1"), .notification-toast .monaco-button:has-text("Build for wasip1")');
if (build) {
  await build.click();
  console.log('clicked "Build for wasip1"');
}
await page.waitForTimeout(12000);
await page.screenshot({ path: path.join(shots, '7-tree.png') });
const treeRows = () => page.$$eval('.pane-body .monaco-list-row', (els) => els.map((e) =>
  `${'  '.repeat(Number(e.getAttribute('aria-level') ?? 1) - 1)}${e.getAttribute('aria-expanded') === 'true' ? 'v ' : e.getAttribute('aria-expanded') === 'false' ? '> ' : '  '}${e.getAttribute('aria-label') ?? e.textContent}`));
console.log('tree rows:\n' + (await treeRows()).join('\n'));
// Refresh from the view's title: the same tree should come back.
await page.click('a.action-label[aria-label^="Refresh the wasm imports"]', { timeout: 5000 }).catch((error) => console.log('no refresh button', error.message.split('\n')[0]));
await page.waitForTimeout(4000);
console.log('tree rows after Refresh:\n' + (await treeRows()).join('\n'));
await page.screenshot({ path: path.join(shots, '8-tree-refreshed.png') });
await close();
console.log(`screenshots in ${shots} (not part of the repository)`);
