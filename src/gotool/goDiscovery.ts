// Finds the `go` a Go user has configured, in the order vscode-go users expect, and checks it can target wasip1.
import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareGoVersions, formatGoVersion, GoVersion, goAtLeast, MINIMUM_WASIP1_GO, parseGoVersion } from './goVersion';
import { runGo } from './runGo';

/** Where a `go` came from, worded the way the settings and variables are named to the user. */
export type GoSource =
  | 'setting wasip1.goPath'
  | 'go.alternateTools'
  | 'go.goroot'
  | 'GOROOT'
  | 'PATH'
  | 'well-known location';

export interface GoDiscoveryInput {
  /** Our `wasip1.goPath` setting. */
  goPath?: string;
  /** vscode-go's `go.alternateTools.go`: a command name looked up on PATH, or a path. */
  alternateTool?: string;
  /** vscode-go's `go.goroot`. */
  goroot?: string;
  /** The environment `go` will run with (the extension host's, plus `go.toolsEnvVars` if the glue merges them). */
  env: Readonly<Record<string, string | undefined>>;
  /** Defaults to process.platform; settable so Windows candidate lists can be checked anywhere. */
  platform?: NodeJS.Platform;
  /** Where relative setting paths are resolved and `go` runs (its go.mod may switch toolchains). Defaults to process.cwd(). */
  cwd?: string;
  /** Replaces the built-in list of install locations tried last (for embedders with their own conventions, and tests). */
  wellKnownLocations?: readonly string[];
  /** Cap on `go version` / `go env`, which may download a toolchain when GOTOOLCHAIN asks for one. Default 120 s. */
  timeoutMs?: number;
}

export interface GoCandidate {
  path: string;
  source: GoSource;
  /** True for settings the user wrote down: a broken one is reported rather than silently skipped. */
  explicit: boolean;
  /** The command name a go.alternateTools entry asked PATH for, when it was a name rather than a path. */
  commandName?: string;
}

export interface GoProbe extends GoCandidate {
  outcome: 'used' | 'missing' | 'not-executable';
}

export interface GoInstallation {
  /** The `go` binary that was found (not resolved through symlinks, so it matches what the user configured). */
  binary: string;
  source: GoSource;
  /** The effective toolchain: with GOTOOLCHAIN switching this is the downloaded one, not the binary's own. */
  version: GoVersion;
  /** The `go version` line as printed. */
  versionString: string;
  /** `go env -json`: GOROOT, GOVERSION, GOPATH, GOMODCACHE, GOFLAGS, GOTOOLCHAIN, … as the effective toolchain sees them. */
  env: Readonly<Record<string, string>>;
  /** The environment to run this `go` with, so builds see the same toolchain discovery saw. */
  processEnv: Readonly<Record<string, string | undefined>>;
  /** GOTOOLCHAIN (or a go.mod toolchain line) made the binary hand off to a toolchain from the module cache. */
  switchedToolchain: boolean;
  /** Every location considered, in order, up to the one used. */
  tried: readonly GoProbe[];
}

export type GoDiscoveryFailure = 'not-found' | 'not-executable' | 'too-old' | 'unusable';

export class GoDiscoveryError extends Error {
  constructor(
    message: string,
    readonly reason: GoDiscoveryFailure,
    readonly tried: readonly GoProbe[],
  ) {
    super(message);
    this.name = 'GoDiscoveryError';
  }
}

const cache = new Map<string, Promise<GoInstallation>>();

/**
 * Finds `go` in this order: wasip1.goPath, go.alternateTools.go, go.goroot, $GOROOT, PATH, well-known install
 * locations. The first existing one is used even if it turns out too old: silently skipping past the Go the
 * user runs in their terminal would make builds differ from theirs. Settings that point at nothing are errors
 * for the same reason; a stale $GOROOT is skipped (and dropped from the child environment, where it would
 * otherwise break whichever `go` is used next).
 *
 * Results are cached per input; failures are not, so fixing a setting and retrying works.
 */
