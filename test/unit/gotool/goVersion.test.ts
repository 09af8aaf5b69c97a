import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareGoVersions,
  formatGoVersion,
  goAtLeast,
  parseGoVersion,
  wasip1Capabilities,
  wasip1Generation,
} from '../../../src/gotool/goVersion';
import { testGoBinary } from '../../support/goFixtures';

describe('parseGoVersion', () => {
  test('reads a release line as go version prints it', () => {
    assert.deepEqual(parseGoVersion('go version go1.21.13 linux/amd64'), { major: 1, minor: 21, patch: 13, devel: false });
  });

  test('reads the x.y form Go 1.20 and earlier used for .0 releases', () => {
    assert.deepEqual(parseGoVersion('go version go1.20 darwin/arm64'), { major: 1, minor: 20, patch: 0, devel: false });
  });

  test('keeps the pre-release tag', () => {
    assert.deepEqual(parseGoVersion('go version go1.22rc1 windows/amd64'), {
      major: 1,
      minor: 22,
      patch: 0,
      prerelease: 'rc1',
      devel: false,
    });
  });

  test('marks devel toolchains with the release they lead up to', () => {
    const version = parseGoVersion('go version devel go1.24-8e1fe7a3 Tue Nov 5 10:00:00 2024 +0000 linux/amd64');
    assert.deepEqual(version, { major: 1, minor: 24, patch: 0, devel: true });
    assert.equal(formatGoVersion(version!), '1.24 (devel)');
  });

  test('ignores GOEXPERIMENT markers between version and platform', () => {
    assert.equal(parseGoVersion('go version go1.23.4 X:nocoverageredesign linux/amd64')?.patch, 4);
  });

  test('accepts a bare GOVERSION value', () => {
    assert.equal(parseGoVersion('go1.24.1')?.minor, 24);
  });

  test('returns undefined when there is no version', () => {
    assert.equal(parseGoVersion('bash: go: command not found'), undefined);
  });

  test('parses the version of the go on this machine, matching go env GOVERSION', () => {
    const line = execFileSync(testGoBinary(), ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    const goversion = execFileSync(testGoBinary(), ['env', 'GOVERSION'], {
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    });
    const fromLine = parseGoVersion(line);
    assert.ok(fromLine, `could not parse ${line}`);
    assert.deepEqual(fromLine, parseGoVersion(goversion));
    assert.ok(goAtLeast(fromLine, 1, 21), `the test machine needs Go 1.21+, has ${line}`);
  });
});

describe('comparing versions', () => {
  const v = (text: string) => parseGoVersion(text)!;

  test('orders by minor, then patch, with a pre-release before its release', () => {
    const sorted = ['go1.22.0', 'go1.21.13', 'go1.22rc2', 'go1.21.2', 'go1.22rc1', 'go1.9.7'].map(v).sort(compareGoVersions);
    assert.deepEqual(sorted.map(formatGoVersion), ['1.9.7', '1.21.2', '1.21.13', '1.22rc1', '1.22rc2', '1.22.0']);
  });

  test('goAtLeast counts a pre-release of the line as that line', () => {
    assert.equal(goAtLeast(v('go1.21rc2'), 1, 21), true);
    assert.equal(goAtLeast(v('go1.20.14'), 1, 21), false);
    assert.equal(goAtLeast(v('go2.0.0'), 1, 21), true);
  });
});

describe('wasip1 generations', () => {
  test('splits at Go 1.24', () => {
    assert.equal(wasip1Generation(parseGoVersion('go1.21.0')!), 'go1.21-1.23');
    assert.equal(wasip1Generation(parseGoVersion('go1.23.9')!), 'go1.21-1.23');
    assert.equal(wasip1Generation(parseGoVersion('go1.24rc1')!), 'go1.24+');
    assert.equal(wasip1Generation(parseGoVersion('go1.26.0')!), 'go1.24+');
  });

  test('capabilities follow the generation', () => {
    assert.deepEqual(wasip1Capabilities(parseGoVersion('go1.22.3')!), {
      generation: 'go1.21-1.23',
      wasmExport: false,
      reactorBuildMode: false,
    });
    assert.deepEqual(wasip1Capabilities(parseGoVersion('go1.24.0')!), {
      generation: 'go1.24+',
      wasmExport: true,
      reactorBuildMode: true,
    });
  });
});
