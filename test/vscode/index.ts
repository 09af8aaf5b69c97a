// Entry point VS Code loads as --extensionTestsPath: runs every *.test.js next to it with mocha,
// inside the extension host, where `vscode` is the real API.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // Said first so every log shows which VS Code the results belong to.
  console.log(`vscode.version ${vscode.version}, appName ${vscode.env.appName}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, remoteName ${vscode.env.remoteName ?? '(none)'}`);

  // One retry: these tests drive a whole workbench whose timing a loaded machine stretches; a test
  // that passes only on its retry is named in the log and in npm test's summary, never hidden.
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, retries: 1 });
  // The runners cannot pass mocha options through VS Code, only environment: see scripts/vscode-host.
  const grep = process.env.WASIP1_TEST_GREP;
  if (grep) {
    console.log(`grep: ${grep}`);
    mocha.grep(grep);
  }
  for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }

  return new Promise((resolve, reject) => {
    try {
      // Named in npm test's closing lines, so a log's tail says which test failed and why.
      const failedTests: string[] = [];
      const retriedTests: string[] = [];
      const runner = mocha.run((failures) => {
        const results = process.env.WASIP1_TEST_RESULTS;
        if (results) {
          fs.writeFileSync(results, JSON.stringify({ passed: runner.stats?.passes ?? 0, failed: failures, pending: runner.stats?.pending ?? 0, failedTests, retriedTests }));
        }
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
      const failureLine = (test: Mocha.Runnable, error: Error): string => `${test.fullTitle()}: ${String(error?.message ?? error).split('\n')[0]}`;
      runner.on('fail', (test, error: Error) => failedTests.push(failureLine(test, error)));
      runner.on('retry', (test, error: Error) => {
        const line = failureLine(test, error);
        retriedTests.push(line);
        console.log(`retrying after a failure: ${line}`);
      });
    } catch (error) {
      reject(error);
    }
  });
}