export function findGo(input: GoDiscoveryInput): Promise<GoInstallation> {
  const key = cacheKey(input);
  let pending = cache.get(key);
  if (!pending) {
    pending = discover(input);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Forget cached discoveries, e.g. after the user changed a setting or installed a Go. */
export function clearGoDiscoveryCache(): void {
  cache.clear();
}

/** The ordered candidate list findGo walks, without touching the disk (except to list ~/sdk). */
export function goCandidates(input: GoDiscoveryInput): GoCandidate[] {
  const platform = input.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'go.exe' : 'go';
  const home = envValue(input.env, platform === 'win32' ? 'USERPROFILE' : 'HOME', platform) ?? os.homedir();
  const cwd = input.cwd ?? process.cwd();
  const settingPath = (value: string): string => p.resolve(cwd, expandHome(value, home, p));
  const candidates: GoCandidate[] = [];

  if (nonEmpty(input.goPath)) {
    candidates.push({ path: settingPath(input.goPath), source: 'setting wasip1.goPath', explicit: true });
  }
  if (nonEmpty(input.alternateTool)) {
    const tool = input.alternateTool.trim();
    if (looksLikePath(tool)) {
      candidates.push({ path: settingPath(tool), source: 'go.alternateTools', explicit: true });
    } else {
      // A bare name (e.g. "go1.22.5" from golang.org/dl) means "this command on PATH", like vscode-go reads it.
      const names = platform === 'win32' && !/\.exe$/i.test(tool) ? [tool + '.exe', tool] : [tool];
      const onPath = pathDirs(input.env, platform).flatMap((dir) => names.map((name) => p.join(dir, name)));
      const found = onPath.find(isFile);
      candidates.push({ path: found ?? tool, source: 'go.alternateTools', explicit: true, commandName: tool });
    }
  }
  if (nonEmpty(input.goroot)) {
    candidates.push({ path: p.join(settingPath(input.goroot), 'bin', exe), source: 'go.goroot', explicit: true });
  }
  const gorootEnv = envValue(input.env, 'GOROOT', platform);
  if (nonEmpty(gorootEnv)) candidates.push({ path: p.join(gorootEnv, 'bin', exe), source: 'GOROOT', explicit: false });
  for (const dir of pathDirs(input.env, platform)) {
    candidates.push({ path: p.join(dir, exe), source: 'PATH', explicit: false });
  }
  const wellKnown = input.wellKnownLocations ?? defaultWellKnownLocations(platform, home, input.env);
  for (const location of wellKnown) candidates.push({ path: location, source: 'well-known location', explicit: false });
  return candidates;
}

/** Where installers and `go install golang.org/dl/goX` put Go, newest ~/sdk toolchain first. */
export function defaultWellKnownLocations(
  platform: NodeJS.Platform,
  home: string,
  env: Readonly<Record<string, string | undefined>> = {},
): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'go.exe' : 'go';
  const sdkToolchains = listSdkToolchains(p.join(home, 'sdk')).map((dir) => p.join(home, 'sdk', dir, 'bin', exe));
  if (platform === 'win32') {
    const programFiles = envValue(env, 'ProgramFiles', platform) ?? 'C:\\Program Files';
    return [
      p.join(programFiles, 'Go', 'bin', exe),
      'C:\\Go\\bin\\go.exe',
      p.join(home, 'go', 'bin', exe),
      ...sdkToolchains,
      p.join(home, 'scoop', 'apps', 'go', 'current', 'bin', exe),
    ];
  }
  const locations = ['/usr/local/go/bin/go', p.join(home, 'go', 'bin', 'go'), ...sdkToolchains, '/usr/lib/go/bin/go'];
  if (platform === 'darwin') locations.push('/opt/homebrew/bin/go', '/usr/local/bin/go');
  else locations.push('/snap/bin/go', '/usr/bin/go');
  return locations;
}

async function discover(input: GoDiscoveryInput): Promise<GoInstallation> {
  const platform = input.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const tried: GoProbe[] = [];
  let processEnv: Record<string, string | undefined> = { ...input.env };

  for (const candidate of goCandidates(input)) {
    const unresolvedName = candidate.commandName !== undefined && candidate.path === candidate.commandName;
    const state = unresolvedName ? 'missing' : probe(candidate.path, platform);
    if (state !== 'ok') {
      tried.push({ ...candidate, outcome: state });
      if (candidate.explicit) {
        const problem = state === 'missing' ? 'does not exist' : 'is not an executable file';
        const message =
          unresolvedName
            ? `go.alternateTools names the command "${candidate.commandName}", which is not on PATH.`
            : `The Go binary ${candidate.path} (from ${candidate.source}) ${problem}.`;
        throw new GoDiscoveryError(
          message,
          state === 'missing' ? 'not-found' : 'not-executable',
          tried,
        );
      }
      if (candidate.source === 'GOROOT') processEnv = withoutKey(processEnv, 'GOROOT', platform);
      continue;
    }
    tried.push({ ...candidate, outcome: 'used' });
    // vscode-go exports go.goroot as GOROOT for the tools it runs; match it so both extensions build alike.
    if (candidate.source === 'go.goroot') {
      processEnv = { ...withoutKey(processEnv, 'GOROOT', platform), GOROOT: p.dirname(p.dirname(candidate.path)) };
    }
    return describe(candidate, processEnv, tried, input);
  }

  const list = tried.map((probeResult) => `  ${probeResult.path} (${probeResult.source})`).join('\n');
  throw new GoDiscoveryError(
    `No Go toolchain found. Set wasip1.goPath or put go on PATH. Looked for:\n${list}`,
    'not-found',
    tried,
  );
}

async function describe(
  candidate: GoCandidate,
  processEnv: Record<string, string | undefined>,
  tried: GoProbe[],
  input: GoDiscoveryInput,
): Promise<GoInstallation> {
  const origin = `${candidate.path} (from ${candidate.source})`;
  const go = { binary: candidate.path, processEnv };
  const runOptions = { cwd: input.cwd, timeoutMs: input.timeoutMs ?? 120_000 };

  const versionRun = await runGo(go, ['version'], runOptions);
  const versionString = versionRun.stdout.trim();
  if (versionRun.spawnError || versionRun.exitCode !== 0) {
    const why = versionRun.spawnError?.message ?? (versionRun.timedOut ? 'timed out' : versionRun.output.trim());
    throw new GoDiscoveryError(`Running "go version" with ${origin} failed: ${why}`, 'unusable', tried);
  }
  const version = parseGoVersion(versionString);
  if (!version) {
    throw new GoDiscoveryError(`${origin} printed no Go version: ${JSON.stringify(versionString)}`, 'unusable', tried);
  }
  if (!goAtLeast(version, MINIMUM_WASIP1_GO.major, MINIMUM_WASIP1_GO.minor)) {
    throw new GoDiscoveryError(
      `Go ${formatGoVersion(version)} found at ${origin} is too old: wasip1 needs Go ` +
        `${MINIMUM_WASIP1_GO.major}.${MINIMUM_WASIP1_GO.minor} or newer`,
      'too-old',
      tried,
    );
  }

  const envRun = await runGo(go, ['env', '-json'], runOptions);
  let env: Record<string, string>;
  try {
    if (envRun.exitCode !== 0) throw new Error(envRun.output.trim());
    env = JSON.parse(envRun.stdout) as Record<string, string>;
  } catch (error) {
    throw new GoDiscoveryError(`Running "go env -json" with ${origin} failed: ${(error as Error).message}`, 'unusable', tried);
  }

  return {
    binary: candidate.path,
    source: candidate.source,
    version,
    versionString,
    env,
    processEnv,
    switchedToolchain: isSwitchedToolchain(candidate.path, env),
    tried,
  };
}

/**
 * A binary that handed off runs from <GOMODCACHE>/golang.org/toolchain@…, so its GOROOT is no longer the
 * directory the binary lives in.
 */
function isSwitchedToolchain(binary: string, env: Record<string, string>): boolean {
  if (!env.GOROOT) return false;
  const real = (file: string): string => {
    try {
      return realpathSync(file);
    } catch {
      return path.resolve(file);
    }
  };
  const ownRoot = path.dirname(path.dirname(real(binary)));
  return real(env.GOROOT) !== ownRoot && /golang\.org[\\/]toolchain@/.test(env.GOROOT);
}

function probe(file: string, platform: NodeJS.Platform): 'ok' | 'missing' | 'not-executable' {
  if (!isFile(file)) return 'missing';
  if (platform === 'win32') return 'ok';
  try {
    accessSync(file, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function listSdkToolchains(sdkDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(sdkDir);
  } catch {
    return [];
  }
  const toolchains = entries
    .map((name) => ({ name, version: /^go\d/.test(name) ? parseGoVersion(name) : undefined }))
    .filter((entry): entry is { name: string; version: GoVersion } => entry.version !== undefined);
  return toolchains.sort((a, b) => compareGoVersions(b.version, a.version)).map((entry) => entry.name);
}

/** Windows environment names are case-insensitive (PATH is usually spelled "Path" there). */
function envValue(env: Readonly<Record<string, string | undefined>>, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

function withoutKey(
  env: Record<string, string | undefined>,
  name: string,
  platform: NodeJS.Platform,
): Record<string, string | undefined> {
  const result = { ...env };
  for (const key of Object.keys(result)) {
    if (key === name || (platform === 'win32' && key.toUpperCase() === name.toUpperCase())) delete result[key];
  }
  return result;
}

function pathDirs(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): string[] {
  const value = envValue(env, 'PATH', platform) ?? '';
  return value.split(platform === 'win32' ? ';' : ':').filter((dir) => dir !== '');
}

function looksLikePath(value: string): boolean {
  return /[\\/]/.test(value) || value.startsWith('~');
}

function expandHome(value: string, home: string, p: path.PlatformPath): string {
  if (value === '~') return home;
  if (value.startsWith('~/') || value.startsWith('~\\')) return p.join(home, value.slice(2));
  return value;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function cacheKey(input: GoDiscoveryInput): string {
  const env = Object.entries(input.env)
    .filter((entry) => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    input.goPath ?? '',
    input.alternateTool ?? '',
    input.goroot ?? '',
    input.platform ?? process.platform,
    input.cwd ?? process.cwd(),
    input.wellKnownLocations ?? null,
    env,
  ]);
}
