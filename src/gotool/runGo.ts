// Runs one `go` command to completion, with cancellation that takes the whole process tree down.
import { spawn } from 'node:child_process';

/** A `go` binary, either as a bare path or as a discovered installation that knows its environment. */
export type GoCommand = string | { binary: string; processEnv?: Readonly<Record<string, string | undefined>> };

export interface RunGoOptions {
  cwd?: string;
  /** Overrides layered on top of the command's own environment (an installation's processEnv, else process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Called with each chunk as it arrives, for live output panes. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Kills the command (like an abort) once exceeded; `timedOut` is then set. */
  timeoutMs?: number;
}

export interface RunGoResult {
  /** null when the process died from a signal. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order, which is how a terminal would have shown them. */
  output: string;
  cancelled: boolean;
  timedOut: boolean;
  durationMs: number;
  /** The command as a user could paste it into a shell, environment overrides first. */
  commandLine: string;
  /** Set when the process could not be started at all (ENOENT, EACCES…). */
  spawnError?: Error;
}

/** How long `go` gets to clean up its temporary work dir after an interrupt before it is killed outright. */
const INTERRUPT_GRACE_MS = 3000;

export function goBinaryOf(go: GoCommand): string {
  return typeof go === 'string' ? go : go.binary;
}

export function runGo(go: GoCommand, args: readonly string[], options: RunGoOptions = {}): Promise<RunGoResult> {
  const binary = goBinaryOf(go);
  const baseEnv = typeof go === 'string' || !go.processEnv ? process.env : go.processEnv;
  const env = definedOnly({ ...baseEnv, ...options.env });
  const commandLine = formatCommandLine(binary, args, options.env);
  const started = performance.now();
  const isWindows = process.platform === 'win32';

  return new Promise((resolve) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const output: string[] = [];
    let cancelled = false;
    let timedOut = false;
    let spawnError: Error | undefined;
    let escalation: NodeJS.Timeout | undefined;
    let timeout: NodeJS.Timeout | undefined;

    let done = false;
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(escalation);
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      const result: RunGoResult = {
        exitCode,
        exitSignal,
        stdout: stdout.join(''),
        stderr: stderr.join(''),
        output: output.join(''),
        cancelled,
        timedOut,
        durationMs: performance.now() - started,
        commandLine,
        ...(spawnError ? { spawnError } : {}),
      };
      // go may exit on SIGINT while a compile or link child it started is still winding down; resolve only once
      // nothing of the build is left, so callers can rebuild or delete the output straight away.
      if (isWindows || child.pid === undefined) resolve(result);
      else void killGroupAndWait(child.pid).then(() => resolve(result));
    };

    // A process group of its own lets one signal reach go and every compile/link/vet process it forks.
    const child = spawn(binary, [...args], {
      cwd: options.cwd,
      env,
      detached: !isWindows,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const stop = (): void => {
      if (child.pid === undefined) return;
      if (isWindows) {
        spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
        return;
      }
      // SIGINT is what Ctrl-C sends; go handles it by removing its $WORK dir before exiting.
      signalGroup(child.pid, 'SIGINT');
      escalation = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), INTERRUPT_GRACE_MS);
    };
    function onAbort(): void {
      cancelled = true;
      stop();
    }

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout.push(chunk);
      output.push(chunk);
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr.on('data', (chunk: string) => {
      stderr.push(chunk);
      output.push(chunk);
      options.onOutput?.(chunk, 'stderr');
    });
    child.on('error', (error) => {
      // Start-up failures (ENOENT, EACCES) land here; the process never ran, so there is no exit status.
      spawnError = error;
      if (child.pid === undefined) finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));

    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timeout = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
    }
  });
}

/** How long to wait for a killed process group to vanish; SIGKILL is delivered asynchronously. */
const GROUP_EXIT_WAIT_MS = 2000;

async function killGroupAndWait(pid: number): Promise<void> {
  if (!groupExists(pid)) return;
  signalGroup(pid, 'SIGKILL');
  const deadline = performance.now() + GROUP_EXIT_WAIT_MS;
  while (groupExists(pid) && performance.now() < deadline) await new Promise((wake) => setTimeout(wake, 10));
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: either the group is gone, or an abort arrived so early that the child has not called setsid yet.
    try {
      process.kill(pid, signal);
    } catch {
      // Gone as well, which is the point.
    }
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word !== '' && SHELL_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(
  binary: string,
  args: readonly string[],
  envOverrides?: Readonly<Record<string, string | undefined>>,
): string {
  const assignments = Object.entries(envOverrides ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${shellQuote(value)}`);
  return [...assignments, shellQuote(binary), ...args.map(shellQuote)].join(' ');
}
