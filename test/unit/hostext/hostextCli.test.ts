// `wasip1 run --import`, `--invoke` and `--tcplisten` as a user runs them: the built bundle behind
// bin/wasip1 and real Go programs. The HTTP test also measures the same server built natively.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, goFixturesDir, repoRoot, requireGoAtLeast, testGoBinary } from '../../support/goFixtures';
import { freePort, get, helloLoad, waitForPort, type LoadResult } from '../../support/httpLoad';

const cli = path.join(repoRoot, 'bin', 'wasip1');
const fixtureHost = path.join(goFixturesDir, 'hostext_imports', 'host.mjs');

function wasip1(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { input: '', encoding: 'utf8', timeout: 60_000, env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => ensureFreshBundles());

describe('wasip1 run --import', () => {
  test('supplies a Go program’s own imports from a host module', async () => {
    const run = wasip1(['run', '--import', `hostext=${fixtureHost}`, await buildGoFixture('hostext_imports'), 'all']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'greet: Hello, Gopher! (from hostext, args 2)\nsum64: 1099511627771\nhalf: 2.5\nlookup answer: errno=0 value=42\nlookup missing: errno=44\n');
  });

  test('WASIP1_IMPORT does the same for runs started by go run and go test', async () => {
    const run = wasip1(['run', await buildGoFixture('hostext_imports')], { ...process.env, WASIP1_IMPORT: `hostext=${fixtureHost}` });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^greet: Hello, Gopher!/);
  });

  test('a throwing host function exits 134 with one line naming it, without a JavaScript stack', async () => {
    const run = wasip1(['run', '--import', `hostext=${fixtureHost}`, await buildGoFixture('hostext_imports'), 'throw']);
    assert.equal(run.status, 134);
    assert.equal(run.stdout, 'before the failing call\n');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'the host module is about to throw');
    assert.match(lines[1], /^wasip1: .*hostext_imports\.wasm trapped \(host-function\): hostext\.fail threw TypeError: asked to fail \(at host\.mjs:\d+:\d+\) in main\.fail$/);
    assert.equal(lines.length, 2);
  });

  test('an unusable host module or a bad --import exits with the reason', async () => {
    const program = await buildGoFixture('hostext_imports');
    const missing = wasip1(['run', '--import', 'hostext=/nonexistent/host.mjs', program]);
    assert.equal(missing.status, 69);
    assert.equal(missing.stderr, 'wasip1: host module /nonexistent/host.mjs (for "hostext"): the file does not exist\n');
    for (const [value, message] of [
      ['hostext', /--import hostext: expected MODULE=FILE\.mjs/],
      ['wasi_snapshot_preview1=x.mjs', /wasi_snapshot_preview1 is supplied by the host itself/],
    ] as const) {
      const run = wasip1(['run', '--import', value, program]);
      assert.equal(run.status, 64);
      assert.match(run.stderr, message);
    }
  });
});

describe('wasip1 run --invoke', () => {
  test('calls a reactor export and prints its results, one per line', async () => {
    requireGoAtLeast(24); // reactors: //go:wasmexport and -buildmode=c-shared need Go 1.24+
    const reactor = await buildGoFixture('hostext_reactor', ['-buildmode=c-shared']);
    const cases: [string, string[], string][] = [
      ['add', ['2', '3'], '5\n'],
      ['mul64', ['4294967296', '-3'], '-12884901888\n'],
      ['hypot', ['3', '4'], '5\n'],
      ['halve32', ['5'], '2.5\n'],
      ['greet', ['2'], 'hello from the reactor 1\nhello from the reactor 2\n'],
    ];
    for (const [name, args, stdout] of cases) {
      const run = wasip1(['run', '--invoke', name, reactor, ...args]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, stdout, name);
    }
    assert.equal(wasip1(['run', '--invoke', 'quit', reactor, '5']).status, 5);
  });

  test('a missing export or arguments that do not fit exit 64 with the signatures', async () => {
    requireGoAtLeast(24); // reactors: //go:wasmexport and -buildmode=c-shared need Go 1.24+
    const reactor = await buildGoFixture('hostext_reactor', ['-buildmode=c-shared']);
    const missing = wasip1(['run', '--invoke', 'sum', reactor]);
    assert.equal(missing.status, 64);
    assert.match(missing.stderr, /^wasip1: the module has no export "sum"; its exports are:\n {2}add \(i32, i32\) -> i32\n/);
    const wrong = wasip1(['run', '--invoke', 'add', reactor, 'two', '3']);
    assert.equal(wrong.status, 64);
    assert.equal(wrong.stderr, 'wasip1: add (i32, i32) -> i32: argument 1 ("two") is not an i32 (an integer from -2147483648 to 4294967295)\n');
    assert.equal(wrong.stdout, '');
  });

  test('a host module may call the reactor’s exports', async () => {
    const module = await buildGoFixture('hostext_reentry', ['-buildmode=c-shared']);
    const run = wasip1(['run', '--import', `reentry=${path.join(goFixturesDir, 'hostext_reentry', 'host.mjs')}`, '--invoke', 'quadruple', module, '7']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '28\n');
  });
});

