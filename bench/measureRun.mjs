// Runs one command the way the benchmark needs: wall time from spawn until its output is drained,
// peak RSS through GNU time (the kernel's own figure, covering worker threads too), stdin fed from
// a pipe, stdout drained from a pipe, and a hard timeout that kills the whole process group.
//
// The pipes are real pipes (FIFOs), as a shell or Go's os/exec gives a program: Node's own 'pipe'
// stdio is a UNIX socket pair, which programs see as a socket, and which no user's shell hands them.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tailBytes = 4096;
const gnuTime = '/usr/bin/time';

/** GNU time's -f/-o; BusyBox and BSD `time` lack them, and then RSS is simply not reported. */
export const canMeasureRss = spawnSync(gnuTime, ['-f', '%M', '-o', '/dev/null', 'true']).status === 0;

const running = new Set();
/** Children run in their own process group (so a timeout kills node's workers too); they must not outlive us. */
export function killAllRunning() {
  for (const pid of running) killGroup(pid);
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * @param {{ command: string, args: string[], stdinBytes?: number, env?: Record<string, string>, timeoutMs: number }} options
 * @returns {Promise<{ seconds: number, exitCode: number | null, signal: string | null, timedOut: boolean,
 *   rssKiB?: number, cpuSeconds?: number, stdoutBytes: number, stdoutTail: string, stderrHead: string }>}
 */
export function measureRun({ command, args, stdinBytes, env, timeoutMs }) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-run-'));
  const rssFile = canMeasureRss ? join(scratch, 'rss') : undefined;
  const [file, argv] = rssFile ? [gnuTime, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  const stdout = realPipe(join(scratch, 'stdout'), 'from child');
  const stdin = stdinBytes ? realPipe(join(scratch, 'stdin'), 'to child') : undefined;

  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {
      stdio: [stdin ? stdin.childEnd : stdinBytes ? 'pipe' : 'ignore', stdout?.childEnd ?? 'pipe', 'pipe'],
      detached: true,
      env: env ? { ...process.env, ...env } : process.env,
    });
    // The child has its ends now; ours would keep the pipes open (no EOF, no EPIPE) if kept.
    if (stdin?.childEnd !== undefined) closeSync(stdin.childEnd);
    if (stdout?.childEnd !== undefined) closeSync(stdout.childEnd);
    const childStdout = stdout?.ourEnd ?? child.stdout;
    const childStdin = stdin?.ourEnd ?? child.stdin;
    running.add(child.pid);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);

    let stdoutBytes = 0;
    let stdoutTail = Buffer.alloc(0);
    let stderrHead = Buffer.alloc(0);
    childStdout.on('data', (chunk) => {
      stdoutBytes += chunk.length;
      stdoutTail = keepTail(stdoutTail, chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderrHead = keepHead(stderrHead, chunk);
    });
    if (stdinBytes) feed(childStdin, stdinBytes);

    // Done when the child has exited and its output is drained (our FIFO end is not the child's stdio, so 'close' does not wait for it).
    const exited = new Promise((resolveExit) => {
      child.on('exit', (exitCode, signal) => resolveExit({ exitCode, signal }));
      child.on('error', (error) => {
        stderrHead = keepHead(stderrHead, Buffer.from(`spawn failed: ${error.message}\n`));
        // Never started: nothing on the other side will close our ends of its pipes.
        childStdout.destroy();
        childStdin?.destroy();
        resolveExit({ exitCode: null, signal: null });
      });
    });
    const drained = new Promise((resolveDrain) => childStdout.once('close', resolveDrain));
    const stderrDrained = new Promise((resolveDrain) => child.stderr.once('close', resolveDrain));
    Promise.all([exited, drained, stderrDrained]).then(([{ exitCode, signal }]) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearTimeout(timer);
      running.delete(child.pid);
      let rssKiB;
      let cpuSeconds;
      if (rssFile) {
        // After a non-zero exit GNU time writes "Command exited with non-zero status N" first.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        // Peak RSS, then user and system CPU seconds: CPU time holds still on a machine others load.
        const [rss, user, system] = (lines.at(-1) ?? '').split(' ').map(Number);
        if (Number.isFinite(rss) && rss > 0) rssKiB = rss;
        if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user + system;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        seconds,
        exitCode,
        signal,
        timedOut,
        rssKiB,
        cpuSeconds,
        stdoutBytes,
        stdoutTail: stdoutTail.toString('utf8'),
        stderrHead: stderrHead.toString('utf8'),
      });
    });
  });
}

function keepTail(tail, chunk) {
  const joined = Buffer.concat([tail, chunk]);
  return joined.length > tailBytes ? joined.subarray(joined.length - tailBytes) : joined;
}

/** A failing guest's first stderr lines (a Go panic's message, a host's complaint) say the most. */
function keepHead(head, chunk) {
  return head.length >= tailBytes ? head : Buffer.concat([head, chunk]).subarray(0, tailBytes);
}

/**
 * A FIFO at `path` opened at both ends without blocking: `childEnd` (a blocking descriptor, for the
 * child's stdio) and `ourEnd` (a stream over a non-blocking one). undefined where there is no mkfifo.
 */
function realPipe(path, direction) {
  if (spawnSync('mkfifo', [path]).status !== 0) return undefined;
  const { O_RDONLY, O_WRONLY, O_NONBLOCK } = constants;
  if (direction === 'from child') {
    // A reader first, so that opening the writer does not wait for one.
    const ours = openSync(path, O_RDONLY | O_NONBLOCK);
    const childEnd = openSync(path, O_WRONLY);
    return { childEnd, ourEnd: new Socket({ fd: ours, readable: true, writable: false }) };
  }
  const placeholder = openSync(path, O_RDONLY | O_NONBLOCK);
  const ours = openSync(path, O_WRONLY | O_NONBLOCK);
  const childEnd = openSync(path, O_RDONLY);
  closeSync(placeholder);
  return { childEnd, ourEnd: new Socket({ fd: ours, readable: false, writable: true }) };
}

/** Writes `total` bytes with back-pressure, so the pipe, not our memory, holds what the guest has not read. */
function feed(stdin, total) {
  const block = Buffer.alloc(1 << 20, 'wasip1 benchmark stdin\n');
  let left = total;
  // The guest may exit (or crash) before reading everything; that is reported by its check, not here.
  stdin.on('error', () => {});
  const pump = () => {
    while (left > 0) {
      const piece = left >= block.length ? block : block.subarray(0, left);
      left -= piece.length;
      if (!stdin.write(piece)) {
        stdin.once('drain', pump);
        return;
      }
    }
    stdin.end();
  };
  pump();
}
