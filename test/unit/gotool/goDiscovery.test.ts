import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearGoDiscoveryCache,
  defaultWellKnownLocations,
  findGo,
  GoDiscoveryError,
  GoDiscoveryInput,
  goCandidates,
} from '../../../src/gotool/goDiscovery';
import { parseGoVersion, wasip1Generation } from '../../../src/gotool/goVersion';
import { testGoBinary } from '../../support/goFixtures';

const SYSTEM_PATH = '/usr/bin:/bin';

// These tests read the real machine, so they describe it before asserting anything about it.
const realGo = testGoBinary();
const localEnv = { ...process.env, GOTOOLCHAIN: 'local' } as Record<string, string | undefined>;
delete localEnv.GOROOT;
const realGoroot = execFileSync(realGo, ['env', 'GOROOT'], { encoding: 'utf8', env: localEnv }).trim();
const realVersion = parseGoVersion(execFileSync(realGo, ['version'], { encoding: 'utf8', env: localEnv }))!;

let tmp: string;
let cwd: string;

before(() => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'gotool-discovery-')));
  // A directory without go.mod, so no toolchain line in a parent module can switch toolchains under us.
  cwd = path.join(tmp, 'work');
  mkdirSync(cwd);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function input(overrides: Partial<GoDiscoveryInput> & { env?: Record<string, string | undefined> }): GoDiscoveryInput {
  clearGoDiscoveryCache();
  return { cwd, ...overrides, env: { ...localEnv, ...overrides.env } };
}

/** A stand-in for a whole Go install somewhere else: a directory symlink to the real GOROOT. */
function linkedGoroot(name: string): string {
  const link = path.join(tmp, name);
  if (!existsSync(link)) symlinkSync(realGoroot, link, 'dir');
  return link;
}

function fakeGo(dir: string, script: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'go');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, mode);
  return file;
}