/** Runs a server process, measures it, asks it to quit, and waits for it to exit. */
async function measureServer(command: string, args: string[], port: number): Promise<{ warm: LoadResult; measured: LoadResult; exit: number | null; stdout: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    await waitForPort(port);
    // Warm-up first: V8 compiles the guest's hot functions, Go's server grows its pools.
    const warm = await helloLoad(port, 200, 16, true);
    const measured = await helloLoad(port, 1000, 16, true);
    await get(port, '/quit');
    const exit = await exited;
    assert.equal(stderr, '');
    return { warm, measured, exit, stdout };
  } finally {
    clearTimeout(killer);
    child.kill();
  }
}

describe('wasip1 run --tcplisten', () => {
  test('a Go net/http server answers 1,000 requests from 16 clients; measured against the same server built natively', async (t) => {
    const wasm = await buildGoFixture('hostext_httpserver');
    const nativeDir = path.join(repoRoot, 'out', 'fixtures-native');
    mkdirSync(nativeDir, { recursive: true });
    const native = path.join(nativeDir, 'hostext_httpserver');
    execFileSync(testGoBinary(), ['build', '-o', native, './hostext_httpserver'], {
      cwd: goFixturesDir,
      env: { ...process.env, GOOS: '', GOARCH: '', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
    });

    const ourPort = await freePort();
    const ours = await measureServer(process.execPath, [cli, 'run', '--tcplisten', `127.0.0.1:${ourPort}`, wasm], ourPort);
    const nativePort = await freePort();
    const theirs = await measureServer(native, ['-listen', `127.0.0.1:${nativePort}`], nativePort);

    for (const run of [ours, theirs]) {
      assert.deepEqual(run.warm.failures, []);
      assert.deepEqual(run.measured.failures, []);
      assert.equal(run.measured.ok, 1000);
      assert.equal(run.exit, 0);
      assert.equal(run.stdout, 'serving\nshut down after 1200 requests\n');
    }
    const figures =
      `wasip1 host: ${ours.measured.requestsPerSecond} req/s (${ours.measured.seconds.toFixed(2)} s), ` +
      `native linux: ${theirs.measured.requestsPerSecond} req/s (${theirs.measured.seconds.toFixed(2)} s), ` +
      `1,000 keep-alive requests from 16 clients after 200 to warm up`;
    t.diagnostic(figures);
  });

  test('port 0: the port the system picked is printed on stderr with its fd, and serves', async () => {
    const wasm = await buildGoFixture('hostext_httpserver');
    const root = mkdtempSync(path.join(tmpdir(), 'wasip1-port0-'));
    // A directory first, so the socket's fd is 4 and the guest is told so.
    const child = spawn(process.execPath, [cli, 'run', '--dir', root, '--tcplisten', '127.0.0.1:0', wasm, '-fd', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      let stderr = '';
      const announced = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          stderr += c;
          if (stderr.includes('\n')) resolve(stderr.slice(0, stderr.indexOf('\n')));
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before announcing a port: ${stderr}`)));
      });
      const match = /^wasip1: fd 4 listens on 127\.0\.0\.1:(\d+)$/.exec(announced);
      assert.ok(match, announced);
      const port = Number(match[1]);
      assert.ok(port > 0);
      assert.equal(await get(port, '/hello/zero'), 'hello zero #1\n');
      await get(port, '/quit');
      const exit = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
      assert.equal(exit, 0);
      assert.equal(stderr, `${announced}\n`);
      assert.equal(stdout, 'serving\nshut down after 1 requests\n');
    } finally {
      clearTimeout(killer);
      child.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a bad address exits 64; one in use exits 69 before the guest starts', async () => {
    const wasm = await buildGoFixture('hostext_httpserver');
    const bad = wasip1(['run', '--tcplisten', '8080', wasm]);
    assert.equal(bad.status, 64);
    assert.match(bad.stderr, /--tcplisten "8080" is not HOST:PORT/);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const busy = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        // Asynchronously: the holder must keep accepting in this process meanwhile.
        const child = spawn(process.execPath, [cli, 'run', '--tcplisten', `127.0.0.1:${port}`, wasm], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c));
        child.stderr.on('data', (c: Buffer) => (stderr += c));
        child.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
      assert.equal(busy.status, 69);
      assert.equal(busy.stderr, `wasip1: cannot listen on 127.0.0.1:${port}: the address is in use\n`);
      assert.equal(busy.stdout, '');
    } finally {
      holder.close();
    }
  });
});
