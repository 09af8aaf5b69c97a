// `wasip1 run` started as a command runs the guest on node's main thread (no worker), its stdio on
// the process's own descriptors. These tests run it the way a shell does: real pipes, files, FIFOs.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { softStackLimitBytes, stackProblem, stackSizeFlagKib } from '../../../src/wasi/runner/runInThisThread';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, repoRoot } from '../../support/goFixtures';

const command = path.join(repoRoot, 'bin', 'wasip1');
const limits = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax stack size            ${soft}              unlimited            bytes\n`;

describe('the stack a guest needs on the main thread', () => {
  test('reads --stack-size in both spellings, the last one winning', () => {
    assert.equal(stackSizeFlagKib([]), undefined);
    assert.equal(stackSizeFlagKib(['--stack-size=7168']), 7168);
    assert.equal(stackSizeFlagKib(['--stack_size', '5000', '--stack-size=6000']), 6000);
  });

  test('reads the soft stack limit from /proc/self/limits', () => {
    assert.equal(softStackLimitBytes(limits('8388608')), 8388608);
    assert.equal(softStackLimitBytes(limits('unlimited')), Infinity);
    assert.equal(softStackLimitBytes('nothing here'), undefined);
  });

  test('wants a deep V8 stack that the OS limit really backs', () => {
    assert.match(stackProblem([], limits('8388608')) ?? '', /without --stack-size/);
    assert.match(stackProblem(['--stack-size=984'], limits('8388608')) ?? '', /below 4096/);
    assert.match(stackProblem(['--stack-size=7168'], limits('4194304')) ?? '', /does not hold --stack-size=7168/);
    assert.match(stackProblem(['--stack-size=7168'], undefined) ?? '', /unknown/);
    assert.equal(stackProblem(['--stack-size=7168'], limits('8388608')), undefined);
    assert.equal(stackProblem(['--stack-size=7168'], limits('unlimited')), undefined);
  });
});

describe('wasip1 run on the main thread', () => {
  let wasirun: string;
  let stdinEcho: string;
  let work: string;
  before(async () => {
    ensureFreshBundles();
    [wasirun, stdinEcho] = await Promise.all([buildGoFixture('wasirun'), buildGoFixture('dap_stdin')]);
    work = mkdtempSync(path.join(tmpdir(), 'wasip1-thread-'));
  });

  /** Runs a shell command line with $W (wasip1 command), $R (wasirun), $S (dap_stdin) and $T (scratch dir) set. */
  function sh(script: string, timeout = 60_000): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('sh', ['-c', script], {
      encoding: 'utf8',
      timeout,
      env: { ...process.env, W: command, R: wasirun, S: stdinEcho, T: work },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('the guest runs on the main thread, which a busy guest keeps busy; Ctrl-C still ends it', async () => {
    const child = spawn(command, ['run', wasirun, 'busy'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const pid = child.pid as number;
    const cpuTicks = () => {
      const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime of the main thread
    };
    await new Promise((resolve) => setTimeout(resolve, 600));
    const before = cpuTicks();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = cpuTicks() - before;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const interrupted = performance.now();
    child.kill('SIGINT');
    // Ended by the signal itself, as a native program is, so a shell loop around it stops too.
    assert.equal(await exited, 'SIGINT');
    assert.ok(performance.now() - interrupted < 1000, 'Ctrl-C took effect within a second');
    // 500 ms of a spinning guest: up to 50 ticks (at 100/s) on the main thread, which a worker would
    // leave idle (0-1 ticks); a loaded machine may give it less, so the bar is low.
    assert.ok(busy >= 10, `the main thread used ${busy} ticks in 500 ms`);
  });

  test('10 MiB through pipes on both sides, and from a file, arrive complete and in order', () => {
    const input = path.join(work, 'in.bin');
    execFileSync('sh', ['-c', `head -c 10485760 /dev/urandom > "${input}"`]);
    const piped = sh('cat "$T/in.bin" | "$W" run "$R" cat | cat > "$T/out1.bin"');
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stderr, 'copied 10485760 bytes\n');
    assert.ok(readFileSync(path.join(work, 'out1.bin')).equals(readFileSync(input)));
    const fromFile = sh('"$W" run "$R" cat < "$T/in.bin" > "$T/out2.bin"');
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.ok(readFileSync(path.join(work, 'out2.bin')).equals(readFileSync(input)));
  });

  test('a slow stdin pipe loses nothing, and /dev/null is an empty input', () => {
    const slow = sh('(printf "one\\n"; sleep 0.2; printf "two\\n"; sleep 0.3; printf "three\\n") | "$W" run "$S"');
    assert.equal(slow.status, 0, slow.stderr);
    assert.equal(slow.stdout, 'ONE\nTWO\nTHREE\n3 lines\n');
    const empty = sh('"$W" run "$S" < /dev/null');
    assert.equal(empty.stdout, '0 lines\n');
  });

  test('`| head` gives the guest EPIPE, and a consumer that starts late loses nothing', () => {
    const head = sh('{ "$W" run "$R" forever 2>"$T/forever.err"; echo $? > "$T/forever.status"; } | head -c 100000 | wc -c');
    assert.equal(head.stdout.trim(), '100000');
    assert.equal(readFileSync(path.join(work, 'forever.status'), 'utf8').trim(), '3');
    assert.match(readFileSync(path.join(work, 'forever.err'), 'utf8'), /^write failed: write \/dev\/stdout: broken pipe\n$/i);
    const late = sh('"$W" run "$R" spew 3000000 | (sleep 1; wc -c)');
    assert.equal(late.stdout.trim(), '3000000');
  });

  test('interactive: each line typed into a FIFO is answered before the next is written', async () => {
    const fifo = path.join(work, 'typed');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('sh', ['-c', `exec "${command}" run "${stdinEcho}" < "${fifo}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const shows = async (text: string) => {
      for (let waited = 0; !stdout.includes(text); waited += 10) {
        if (waited > 20_000) assert.fail(`gave up waiting for ${JSON.stringify(text)}; have ${JSON.stringify(stdout)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const writer = openSync(fifo, 'w');
    writeSync(writer, 'hello\n');
    await shows('HELLO\n');
    writeSync(writer, 'second line\n');
    await shows('SECOND LINE\n');
    closeSync(writer);
    await shows('2 lines\n');
    assert.equal(stdout, 'HELLO\nSECOND LINE\n2 lines\n');
  });

  test('goroutine timers sleep through poll_oneoff without spinning', () => {
    const run = sh('"$W" run "$R" sleepers');
    assert.equal(run.status, 0, run.stderr);
    const slept = Number(/slept (\d+)/.exec(run.stdout)?.[1]);
    // Ten 50 ms sleeps, a 3-tick ticker and a 20 ms timer overlap: far below their 550 ms sum.
    assert.ok(slept >= 50 && slept < 500, `slept ${slept} ms`);
  });

  test('a panic exits 2 with the trace on stderr; WASIP1_IN_WORKER=1 gives the same through a worker', () => {
    for (const env of ['', 'WASIP1_IN_WORKER=1 ']) {
      const run = sh(`${env}"$W" run "$R" panic`);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^panic: boom from wasirun\n\ngoroutine 1 \[running\]:/);
    }
  });

  test('the command recurses as deep as the worker: bin/wasip1 raises the soft stack limit for its 16 MiB', async () => {
    const recursion = await buildGoFixture('cli_recursion');
    // 850,000 frames of main.descend need about 15 MiB: they trapped on the main thread's old 7 MiB.
    // A soft limit of 8 MiB (the usual default) is raised by bin/wasip1 itself. stdin is a shell
    // pipe (spawnSync's own is a socket, which sends the guest to a worker).
    for (const start of ['ulimit -S -s 8192; true | "$W"', `true | "${process.execPath}" "$W"`]) {
      const run = sh(`${start} run "${recursion}" 850000`);
      assert.equal(run.status, 0, `${start}: ${run.stderr}`);
      assert.equal(run.stdout, '850000\n');
    }
    // Where the hard limit forbids it, the command takes what the limit holds: 10 MiB less the
    // native margin. Root may raise a hard limit, so root runs this as nobody.
    const asUser = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv') ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const capped = (depth: number) => {
      const script = `ulimit -s 10240; true | "${command}" run "${recursion}" ${depth}`;
      const [file, ...args] = [...asUser, 'sh', '-c', script];
      return spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 });
    };
    const fits = capped(400000);
    assert.equal(fits.status, 0, fits.stderr);
    assert.equal(fits.stdout, '400000\n');
    assert.match(capped(5000000).stderr, /it had 10 MiB of stack/);
    const overflow = sh(`true | "$W" run "${recursion}" 5000000`);
    assert.equal(overflow.status, 134);
    assert.match(overflow.stderr, /trapped \(stack-overflow\): call stack exhausted in main\.descend \(it had 16 MiB of stack; for more, run it with --stack-size MIB\)\n$/);
    const deeper = sh(`true | "$W" run --stack-size 8 "${recursion}" 5000000`);
    assert.match(deeper.stderr, /it had 8 MiB of stack; for more, run it with --stack-size MIB/);
  });

  test('a file given as stdin keeps its offset shared with the shell', () => {
    writeFileSync(path.join(work, 'lines.txt'), 'a\nb\n');
    const run = sh('{ "$W" run "$S"; cat; } < "$T/lines.txt"');
    assert.equal(run.stdout, 'A\nB\n2 lines\n');
  });
});
