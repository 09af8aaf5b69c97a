// Installs the VS Code server that ships in the `code-server` npm package into .vscode-test/, so the
// extension-host tests have a real VS Code on machines that cannot download desktop VS Code.
//   node scripts/vscode-host/setup.mjs          install unless already installed
//   node scripts/vscode-host/setup.mjs --force  reinstall
//   node scripts/vscode-host/setup.mjs --system-packages  only the system packages (npm test, .ci/run)
// It is kept out of our devDependencies on purpose: its postinstall compiles native modules for a
// minute and pulls ~300 MB that only this test layer needs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const codeServerVersion = '4.100.3';
// @vscode/ripgrep is pinned by code-server 4.100.3; its postinstall reads the cache entry named after
// the ripgrep release it would otherwise fetch from GitHub.
const ripgrepPackageVersion = '1.15.11';
const ripgrepCacheFile = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const codeServerDir = path.join(repoRoot, '.vscode-test', `code-server-${codeServerVersion}`);
const markerFile = path.join(codeServerDir, '.installed');
export const chromiumPath = process.env.WASIP1_CHROMIUM ?? '/usr/bin/chromium';

/** Where server-main.js lives once installed: the VS Code server inside code-server. */
export function serverMainPath() {
  return path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
}

export function isInstalled() {
  return existsSync(markerFile) && existsSync(serverMainPath());
}

class SetupError extends Error {}

/** The prefix holding include/node of the running Node (/usr for Debian's nodejs). */
function nodeHeadersDir() {
  return process.env.npm_config_nodedir || path.resolve(path.dirname(process.execPath), '..');
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The Debian packages of the VS Code layer that this machine lacks. */
export function missingSystemPackages() {
  const missing = [];
  // The workbench the tests drive.
  if (!existsSync(chromiumPath)) missing.push('chromium');
  // code-server's search; seeded into @vscode/ripgrep's cache (seedRipgrepCache).
  if (!findOnPath('rg')) missing.push('ripgrep');
  // node-pty and kerberos (code-server dependencies) compile against these headers.
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/krb5.h')) missing.push('libkrb5-dev');
  return missing;
}

/**
 * Installs the missing system packages when it can do so unattended (root, with apt-get), saying so
 * in one line and keeping apt's output unless it fails; otherwise fails with the exact command to
 * run. `npm test` and `.ci/run` both come here.
 */
export function ensureSystemPackages({ log = (line) => console.log(line) } = {}) {
  const missing = missingSystemPackages();
  if (!missing.length) return;
  const asRoot = process.getuid?.() === 0;
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!asRoot || !findOnPath('apt-get')) {
    const why = asRoot ? 'apt-get is not available' : 'not running as root';
    throw new SetupError(`missing system packages: ${missing.join(', ')} (${why}); install them with:\n  ${asRoot ? install : `sudo sh -c '${install}'`}`);
  }
  log(`[setup] apt-get install ${missing.join(' ')} (missing system packages for the VS Code tests)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new SetupError(`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
    }
  }
  const still = missingSystemPackages();
  if (still.length) throw new SetupError(`apt-get installed ${missing.join(' ')}, but ${still.join(', ')} is still missing (looked for ${chromiumPath}, rg on PATH, the Kerberos headers)`);
}

/** Fails early with what to do, instead of a node-gyp or ripgrep error a minute later. */
function checkSystemPackages() {
  ensureSystemPackages();
  if (!existsSync(path.join(nodeHeadersDir(), 'include', 'node', 'node.h'))) {
    throw new SetupError(`missing Node.js headers (${nodeHeadersDir()}/include/node; set npm_config_nodedir to a Node install that has them)`);
  }
  return findOnPath('rg');
}

/**
 * Puts Debian's rg where @vscode/ripgrep's postinstall looks before downloading from GitHub,
 * which is unreachable here and would fail the whole install.
 */
function seedRipgrepCache(rgPath) {
  const cacheDir = path.join(process.env.TMPDIR || os.tmpdir(), `vscode-ripgrep-cache-${ripgrepPackageVersion}`);
  const tarball = path.join(cacheDir, ripgrepCacheFile);
  if (existsSync(tarball) && statSync(tarball).size > 0) return;
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(os.tmpdir(), 'wasip1-rg-'));
  try {
    copyFileSync(rgPath, path.join(staging, 'rg'));
    execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function npmInstall() {
  mkdirSync(codeServerDir, { recursive: true });
  writeFileSync(
    path.join(codeServerDir, 'package.json'),
    JSON.stringify(
      {
        name: 'wasip1-vscode-test-host',
        private: true,
        description: 'Throwaway install of code-server for the extension-host tests.',
        // npm 11 only warns about unapproved install scripts today, but code-server is unusable
        // without its postinstall (it installs and compiles the VS Code server's own modules).
        allowScripts: { [`code-server@${codeServerVersion}`]: true, argon2: true },
      },
      null,
      2,
    ) + '\n',
  );
  const env = {
    ...process.env,
    // Postinstall scripts refuse to run as root without it (CI containers run as root).
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, which must not stop to ask.
    npm_config_yes: 'true',
    // Build native modules against the local headers instead of downloading them.
    npm_config_nodedir: nodeHeadersDir(),
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['install', '--no-save', '--no-package-lock', `code-server@${codeServerVersion}`], {
      cwd: codeServerDir,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new SetupError(`npm install code-server@${codeServerVersion} failed (${signal ?? 'exit ' + code}) in ${codeServerDir}`));
    });
  });
}

/** Installs code-server unless a previous run finished; returns the path of server-main.js. */
export async function ensureCodeServer({ force = false, log = (line) => console.log(line) } = {}) {
  if (!force && isInstalled()) return serverMainPath();
  const rg = checkSystemPackages();
  const started = performance.now();
  log(`[vscode-host] installing code-server@${codeServerVersion} into ${path.relative(repoRoot, codeServerDir)} (about a minute, once)`);
  rmSync(markerFile, { force: true });
  seedRipgrepCache(rg);
  await npmInstall();
  if (!existsSync(serverMainPath())) {
    throw new SetupError(`code-server installed but ${serverMainPath()} is missing`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  writeFileSync(markerFile, JSON.stringify({ version: codeServerVersion, installedAt: new Date().toISOString(), seconds: Number(seconds) }) + '\n');
  log(`[vscode-host] code-server@${codeServerVersion} installed in ${seconds} s`);
  return serverMainPath();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const force = process.argv.includes('--force');
  try {
    if (process.argv.includes('--system-packages')) {
      ensureSystemPackages();
    } else if (!force && isInstalled()) {
      console.log(`[vscode-host] code-server@${codeServerVersion} already installed in ${path.relative(repoRoot, codeServerDir)}`);
    } else {
      await ensureCodeServer({ force });
    }
  } catch (error) {
    console.error(`[vscode-host] setup failed: ${error instanceof SetupError ? error.message : error?.stack ?? error}`);
    process.exit(1);
  }
}
