// Scans the whole GOROOT/src of the test toolchain: a speed figure (printed, not asserted, since
// machines differ) and a real-world check that Go's own wasip1 declarations pass the type rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { testGoBinary } from '../../support/goFixtures';
import { parseGoVersion } from '../../../src/gotool/goVersion';
import { mayContainWasmDirectives, scanGoSource, type GoSourceScan } from '../../../src/goscan/wasmDirectiveScanner';
import { checkWasmSignature, goTypeScopeForFile } from '../../../src/goscan/wasmimportTypes';

function goFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) goFilesUnder(full, out);
    else if (entry.name.endsWith('.go')) out.push(full);
  }
  return out;
}

test('scan GOROOT/src: timing, and the standard library\'s own wasm imports pass the rules', (t) => {
  const go = testGoBinary();
  const goroot = execFileSync(go, ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const version = parseGoVersion(execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }));
  assert.ok(version, 'go env GOVERSION parses');

  const started = performance.now();
  const files = goFilesUnder(path.join(goroot, 'src'));
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  const read = performance.now();
  const scans = new Map<string, GoSourceScan>();
  texts.forEach((text, i) => {
    if (mayContainWasmDirectives(text)) scans.set(files[i], scanGoSource(text));
  });
  const scanned = performance.now();
  let everyFileDirectives = 0;
  for (const text of texts) everyFileDirectives += scanGoSource(text).directives.length;
  const scannedAll = performance.now();

  const directives = [...scans.values()].reduce((n, scan) => n + scan.directives.length, 0);
  const megabytes = texts.reduce((n, text) => n + text.length, 0) / 1e6;
  t.diagnostic(`${files.length} files, ${megabytes.toFixed(0)} M chars under ${goroot}/src`);
  t.diagnostic(`read: ${(read - started).toFixed(0)} ms; pre-check + scan: ${(scanned - read).toFixed(0)} ms ` +
    `(${scans.size} files scanned, ${directives} directives); total with reads: ${(scanned - started).toFixed(0)} ms`);
  t.diagnostic(`scanning every file without the pre-check: ${(scannedAll - scanned).toFixed(0)} ms`);
  assert.equal(everyFileDirectives, directives, 'the pre-check skips no file that has directives');

  // Go's own wasip1 bindings: found, attached, and never rejected by the rules for this release.
  const fdWrite = [...scans.values()].flatMap((s) => s.directives)
    .find((d) => d.module?.value === 'wasi_snapshot_preview1' && d.name?.value === 'fd_write');
  assert.ok(fdWrite?.func, 'syscall declares wasi_snapshot_preview1.fd_write');

  const typesByDir = new Map<string, ReturnType<typeof scanGoSource>['typeDeclarations']>();
  for (const [file, scan] of scans) {
    assert.deepEqual(scan.problems.filter((p) => p.severity === 'error'), [], file);
    const dir = path.dirname(file);
    if (!typesByDir.has(dir)) {
      typesByDir.set(dir, readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))
        .flatMap((n) => scanGoSource(readFileSync(path.join(dir, n), 'utf8')).typeDeclarations));
    }
    const scope = goTypeScopeForFile(scan, typesByDir.get(dir));
    for (const directive of scan.directives) {
      if (!directive.func || directive.module?.value === 'gojs') continue;
      const check = checkWasmSignature(directive, version, scope);
      const rejected = check.problems.filter((p) => p.code === 'unsupported-type');
      assert.deepEqual(rejected, [], `${file}: ${directive.text}`);
    }
  }
});
