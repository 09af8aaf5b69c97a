// The package as a library: `import { runWasi, runReactor } from 'wasip1-vscode'` in a plain Node
// project that installed the packed tarball, as an embedder gets it from a registry.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type * as Declared from '../../../types/wasip1';
import * as library from '../../../src/lib';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, repoRoot, requireGoAtLeast } from '../../support/goFixtures';

// The hand-written declarations must describe the real functions: tsc rejects this file when a
// declared option, result or method does not fit the implementation's types.
const declaredRunWasi: typeof Declared.runWasi = library.runWasi;
const declaredRunReactor: typeof Declared.runReactor = library.runReactor;
type OnlyRealKeys<D, R> = [Exclude<keyof D, keyof R>] extends [never] ? true : false;
const optionsExist: OnlyRealKeys<Declared.RunOptions, library.RunOptions> = true;
const resultsMatch: [library.RunResult] extends [Declared.RunResult] ? ([Declared.RunResult] extends [library.RunResult] ? true : false) : false = true;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the package as a library', () => {
  let project: string;
  before(() => {
    ensureFreshBundles();
    project = mkdtempSync(path.join(tmpdir(), 'wasip1-embedder-'));
    const packed = path.join(project, 'packed');
    mkdirSync(packed);
    // No lifecycle scripts: the bundles are the ones just checked, and nothing else is built.
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', packed], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = path.join(packed, readdirSync(packed)[0]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'embedder', private: true, type: 'module' }));
    // The package has no runtime dependencies: installing it needs no registry.
    execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, stdio: 'pipe' });
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test('the declarations are checked against the implementation (at compile time)', () => {
    assert.equal(typeof declaredRunWasi, 'function');
    assert.equal(typeof declaredRunReactor, 'function');
    assert.ok(optionsExist && resultsMatch);
  });

  test('runWasi and runReactor import from the package name and run Go modules', async () => {
    requireGoAtLeast(24);
    const [hello, reactor] = await Promise.all([buildGoFixture('hello'), buildGoFixture('hostext_reactor', ['-buildmode=c-shared'])]);
    writeFileSync(
      path.join(project, 'main.mjs'),
      [
        "import { runWasi, runReactor } from 'wasip1-vscode';",
        'let output = "";',
        `const guest = runWasi({ module: ${JSON.stringify(hello)}, args: ['hello', 'embedded'], env: { GREETING: 'hi' }, stdout: (chunk) => (output += Buffer.from(chunk)) });`,
        'const result = await guest.done;',
        `const calc = await runReactor({ module: ${JSON.stringify(reactor)} });`,
        'await calc.initialize();',
        "const sum = await calc.call('add', 2, 3);",
        'await calc.close();',
        'console.log(JSON.stringify({ result, output, sum }));',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      result: { kind: 'exit', code: 0 },
      output: 'hello from wasip1\narg[0]=embedded\nGREETING=hi\n',
      sum: [5],
    });
  });

  test('its types resolve through the package exports, and the wasip1 command is installed', async () => {
    writeFileSync(
      path.join(project, 'check.mts'),
      [
        "import { runWasi, type RunResult } from 'wasip1-vscode';",
        "import type { HostModule } from 'wasip1-vscode/types/wasip1-host';",
        "const done: Promise<RunResult> = runWasi({ module: 'x.wasm', stdout: 'inherit' }).done;",
        'const host: HostModule = () => ({});',
        '// @ts-expect-error: not an option',
        "runWasi({ module: 'x.wasm', colour: true });",
        'export { done, host };',
      ].join('\n'),
    );
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = path.join(repoRoot, 'node_modules', '@types');
    const check = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', typeRoots, 'check.mts'],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const hello = await buildGoFixture('hello');
    const command = spawnSync(path.join(project, 'node_modules', '.bin', 'wasip1'), ['run', hello, 'installed'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(command.status, 0, command.stderr);
    assert.equal(command.stdout, 'hello from wasip1\narg[0]=installed\n');
  });
});
