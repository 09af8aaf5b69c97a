// `wasip1 run` kept to its worker (WASIP1_IN_WORKER=1, as runWasi runs for --tcplisten and for
// embedders) reads a file or a pipe on stdin from the guest's thread itself, as the CLI's own
// thread does: no stream on the main thread, no ring in between. Run the way a shell runs it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, repoRoot } from '../../support/goFixtures';

const command = path.join(repoRoot, 'bin', 'wasip1');
const inWorker = { ...process.env, WASIP1_IN_WORKER: '1' };

describe('stdin read by the worker itself', () => {
  let wasirun: string;
  let stdinEcho: string;
  let work: string;
  before(async () => {
    ensureFreshBundles();
    [wasirun, stdinEcho] = await Promise.all([buildGoFixture('wasirun'), buildGoFixture('dap_stdin')]);
    work = mkdtempSync(path.join(tmpdir(), 'wasip1-worker-stdin-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** A shell command line with $W (wasip1), $R (wasirun), $S (dap_stdin) and $T (scratch dir) set, the guest in a worker. */
  function sh(script: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 60_000, env: { ...inWorker, W: command, R: wasirun, S: stdinEcho, T: work } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('10 MiB from a pipe and from a file arrive complete and in order', () => {
    const input = path.join(work, 'in.bin');
    execFileSync('sh', ['-c', `head -c 10485760 /dev/urandom > "${input}"`]);
    for (const [stdin, line] of [['a pipe', 'cat "$T/in.bin" | "$W" run "$R" cat > "$T/out.bin"'], ['a file', '"$W" run "$R" cat < "$T/in.bin" > "$T/out.bin"']]) {
      const run = sh(line);
      assert.deepEqual([run.status, run.stderr], [0, 'copied 10485760 bytes\n'], `from ${stdin}`);
      assert.ok(readFileSync(path.join(work, 'out.bin')).equals(readFileSync(input)), `from ${stdin}: the bytes differ`);
    }
  });

  test('a file keeps its offset shared with the shell: the worker reads the descriptor, nothing reads ahead', () => {
    // A stream on the main thread would have read the whole file in one chunk, leaving cat nothing.
    writeFileSync(path.join(work, 'lines.txt'), 'a\nb\n');
    const run = sh('{ "$W" run "$S"; cat; } < "$T/lines.txt"');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'A\nB\n2 lines\n');
  });

  test('a slow pipe loses nothing, and /dev/null is an empty input', () => {
    const slow = sh('(printf "one\\n"; sleep 0.2; printf "two\\n"; sleep 0.3; printf "three\\n") | "$W" run "$S"');
    assert.equal(slow.status, 0, slow.stderr);
    assert.equal(slow.stdout, 'ONE\nTWO\nTHREE\n3 lines\n');
    assert.equal(sh('"$W" run "$S" < /dev/null').stdout, '0 lines\n');
  });

  test('each line written into a FIFO is answered before the next, and Ctrl-C ends a guest waiting on it', async () => {
    const fifo = path.join(work, 'typed');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('sh', ['-c', `exec "${command}" run "${stdinEcho}" < "${fifo}"`], { stdio: ['ignore', 'pipe', 'pipe'], env: inWorker });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const shows = async (text: string) => {
      for (let waited = 0; !stdout.includes(text); waited += 10) {
        if (waited > 20_000) assert.fail(`gave up waiting for ${JSON.stringify(text)}; have ${JSON.stringify(stdout)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const writer = openSync(fifo, 'w');
    try {
      writeSync(writer, 'hello\n');
      await shows('HELLO\n');
      writeSync(writer, 'second line\n');
      await shows('SECOND LINE\n');
      // The pipe stays open and empty: the guest waits in the worker until Ctrl-C.
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
      assert.equal(code, 130, `stdout ${JSON.stringify(stdout)}`);
    } finally {
      closeSync(writer);
      child.kill('SIGKILL');
    }
    assert.equal(stdout, 'HELLO\nSECOND LINE\n');
  });
});