async function discoveryError(promise: Promise<unknown>): Promise<GoDiscoveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GoDiscoveryError, `expected a GoDiscoveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('discovery succeeded but was expected to fail');
}

describe('findGo on this machine', () => {
  test('finds go on PATH and describes it with go version and go env', async () => {
    const go = await findGo(input({ env: { PATH: `${path.dirname(realGo)}:${SYSTEM_PATH}` } }));
    assert.equal(go.source, 'PATH');
    assert.equal(go.binary, realGo);
    assert.deepEqual(go.version, realVersion);
    assert.match(go.versionString, /^go version go1\.\d+/);
    assert.equal(realpathSync(go.env.GOROOT), realpathSync(realGoroot));
    assert.deepEqual(parseGoVersion(go.env.GOVERSION), go.version);
    for (const key of ['GOPATH', 'GOMODCACHE', 'GOFLAGS', 'GOTOOLCHAIN']) assert.ok(key in go.env, `go env lacks ${key}`);
    assert.equal(go.switchedToolchain, false);
    assert.deepEqual(
      go.tried.map((probe) => [probe.source, probe.outcome]),
      [['PATH', 'used']],
    );
  });

  test('falls back to /usr/local/go when PATH has no go', async (t) => {
    if (!existsSync('/usr/local/go/bin/go')) return t.skip('this machine has no /usr/local/go');
    const go = await findGo(input({ env: { PATH: SYSTEM_PATH } }));
    assert.equal(go.source, 'well-known location');
    assert.equal(go.binary, '/usr/local/go/bin/go');
    assert.ok(go.tried.some((probe) => probe.source === 'PATH' && probe.outcome === 'missing'));
  });

  test('go.goroot wins over GOROOT and PATH, and is exported as GOROOT', async () => {
    const goroot = linkedGoroot('goroot-setting');
    const go = await findGo(input({ goroot, env: { GOROOT: linkedGoroot('goroot-env'), PATH: path.dirname(realGo) } }));
    assert.equal(go.source, 'go.goroot');
    assert.equal(go.binary, path.join(goroot, 'bin', 'go'));
    assert.equal(go.processEnv.GOROOT, goroot);
    // go reports the GOROOT it was told, which proves the exported variable reached it.
    assert.equal(go.env.GOROOT, goroot);
  });

  test('the GOROOT variable comes before PATH', async () => {
    const goroot = linkedGoroot('goroot-env');
    const go = await findGo(input({ env: { GOROOT: goroot, PATH: SYSTEM_PATH } }));
    assert.equal(go.source, 'GOROOT');
    assert.equal(go.binary, path.join(goroot, 'bin', 'go'));
    assert.equal(go.env.GOROOT, goroot);
  });

  test('a GOROOT pointing nowhere is skipped and kept away from the go that is used', async () => {
    const go = await findGo(input({ env: { GOROOT: path.join(tmp, 'no-such-goroot'), PATH: path.dirname(realGo) } }));
    assert.equal(go.source, 'PATH');
    assert.equal(go.processEnv.GOROOT, undefined);
    assert.equal(realpathSync(go.env.GOROOT), realpathSync(realGoroot));
    assert.equal(go.tried[0].source, 'GOROOT');
    assert.equal(go.tried[0].outcome, 'missing');
  });

  test('wasip1.goPath wins over every other source', async () => {
    const go = await findGo(
      input({ goPath: realGo, alternateTool: 'definitely-not-a-go', goroot: path.join(tmp, 'nothing'), env: { PATH: '' } }),
    );
    assert.equal(go.source, 'setting wasip1.goPath');
    assert.equal(go.binary, realGo);
  });

  test('go.alternateTools given as a command name is looked up on PATH', async () => {
    const bin = path.join(tmp, 'alt-bin');
    mkdirSync(bin, { recursive: true });
    const named = path.join(bin, 'mygo');
    if (!existsSync(named)) symlinkSync(realGo, named);
    const go = await findGo(
      input({ alternateTool: 'mygo', goroot: linkedGoroot('goroot-setting'), env: { PATH: `${SYSTEM_PATH}:${bin}` } }),
    );
    assert.equal(go.source, 'go.alternateTools');
    assert.equal(go.binary, named);
    assert.deepEqual(go.version, realVersion);
  });

  test('go.alternateTools given as a path is used as is, ~ meaning home', async () => {
    const direct = await findGo(input({ alternateTool: realGo, env: { PATH: '' } }));
    assert.equal(direct.source, 'go.alternateTools');
    assert.equal(direct.binary, realGo);

    const home = path.join(tmp, 'home-alt');
    mkdirSync(path.join(home, 'tools'), { recursive: true });
    if (!existsSync(path.join(home, 'tools', 'go'))) symlinkSync(realGo, path.join(home, 'tools', 'go'));
    const fromHome = await findGo(input({ alternateTool: '~/tools/go', env: { HOME: home, PATH: '' } }));
    assert.equal(fromHome.binary, path.join(home, 'tools', 'go'));
  });

  test('go.alternateTools naming a command that is not on PATH is an error, not a silent fallback', async () => {
    const error = await discoveryError(findGo(input({ alternateTool: 'go1.99.9', env: { PATH: path.dirname(realGo) } })));
    assert.equal(error.reason, 'not-found');
    assert.match(error.message, /go\.alternateTools names the command "go1\.99\.9", which is not on PATH/);
  });

  test('a wasip1.goPath that does not exist is reported with its origin', async () => {
    const missing = path.join(tmp, 'nowhere', 'go');
    const error = await discoveryError(findGo(input({ goPath: missing })));
    assert.equal(error.reason, 'not-found');
    assert.equal(error.message, `The Go binary ${missing} (from setting wasip1.goPath) does not exist.`);
  });

  test('a wasip1.goPath that is not executable is reported as such', async () => {
    const file = fakeGo(path.join(tmp, 'noexec-setting'), 'echo never runs', 0o644);
    const error = await discoveryError(findGo(input({ goPath: file })));
    assert.equal(error.reason, 'not-executable');
    assert.match(error.message, /is not an executable file/);
  });

  test('a non-executable go on PATH is passed over for the next one', async () => {
    const dir = path.join(tmp, 'noexec-path');
    fakeGo(dir, 'echo never runs', 0o644);
    const go = await findGo(input({ env: { PATH: `${dir}:${path.dirname(realGo)}` } }));
    assert.equal(go.binary, realGo);
    assert.deepEqual(
      go.tried.map((probe) => probe.outcome),
      ['not-executable', 'used'],
    );
  });

  test('refuses Go older than 1.21, naming the version and where it came from', async () => {
    const oldGo = fakeGo(path.join(tmp, 'old'), 'echo "go version go1.20.3 linux/amd64"');
    const error = await discoveryError(findGo(input({ goPath: oldGo })));
    assert.equal(error.reason, 'too-old');
    assert.equal(
      error.message,
      `Go 1.20.3 found at ${oldGo} (from setting wasip1.goPath) is too old: wasip1 needs Go 1.21 or newer`,
    );

    const oldRoot = path.join(tmp, 'oldroot');
    fakeGo(path.join(oldRoot, 'bin'), 'echo "go version go1.20.14 linux/amd64"');
    const viaGoroot = await discoveryError(findGo(input({ goroot: oldRoot })));
    assert.equal(
      viaGoroot.message,
      `Go 1.20.14 found at ${path.join(oldRoot, 'bin', 'go')} (from go.goroot) is too old: wasip1 needs Go 1.21 or newer`,
    );
  });

  test('a go that fails to report its version is unusable, with its output in the message', async () => {
    const broken = fakeGo(path.join(tmp, 'failing'), 'echo "go: cannot find GOROOT directory: /gone" >&2; exit 2');
    const error = await discoveryError(findGo(input({ goPath: broken })));
    assert.equal(error.reason, 'unusable');
    assert.match(error.message, /cannot find GOROOT directory: \/gone/);
  });

  test('not found anywhere lists every place it looked', async () => {
    const emptyDir = path.join(tmp, 'empty');
    mkdirSync(emptyDir, { recursive: true });
    const wellKnown = [path.join(tmp, 'opt', 'go', 'bin', 'go')];
    const error = await discoveryError(
      findGo(input({ env: { PATH: emptyDir, GOROOT: path.join(tmp, 'gone') }, wellKnownLocations: wellKnown })),
    );
    assert.equal(error.reason, 'not-found');
    assert.deepEqual(
      error.tried.map((probe) => [probe.path, probe.source]),
      [
        [path.join(tmp, 'gone', 'bin', 'go'), 'GOROOT'],
        [path.join(emptyDir, 'go'), 'PATH'],
        [wellKnown[0], 'well-known location'],
      ],
    );
    for (const probe of error.tried) assert.ok(error.message.includes(probe.path), `message omits ${probe.path}`);
  });

  test('caches per input and re-discovers when the input changes or the cache is cleared', async () => {
    clearGoDiscoveryCache();
    const env = { ...localEnv, PATH: path.dirname(realGo) };
    const first = await findGo({ env, cwd });
    assert.equal(await findGo({ env: { ...env }, cwd }), first);
    const other = await findGo({ env, cwd, goPath: realGo });
    assert.notEqual(other, first);
    assert.equal(other.source, 'setting wasip1.goPath');
    clearGoDiscoveryCache();
    const fresh = await findGo({ env, cwd });
    assert.notEqual(fresh, first);
    assert.deepEqual(fresh.version, first.version);
  });

  test('does not cache failures, so a fixed setting is picked up', async () => {
    clearGoDiscoveryCache();
    const dir = path.join(tmp, 'late');
    const target = path.join(dir, 'go');
    await discoveryError(findGo({ env: localEnv, cwd, goPath: target }));
    mkdirSync(dir, { recursive: true });
    symlinkSync(realGo, target);
    assert.equal((await findGo({ env: localEnv, cwd, goPath: target })).binary, target);
  });

  test('reports the toolchain GOTOOLCHAIN switches to', async (t) => {
    // Needs the module proxy; a machine without network access cannot fetch the toolchain.
    const probe = spawnSync(realGo, ['version'], {
      cwd,
      env: { ...localEnv, GOTOOLCHAIN: 'go1.21.13' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (probe.status !== 0 || !probe.stdout.includes('go1.21.13')) {
      return t.skip(`GOTOOLCHAIN=go1.21.13 could not be fetched: ${(probe.stderr || String(probe.error)).trim()}`);
    }
    const go = await findGo(input({ env: { GOTOOLCHAIN: 'go1.21.13', PATH: path.dirname(realGo) } }));
    assert.equal(go.binary, realGo);
    assert.deepEqual(go.version, { major: 1, minor: 21, patch: 13, devel: false });
    assert.equal(go.env.GOVERSION, 'go1.21.13');
    assert.equal(go.switchedToolchain, true);
    assert.match(go.env.GOROOT, /golang\.org[\\/]toolchain@v0\.0\.1-go1\.21\.13/);
    assert.equal(wasip1Generation(go.version), 'go1.21-1.23');
  });
});

describe('goCandidates', () => {
  test('keeps the documented order', () => {
    const candidates = goCandidates({
      goPath: '/opt/a/go',
      alternateTool: '/opt/b/go',
      goroot: '/opt/c',
      env: { GOROOT: '/opt/d', PATH: '/opt/e:/opt/f', HOME: '/home/u' },
      platform: 'linux',
      cwd: '/work',
      wellKnownLocations: ['/opt/g/go'],
    });
    assert.deepEqual(
      candidates.map((candidate) => [candidate.path, candidate.source, candidate.explicit]),
      [
        ['/opt/a/go', 'setting wasip1.goPath', true],
        ['/opt/b/go', 'go.alternateTools', true],
        ['/opt/c/bin/go', 'go.goroot', true],
        ['/opt/d/bin/go', 'GOROOT', false],
        ['/opt/e/go', 'PATH', false],
        ['/opt/f/go', 'PATH', false],
        ['/opt/g/go', 'well-known location', false],
      ],
    );
  });

  test('resolves relative setting paths against the workspace', () => {
    const [candidate] = goCandidates({ goPath: 'tools/go', env: {}, platform: 'linux', cwd: '/work/space', wellKnownLocations: [] });
    assert.equal(candidate.path, '/work/space/tools/go');
  });

  test('on Windows looks for go.exe, reads Path case-insensitively and knows the installer locations', () => {
    const candidates = goCandidates({
      goroot: 'D:\\sdk\\go',
      env: { Path: 'C:\\tools;C:\\bin', USERPROFILE: 'C:\\Users\\me', GoRoot: 'E:\\go' },
      platform: 'win32',
      cwd: 'C:\\work',
    });
    const paths = candidates.map((candidate) => candidate.path);
    assert.deepEqual(paths.slice(0, 4), ['D:\\sdk\\go\\bin\\go.exe', 'E:\\go\\bin\\go.exe', 'C:\\tools\\go.exe', 'C:\\bin\\go.exe']);
    assert.ok(paths.includes('C:\\Program Files\\Go\\bin\\go.exe'));
    assert.ok(paths.includes('C:\\Users\\me\\go\\bin\\go.exe'));
  });

  test('lists ~/sdk toolchains newest first', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'gotool-home-'));
    try {
      for (const dir of ['go1.21.13', 'go1.9.7', 'go1.22.5', 'go1.22rc1', 'gotip-notes']) mkdirSync(path.join(home, 'sdk', dir), { recursive: true });
      const sdk = defaultWellKnownLocations('linux', home).filter((location) => location.includes(`${path.sep}sdk${path.sep}`));
      assert.deepEqual(
        sdk.map((location) => path.basename(path.dirname(path.dirname(location)))),
        ['go1.22.5', 'go1.22rc1', 'go1.21.13', 'go1.9.7'],
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
