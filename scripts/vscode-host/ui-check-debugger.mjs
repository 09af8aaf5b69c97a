// The debugger in the real workbench, as a person uses it: the extension loaded into the VS Code
// server with Chromium as the window, a Go program open (test/fixtures/go/dap_lines), F9 on a line,
// F5, then Step Into and Step Over from the keyboard; the Call Stack, the current line and the
// breakpoint gutter are read from the page and kept as screenshots.
//   npm run build && node scripts/vscode-host/ui-check-debugger.mjs [--out DIR]
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot as repo } from './setup.mjs';
import { openWorkbench } from './workbenchWindow.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'uicheck-debugger-'));
const outFlag = process.argv.indexOf('--out');
const shots = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(tmp, 'screenshots');
mkdirSync(shots, { recursive: true });
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test/fixtures/go/dap_lines'), ws, { recursive: true });
writeFileSync(path.join(ws, 'go.mod'), 'module example.com/lines\n\ngo 1.21\n');
const { page, close } = await openWorkbench({ workspace: ws, tmp });

await page.keyboard.press('Control+P');
await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
await page.keyboard.type('main.go');
await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="main.go"]', { timeout: 15000 });
await page.waitForTimeout(500);
await page.keyboard.press('Enter');
await page.waitForSelector('.tab.active[aria-label*="main.go"]', { timeout: 15000 });
await page.waitForTimeout(2000);

/** Puts the editor's cursor on `line` of main.go (where F9 toggles a breakpoint). */
async function goToLine(line) {
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+G');
  await page.waitForTimeout(500);
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
}

// Line 44 (`a := c.add(3)`), then F9.
await goToLine(44);
await page.keyboard.press('F9');
await page.waitForTimeout(1000);
const glyphs = () => page.$$eval('.margin-view-overlays .codicon-debug-breakpoint, .margin-view-overlays [class*="codicon-debug-breakpoint"]', (els) => els.map((e) => e.className));
console.log('gutter after F9:', JSON.stringify(await glyphs()));
await page.screenshot({ path: path.join(shots, '1-breakpoint-set.png') });

const started = Date.now();
await page.keyboard.press('F5');
// No launch.json: VS Code may ask which debugger; the wasip1 one is picked when it does.
await page.waitForTimeout(2000);
const picker = await page.$('.quick-input-widget:visible .monaco-list-row[aria-label*="wasip1"]');
if (picker) {
  console.log('F5 asked for a debugger: picking wasip1');
  await picker.click();
}
const callStack = () => page.$$eval('.debug-call-stack .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent));
const currentLine = () => page.$$eval('.debug-top-stack-frame-line, .codicon-debug-stackframe', (els) => els.length);
let frames = [];
for (let i = 0; i < 120 && !frames.some((f) => /main\.main/.test(f)); i++) {
  await page.waitForTimeout(1000);
  frames = await callStack();
}
console.log(`stopped after ${((Date.now() - started) / 1000).toFixed(1)} s; call stack:`, JSON.stringify(frames.slice(0, 6)));
console.log('current-line markers:', await currentLine());
await page.screenshot({ path: path.join(shots, '2-stopped-at-breakpoint.png') });

// The Variables view: expand Locals (VS Code opens the first scope, Arguments, by itself).
const scopeRow = await page.$('.debug-variables .monaco-list-row[aria-label^="Locals"], .debug-variables .monaco-list-row:has-text("Locals")');
if (scopeRow) await scopeRow.click();
await page.waitForTimeout(1500);
const variablesShown = await page.$$eval('.debug-variables .monaco-list-row', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()));
console.log('variables view:', JSON.stringify(variablesShown.slice(0, 20)));
await page.screenshot({ path: path.join(shots, '2b-variables.png') });

await page.keyboard.press('F11');
await page.waitForTimeout(2500);
console.log('after Step Into (F11):', JSON.stringify((await callStack()).slice(0, 4)));
await page.screenshot({ path: path.join(shots, '3-step-into.png') });
await page.keyboard.press('F10');
await page.waitForTimeout(2500);
console.log('after Step Over (F10):', JSON.stringify((await callStack()).slice(0, 4)));
await page.screenshot({ path: path.join(shots, '4-step-over.png') });
await page.keyboard.press('Shift+F11');
await page.waitForTimeout(2500);
console.log('after Step Out (Shift+F11):', JSON.stringify((await callStack()).slice(0, 4)));
await page.screenshot({ path: path.join(shots, '5-step-out.png') });
// A breakpoint in sum's loop, reached with Continue: its argument and locals in the Variables view,
// and a hover on `total`.
await goToLine(18);
await page.keyboard.press('F9');
await page.waitForTimeout(500);
await page.keyboard.press('F5');
await page.waitForTimeout(3000);
console.log('at the loop breakpoint:', JSON.stringify((await callStack()).slice(0, 3)));
const locals = await page.$('.debug-variables .monaco-list-row[aria-label^="Locals"], .debug-variables .monaco-list-row:has-text("Locals")');
if (locals && (await locals.getAttribute('aria-expanded')) !== 'true') await locals.click();
await page.waitForTimeout(1500);
console.log('variables view in sum:', JSON.stringify(await page.$$eval('.debug-variables .monaco-list-row', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()))));
const total = await page.$('.view-line span:text-is("total")');
if (total) {
  await total.hover();
  await page.waitForTimeout(2000);
  console.log('hover on total:', JSON.stringify(await page.$$eval('.debug-hover-widget', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()))));
}
await page.screenshot({ path: path.join(shots, '6-variables-in-sum.png') });
await page.keyboard.press('Escape');
// Set Value: a double click on total's row in the Variables view edits it; a Go expression, Enter.
const totalRow = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*total\s*=/ }).first();
if (await totalRow.count()) {
  await totalRow.dblclick();
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('x * 100');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1500);
  console.log('variables view after Set Value (total = x * 100):', JSON.stringify(await page.$$eval('.debug-variables .monaco-list-row', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()))));
  await page.screenshot({ path: path.join(shots, '7-set-value.png') });
  // Back to line 18 in the editor, where F9 removes the breakpoint.
  await goToLine(18);
} else {
  console.log('no row for total in the Variables view');
}
await page.keyboard.press('F9');
await page.keyboard.press('F5');
await page.waitForTimeout(3000);
const repl = await page.$$eval('.repl .monaco-tl-contents, .repl-tree .output', (els) => els.map((e) => e.textContent).join('\n')).catch(() => '');
console.log('debug console:', repl.slice(-300));
await close();
console.log(`screenshots in ${shots}`);
