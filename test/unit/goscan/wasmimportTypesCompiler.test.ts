// The type rules against the real compilers: each toolchain builds test/fixtures/goscan/typerules
// and must reject exactly the funcs the rules reject for its release.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, testGoBinary } from '../../support/goFixtures';
import { evaluateBuildExpr, wasip1BuildTags } from '../../../src/goscan/buildConstraint';
import { parseGoVersion, type GoLanguageVersion as GoVersion } from '../../../src/gotool/goVersion';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';
import { checkWasmSignature, goTypeScopeForFile, wasmDirectiveAvailable } from '../../../src/goscan/wasmimportTypes';

const run = promisify(execFile);
const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'goscan', 'typerules');

function goEnv(toolchain: string): NodeJS.ProcessEnv {
  return { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: toolchain };
}

/** The release a GOTOOLCHAIN value runs, or why it can't be used here (offline, no proxy...). */
async function toolchainVersion(toolchain: string): Promise<GoVersion | string> {
  try {
    const { stdout } = await run(testGoBinary(), ['version'], { cwd: FIXTURE, env: goEnv(toolchain), timeout: 180_000 });
    return parseGoVersion(stdout.replace(/^go version /, '')) ?? `unrecognised go version output: ${stdout}`;
  } catch (error) {
    return `GOTOOLCHAIN=${toolchain} unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** file:line of every func the compiler rejects, from `go build -gcflags=-e` (no error limit). */
async function compilerRejections(toolchain: string): Promise<string[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'goscan-typerules-'));
  try {
    await run(testGoBinary(), ['build', '-gcflags=-e', '-o', path.join(outDir, 'typerules.wasm'), '.'], {
      cwd: FIXTURE, env: goEnv(toolchain), maxBuffer: 16 * 1024 * 1024,
    });
    return [];
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const rejected: string[] = [];
    for (const line of stderr.split('\n')) {
      const m = /^\.\/(\S+\.go):(\d+):\d+: (.*)$/.exec(line);
      if (!m) continue;
      assert.match(m[3], /go:wasm(import|export)/, `only wasm signature errors are expected: ${line}`);
      rejected.push(`${m[1]}:${m[2]}`);
    }
    assert.ok(rejected.length > 0, `the build failed without wasm errors:\n${stderr}`);
    return [...new Set(rejected)].sort();
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** file:line of every func our rules reject for this release, over the files its build includes. */
function predictedRejections(version: GoVersion): string[] {
  const hasTag = wasip1BuildTags(version.minor);
  const files = readdirSync(FIXTURE)
    .filter((name) => name.endsWith('.go'))
    .map((name) => ({ name, scan: scanGoSource(readFileSync(path.join(FIXTURE, name), 'utf8')) }))
    .filter(({ scan }) => !scan.buildConstraint?.parsed || evaluateBuildExpr(scan.buildConstraint.parsed, hasTag));
  const packageTypes = files.flatMap(({ scan }) => scan.typeDeclarations);
  const rejected: string[] = [];
  for (const { name, scan } of files) {
    assert.deepEqual(scan.problems.filter((p) => p.code !== 'too-many-results'), [], `${name} has only type problems`);
    const scope = goTypeScopeForFile(scan, packageTypes);
    for (const directive of scan.directives) {
      const func = directive.func;
      assert.ok(func, `${name}: ${directive.text} annotates a func`);
      assert.ok(wasmDirectiveAvailable(directive.kind, version), `${name} is only built by releases that know ${directive.kind}`);
      const check = checkWasmSignature(directive, version, scope);
      const unknown = check.problems.filter((p) => p.code === 'unknown-type');
      assert.deepEqual(unknown, [], `with the whole package in view every type of ${func.name} is checkable`);
      const tooManyResults = scan.problems.some((p) => p.code === 'too-many-results' && p.range.start.line === func.nameRange.start.line);
      if (tooManyResults || check.problems.some((p) => p.code === 'unsupported-type')) {
        rejected.push(`${name}:${func.nameRange.start.line + 1}`);
      }
      if (!tooManyResults && check.problems.length === 0) assert.ok(check.wasmSignature, `${func.name} has a wasm signature`);
    }
  }
  return rejected.sort();
}

describe('wasmimport type rules agree with the Go compiler', () => {
  for (const toolchain of ['local', 'go1.25.0', 'go1.24.13', 'go1.23.12', 'go1.21.13']) {
    test(`GOTOOLCHAIN=${toolchain}`, async (t) => {
      const version = await toolchainVersion(toolchain);
      if (typeof version === 'string') {
        t.diagnostic(version);
        t.skip(version);
        return;
      }
      const predicted = predictedRejections(version);
      const actual = await compilerRejections(toolchain);
      t.diagnostic(`go${version.major}.${version.minor}: compiler rejects ${actual.length} funcs, rules predict ${predicted.length}`);
      assert.deepEqual(predicted, actual);
    });
  }
});
