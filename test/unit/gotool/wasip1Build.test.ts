import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findGo, GoInstallation } from '../../../src/gotool/goDiscovery';
import { buildWasip1, hasIgnoreConstraint, withMergedTags } from '../../../src/gotool/wasip1Build';
import { goFixturesDir, testGoBinary } from '../../support/goFixtures';
import { processesCarrying } from '../../support/processes';

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let go: GoInstallation;
let outDir: string;

before(async () => {
  // The same path the extension takes: discover, then build with what was discovered.
  go = await findGo({ goPath: testGoBinary(), env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' } });
  outDir = mkdtempSync(path.join(os.tmpdir(), 'gotool-build-'));
});
after(() => rmSync(outDir, { recursive: true, force: true }));

const fixture = (...parts: string[]) => path.join(goFixturesDir, ...parts);
const output = (name: string) => path.join(outDir, `${name}-${randomUUID()}.wasm`);

/** 1-based line and column of the first occurrence of `needle` in a fixture file, as gc counts them. */
function positionOf(file: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((text) => text.includes(needle));
  assert.notEqual(index, -1, `${needle} not in ${file}`);
  return { line: index + 1, column: Buffer.byteLength(lines[index].slice(0, lines[index].indexOf(needle))) + 1 };
}

describe('buildWasip1', () => {
  test('builds a main package directory into a wasm module', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('hello'), output: output('hello') });
    assert.equal(result.ok, true, result.output);
    assert.equal(result.cancelled, false);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(readFileSync(result.wasmPath).subarray(0, 8), WASM_MAGIC);
    assert.ok(readFileSync(result.wasmPath).includes('hello from wasip1'));
    assert.deepEqual(result.target, { kind: 'package', value: '.' });
    assert.equal(result.cwd, fixture('hello'));
    assert.match(result.commandLine, /^GOOS=wasip1 GOARCH=wasm \S+ build -o \S+\.wasm \.$/);
    assert.ok(result.durationMs > 0);
  });

  test('forces GOOS/GOARCH even when the caller environment says otherwise', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('hello'), output: output('forced'), env: { GOOS: 'linux', GOARCH: 'amd64' } });
    assert.equal(result.ok, true, result.output);
    assert.deepEqual(readFileSync(result.wasmPath).subarray(0, 4), WASM_MAGIC.subarray(0, 4));
  });

  test('a .go file inside a package builds the whole package, as vscode-go does', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('broken', 'main.go'), output: output('broken-file') });
    assert.equal(result.target.kind, 'package');
    // Errors from the sibling file prove the package, not the file alone, was compiled.
    assert.ok(result.diagnostics.some((d) => d.file === fixture('broken', 'speaker.go')));
  });

  test('a //go:build ignore file is built on its own', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('standalone', 'script.go'), output: output('script') });
    assert.equal(result.ok, true, result.output);
    assert.deepEqual(result.target, { kind: 'file', value: './script.go' });
    assert.ok(readFileSync(result.wasmPath).includes('standalone-script-ran'));
  });

  test('a single .go file outside any module is built on its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gotool-loose-'));
    try {
      writeFileSync(path.join(dir, 'loose.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("loose-file-ran") }\n');
      const result = await buildWasip1({ go, packagePath: path.join(dir, 'loose.go'), output: output('loose') });
      assert.equal(result.ok, true, result.output);
      assert.equal(result.target.kind, 'file');
      assert.ok(readFileSync(result.wasmPath).includes('loose-file-ran'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('pointing package mode at a library says it is not a main package', async () => {
    const result = await buildWasip1({
      go,
      packagePath: fixture('standalone', 'script.go'),
      output: output('library'),
      fileMode: 'package',
    });
    assert.equal(result.ok, false);
    assert.match(result.unlocated.join('\n'), /is not a main package/);
  });

  test('an import path is resolved by go from cwd', async () => {
    const result = await buildWasip1({ go, packagePath: 'fixtures/hello', cwd: goFixturesDir, output: output('by-import-path') });
    assert.equal(result.ok, true, result.output);
    assert.deepEqual(result.target, { kind: 'import-path', value: 'fixtures/hello' });
  });

  test('compile errors in two files come back with absolute paths, lines and columns', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('broken'), output: output('broken') });
    assert.equal(result.ok, false);
    assert.equal(result.cancelled, false);
    assert.notEqual(result.exitCode, 0);
    const main = fixture('broken', 'main.go');
    const speaker = fixture('broken', 'speaker.go');
    const expected = [
      { file: main, at: positionOf(main, '"three"'), text: /cannot use "three"/ },
      { file: main, at: positionOf(main, 'undefinedHelper'), text: /undefined: undefinedHelper/ },
      { file: speaker, at: positionOf(speaker, 'dog{}\n'.trim()), text: /does not implement speaker[\s\S]*\nhave Speak\(\) string\nwant Speak\(bool\) string/ },
      { file: speaker, at: positionOf(speaker, '42'), text: /cannot use 42/ },
    ];
    for (const want of expected) {
      const match = result.diagnostics.find((d) => d.file === want.file && d.line === want.at.line && d.column === want.at.column);
      assert.ok(match, `no diagnostic at ${want.file}:${want.at.line}:${want.at.column} in\n${result.output}`);
      assert.match(match.message, want.text);
      assert.equal(match.severity, 'error');
    }
    for (const diagnostic of result.diagnostics) assert.ok(path.isAbsolute(diagnostic.file));
  });

  test('reports that gc stopped at its error limit', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('toomanyerrors'), output: output('many') });
    assert.equal(result.ok, false);
    assert.equal(result.tooManyErrors, true);
    assert.equal(result.diagnostics.length, 10);
    assert.ok(result.diagnostics.every((d) => /^undefined: missing\d+$/.test(d.message)));
  });

  test('locates errors in go.mod', async () => {
    const result = await buildWasip1({ go, packagePath: fixture('badmod'), output: output('badmod') });
    assert.equal(result.ok, false);
    const goMod = fixture('badmod', 'go.mod');
    const directive = positionOf(goMod, 'bogus');
    assert.deepEqual(result.diagnostics, [{ file: goMod, line: directive.line, message: 'unknown directive: bogus', severity: 'error' }]);
  });

  test('build tags change which files are compiled', async () => {
    const plain = await buildWasip1({ go, packagePath: fixture('tagged'), output: output('plain') });
    const fancy = await buildWasip1({ go, packagePath: fixture('tagged'), output: output('fancy'), buildTags: ['fancy'] });
    assert.ok(plain.ok && fancy.ok, plain.output + fancy.output);
    const plainBytes = readFileSync(plain.wasmPath);
    const fancyBytes = readFileSync(fancy.wasmPath);
    assert.ok(plainBytes.includes('tagged-mode-plain') && !plainBytes.includes('tagged-mode-fancy'));
    assert.ok(fancyBytes.includes('tagged-mode-fancy') && !fancyBytes.includes('tagged-mode-plain'));
    assert.ok(fancy.args.includes('-tags=fancy'));
  });

  test('tags from buildFlags and buildTags are merged rather than one silently winning', async () => {
    const result = await buildWasip1({
      go,
      packagePath: fixture('tagged'),
      output: output('merged'),
      buildFlags: ['-tags', 'unrelated', '-trimpath'],
      buildTags: ['fancy'],
    });
    assert.equal(result.ok, true, result.output);
    assert.ok(readFileSync(result.wasmPath).includes('tagged-mode-fancy'));
    assert.deepEqual(result.args.slice(3, 5), ['-tags=unrelated,fancy', '-trimpath']);
  });

  test('build flags reach the linker', async () => {
    const result = await buildWasip1({
      go,
      packagePath: fixture('stamped'),
      output: output('stamp-flag'),
      buildFlags: ['-ldflags=-X main.stamp=stamp-from-flags'],
    });
    assert.equal(result.ok, true, result.output);
    assert.ok(readFileSync(result.wasmPath).includes('stamp-from-flags'));
  });

  test('the environment is honoured (GOFLAGS carrying -ldflags)', async () => {
    const unset = await buildWasip1({ go, packagePath: fixture('stamped'), output: output('stamp-unset') });
    const result = await buildWasip1({
      go,
      packagePath: fixture('stamped'),
      output: output('stamp-env'),
      env: { GOFLAGS: '-buildvcs=false -ldflags=-X=main.stamp=stamp-from-env' },
    });
    assert.equal(result.ok, true, result.output);
    assert.ok(readFileSync(result.wasmPath).includes('stamp-from-env'));
    assert.ok(readFileSync(unset.wasmPath).includes('stamp-unset'));
    assert.ok(!readFileSync(unset.wasmPath).includes('stamp-from-env'));
  });

  test('Go 1.24+ builds reactor modules with -buildmode=c-shared, as its capabilities claim', async (t) => {
    const { wasip1Capabilities } = await import('../../../src/gotool/goVersion');
    if (!wasip1Capabilities(go.version).reactorBuildMode) return t.skip(`Go ${go.versionString} predates reactor modules`);
    const result = await buildWasip1({ go, packagePath: fixture('hello'), output: output('reactor'), buildFlags: ['-buildmode=c-shared'] });
    assert.equal(result.ok, true, result.output);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(result.wasmPath))).map((e) => e.name);
    assert.ok(exports.includes('_initialize') && !exports.includes('_start'), exports.join(','));
  });

  test('cancelling a long build resolves with cancelled and leaves no go process behind', async () => {
    const gocache = mkdtempSync(path.join(os.tmpdir(), 'gotool-cache-'));
    const marker = randomUUID();
    try {
      const controller = new AbortController();
      let aliveBeforeAbort = 0;
      setTimeout(() => {
        aliveBeforeAbort = processesCarrying(marker).length;
        controller.abort();
      }, 200);
      const result = await buildWasip1({
        go,
        packagePath: fixture('hello'),
        output: output('cancelled'),
        buildFlags: ['-a'],
        env: { GOCACHE: gocache, WASIP1_GOTOOL_BUILD_MARKER: marker },
        signal: controller.signal,
      });
      assert.equal(result.cancelled, true);
      assert.equal(result.ok, false);
      assert.ok(result.durationMs < 10_000, `took ${result.durationMs} ms`);
      assert.ok(aliveBeforeAbort > 0, 'no build processes were seen before the abort');
      assert.deepEqual(processesCarrying(marker), []);
    } finally {
      rmSync(gocache, { recursive: true, force: true });
    }
  });
});

describe('build flag helpers', () => {
  test('withMergedTags folds every -tags spelling into one flag', () => {
    assert.deepEqual(withMergedTags(['-v', '-tags=a,b', '--tags', 'c d', '-race'], ['b', 'e']), ['-tags=a,b,c,d,e', '-v', '-race']);
    assert.deepEqual(withMergedTags(['-v'], []), ['-v']);
  });

  test('hasIgnoreConstraint reads only the header of the fixture files', () => {
    assert.equal(hasIgnoreConstraint(fixture('standalone', 'script.go')), true);
    assert.equal(hasIgnoreConstraint(fixture('standalone', 'lib.go')), false);
    assert.equal(hasIgnoreConstraint(fixture('tagged', 'mode_fancy.go')), false);
  });
});
