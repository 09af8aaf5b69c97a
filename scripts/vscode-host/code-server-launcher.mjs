#!/usr/bin/env node
// Stands in for the `code` executable of desktop VS Code, so @vscode/test-electron (and tools built on
// it) can run extension tests where desktop VS Code cannot be downloaded:
//   runTests({ vscodeExecutablePath: '<repo>/scripts/vscode-host/code-server-launcher.mjs', ... })
// It understands the arguments runTests passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// a folder to open), ignores the desktop-only ones (--no-sandbox, --user-data-dir=, ...) since the
// session uses throwaway directories of its own, and exits with the test run's exit code.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { HostTimeoutError, runTestsInCodeServer } from './codeServerSession.mjs';

/** The subset of VS Code's command line a test run needs. */
function parseCodeArguments(argv) {
  const developmentPaths = [];
  let testsPath;
  let folder;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    // VS Code accepts both --name=value and --name value for these two.
    const value = () => inlineValue ?? argv[++i];
    if (name === '--extensionDevelopmentPath') developmentPaths.push(value());
    else if (name === '--extensionTestsPath') testsPath = value();
    else if (!arg.startsWith('-') && folder === undefined) folder = arg;
  }
  return { developmentPaths, testsPath, folder };
}

/** VS Code allows a folder holding index.js; the server's loader needs the file itself. */
function testsEntryFile(testsPath) {
  const absolute = path.resolve(testsPath);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) return path.join(absolute, 'index.js');
  return absolute;
}

async function main() {
  const { developmentPaths, testsPath, folder } = parseCodeArguments(process.argv.slice(2));
  if (developmentPaths.length !== 1 || !testsPath) {
    console.error('code-server-launcher: needs exactly one --extensionDevelopmentPath= and an --extensionTestsPath= (it only runs extension tests)');
    return 2;
  }
  const timeoutSeconds = Number(process.env.WASIP1_TEST_TIMEOUT_S ?? 300);
  return runTestsInCodeServer({
    extensionDevelopmentPath: path.resolve(developmentPaths[0]),
    extensionTestsPath: testsEntryFile(testsPath),
    workspace: folder ? path.resolve(folder) : undefined,
    timeoutMs: timeoutSeconds * 1000,
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`code-server-launcher: ${error instanceof HostTimeoutError ? 'TIMEOUT: ' + error.message : error?.stack ?? error}`);
  process.exitCode = error instanceof HostTimeoutError ? 124 : 1;
}
