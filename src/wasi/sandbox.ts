// Maps a guest path, relative to a directory descriptor, onto a host path that cannot leave the
// descriptor's preopen. The walk is done here, component by component, with lstat/readlink, so the
// host kernel is never handed a path whose symlinks it would follow on its own: every symlink is
// expanded by us and checked against the sandbox root before anything is touched.
//
// Nothing is cached between calls: a cached "this is a plain directory" would turn a harmless race
// (a directory swapped for a symlink between two calls) into a lasting escape.
import { lstatSync, readlinkSync, realpathSync, type BigIntStats, type Stats } from 'node:fs';
import { DirectoryDescriptor } from './descriptors';
import { Errno } from './spec/errno';
import { WasiError } from './wasiError';

/**
 * The errno for any attempt to leave the sandbox: an absolute path, `..` above the preopen, or a
 * symlink whose target is absolute or climbs out. The official wasi-testsuite (interesting_paths)
 * and current wasmtime answer PERM for both absolute paths and `..` escapes; older wasmtime and
 * the legacy tests used NOTCAPABLE. One constant, so the choice is made once.
 */
export const SANDBOX_ESCAPE = Errno.PERM;

/**
 * Marks, among the components still to walk, where the descriptor's own directory is reached and
 * the guest's path begins: from there on `..` may not climb above that directory. A guest path
 * cannot hold it (NUL is refused) and neither can a symlink's target.
 */
const DESCRIPTOR_REACHED = '\0';

/** Linux's limit on symlink expansions in one lookup (MAXSYMLINKS). */
const MAX_SYMLINK_EXPANSIONS = 40;

/**
 * Relative costs for choosing how to check the directories of a path. realpath(3) costs about one
 * readlink per component of the whole absolute path, the sandbox root's own ancestors included
 * (which the root's trust makes pointless to check); the walk costs one lstatSync, with its JS
 * and Stats object, per directory below the root. Measured: a realpath component ~0.65 µs, an
 * lstatSync ~1.5 µs (on a VM where a syscall is ~1 µs; JS overhead favours realpath more elsewhere).
 */
const REALPATH_COST_PER_COMPONENT = 3;
const LSTAT_COST = 7;

const NO_THROW = { throwIfNoEntry: false } as const;
const EXACT_NO_THROW = { bigint: true, throwIfNoEntry: false } as const;

export interface ResolvedPath {
  /**
   * The host path. Ends with '/' when the guest path did, so the kernel applies POSIX trailing-slash
   * rules to what it creates or removes (mkdir "a/" works, symlink to "t/" fails with ENOENT).
   */
  readonly hostPath: string;
  /** The last component exactly as the guest wrote it ('.', '..' or a name); '' for an empty walk. */
  readonly lastComponent: string;
  /**
   * lstat (bigint, exact ns) of the final entry when the walk had to look at it (following the final
   * symlink, or a trailing slash); null when it was looked at and does not exist; undefined when
   * it was not looked at.
   */
  readonly stat: BigIntStats | null | undefined;
  /**
   * True when the final component was a symlink followed only because of a trailing slash
   * ("link/" names the target in lookups, as POSIX says). Operations that create or remove the
   * entry itself refuse that, as Linux does (rmdir("link/") is ENOTDIR).
   */
  readonly slashFollowedSymlink: boolean;
}

/** Joins a host directory and one component without doubling the separator of a root "/". */
function joinHost(directory: string, name: string): string {
  return directory.endsWith('/') ? directory + name : directory + '/' + name;
}

/** The descriptor's position below its sandbox root, as plain names (built by us, never by the guest). */
function componentsBelowRoot(dir: DirectoryDescriptor): string[] {
  const root = dir.sandboxRoot;
  if (dir.hostPath === root) return [];
  const relative = dir.hostPath.slice(root.endsWith('/') ? root.length : root.length + 1);
  return relative.split('/').filter((part) => part.length > 0);
}

/** Guest path → the components to walk (reversed, so the next one is popped off the end). */
function pendingComponents(guestPath: string): string[] {
  const parts = guestPath.split('/');
  const pending: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if (part.length > 0 && part !== '.') pending.push(part);
  }
  return pending;
}

function lastLiteralComponent(guestPath: string): string {
  let end = guestPath.length;
  while (end > 0 && guestPath.charCodeAt(end - 1) === 0x2f) end--;
  return guestPath.slice(guestPath.lastIndexOf('/', end - 1) + 1, end);
}

/** How many components the absolute host path `root` has ("/" none, "/tmp/x" two). */
function depthOf(root: string): number {
  // Asked on every path lookup, almost always of the same root: the last answer is kept.
  if (root === lastRoot) return lastRootDepth;
  let depth = 0;
  for (let i = 0; i < root.length; i++) {
    if (root.charCodeAt(i) === 0x2f && i + 1 < root.length && root.charCodeAt(i + 1) !== 0x2f) depth++;
  }
  lastRoot = root;
  lastRootDepth = depth;
  return depth;
}
let lastRoot = '';
let lastRootDepth = 0;

/**
 * Checks a guest path's text: not empty, no NUL (a C host would silently truncate there and reach
 * another file), not absolute (a capability is relative to its directory, always).
 */
export function validateGuestPath(guestPath: string): void {
  if (guestPath.length === 0) throw new WasiError(Errno.NOENT);
  if (guestPath.includes('\0')) throw new WasiError(Errno.INVAL);
  if (guestPath.charCodeAt(0) === 0x2f) throw new WasiError(SANDBOX_ESCAPE);
}

/**
 * Resolves `guestPath` below `dir`. Intermediate symlinks are always followed (inside the sandbox);
 * the final one only with `followFinal`. A directory descriptor is a capability of its own: the
 * guest's path, and the symlinks met along it, may not climb above `dir`, not even for a step
 * (`sub/../../sub/x` through `sub` is refused, as wasmtime and the WASI test suite expect).
 * Throws WasiError: NOENT (empty path, missing intermediate directory), INVAL (NUL),
 * SANDBOX_ESCAPE (absolute path, `..` above `dir`, a symlink leading out), NOTDIR (a file used as
 * a directory, a trailing slash on a non-directory), LOOP.
 */
export function resolveGuestPath(dir: DirectoryDescriptor, guestPath: string, followFinal: boolean): ResolvedPath {
  validateGuestPath(guestPath);
  const trailingSlash = guestPath.charCodeAt(guestPath.length - 1) === 0x2f;
  const root = dir.sandboxRoot;

  // The directories walked so far: prefixes[i] is the host path at depth i (prefixes[0] the root).
  const prefixes: string[] = [root];
  const pending = pendingComponents(guestPath);
  // The descriptor's own components are walked too: if one was swapped for a symlink since the
  // descriptor was opened, it is followed under the same rules instead of trusted.
  const own = dir.hostPath === root ? [] : componentsBelowRoot(dir);
  // A path with nothing to walk cannot climb, so only a real one needs the boundary marked.
  const marked = own.length > 0 && pending.length > 0;
  if (marked) pending.push(DESCRIPTOR_REACHED);
  for (let i = own.length - 1; i >= 0; i--) pending.push(own[i]);
  // Only a symlink with an absolute target needs the preopen's guest name.
  let rootName: string | undefined;
  const preopenName = (): string => (rootName ??= preopenGuestName(dir, own.length));

  // The depth in `prefixes` that `..` may not climb above: the root while the descriptor's own
  // components are walked, the descriptor's directory once the guest's path begins.
  let floor = Math.max(verifyDirectoriesAtOnce(prefixes, pending, marked), 0);

  let expansions = 0;
  let slashFollowedSymlink = false;
  let stat: BigIntStats | null | undefined;
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const isLast = pending.length === 0;
    if (name === DESCRIPTOR_REACHED) {
      floor = prefixes.length - 1;
      continue;
    }
    if (name === '..') {
      if (prefixes.length - 1 <= floor) throw new WasiError(SANDBOX_ESCAPE);
      prefixes.pop();
      continue;
    }
    if (name === '.') continue; // only symlink targets still hold '.' at this point
    const candidate = joinHost(prefixes[prefixes.length - 1], name);

    if (isLast && !followFinal && !trailingSlash) {
      // The operation acts on the entry itself (unlink, rename, lstat...): no need to look at it.
      prefixes.push(candidate);
      stat = undefined;
      break;
    }

    if (isLast) {
      const entry = lstatSync(candidate, EXACT_NO_THROW);
      if (entry === undefined) {
        prefixes.push(candidate);
        stat = null;
        break;
      }
      if (entry.isSymbolicLink()) {
        if (!followFinal) slashFollowedSymlink = true;
        expansions = expandSymlink(candidate, pending, expansions, prefixes, floor, preopenName);
        continue;
      }
      if (trailingSlash && !entry.isDirectory()) throw new WasiError(Errno.NOTDIR);
      prefixes.push(candidate);
      stat = entry;
      break;
    }

    const entry: Stats | undefined = lstatSync(candidate, NO_THROW);
    if (entry === undefined) throw new WasiError(Errno.NOENT);
    if (entry.isSymbolicLink()) {
      expansions = expandSymlink(candidate, pending, expansions, prefixes, floor, preopenName);
      continue;
    }
    if (!entry.isDirectory()) throw new WasiError(Errno.NOTDIR);
    prefixes.push(candidate);
  }

  let hostPath = prefixes[prefixes.length - 1];
  if (trailingSlash && !hostPath.endsWith('/')) hostPath += '/';
  return { hostPath, lastComponent: lastLiteralComponent(guestPath), stat, slashFollowedSymlink };
}

/**
 * The fast path for the common case, directories without symlinks or `..`, taken when the costs
 * above say one realpath beats the lstats: if realpath of the lexical path is that same path, no component was a symlink when it looked, so they are taken as
 * walked (moved from `pending` to `prefixes`). Anything else (a symlink, a missing component,
 * a `..`) leaves everything to the component-by-component walk, which also finds the right errno.
 * realpath's answer is only compared, never used, so it cannot lead anywhere. Returns the depth
 * at which the descriptor's boundary (`marked`) was passed, -1 when it was not.
 */
function verifyDirectoriesAtOnce(prefixes: string[], pending: string[], marked: boolean): number {
  const moved = pending.length - 1; // all but the final component
  const directories = marked ? moved - 1 : moved;
  if (directories < 1) return -1;
  let lexical = prefixes[0];
  if (REALPATH_COST_PER_COMPONENT * (depthOf(lexical) + directories) >= LSTAT_COST * directories) return -1;
  for (let i = pending.length - 1; i >= 1; i--) {
    const name = pending[i];
    if (name === '..') return -1;
    if (name !== DESCRIPTOR_REACHED) lexical = joinHost(lexical, name);
  }
  let real: string;
  try {
    real = realpathSync.native(lexical);
  } catch {
    return -1;
  }
  if (real !== lexical) return -1;
  let boundary = -1;
  let prefix = prefixes[0];
  for (let i = 0; i < moved; i++) {
    const name = pending.pop() as string;
    if (name === DESCRIPTOR_REACHED) {
      boundary = prefixes.length - 1;
      continue;
    }
    prefix = joinHost(prefix, name);
    prefixes.push(prefix);
  }
  return boundary;
}

/**
 * Replaces a symlink by its target's components. A relative target continues from the link's
 * directory. An absolute target is a guest path: under the preopen's own name (everything, for a
 * preopen named "/") it restarts the walk at the sandbox root, as a chroot would, and it is an
 * escape otherwise, or when the walk may not climb to the root (`floor` above it). Either way the
 * walk that follows is held to the same rules.
 */
function expandSymlink(
  linkPath: string, pending: string[], expansions: number, prefixes: string[], floor: number, preopenName: () => string,
): number {
  if (expansions + 1 > MAX_SYMLINK_EXPANSIONS) throw new WasiError(Errno.LOOP);
  let target = readlinkSync(linkPath, 'utf8');
  if (target.length === 0) throw new WasiError(Errno.NOENT);
  if (target.charCodeAt(0) === 0x2f) {
    const below = floor === 0 ? belowPreopenName(target, preopenName()) : undefined;
    if (below === undefined) throw new WasiError(SANDBOX_ESCAPE);
    prefixes.length = 1;
    target = below.length > 0 ? below : '.';
  }
  const parts = target.split('/');
  // A target ending in '/' keeps requiring a directory: represent that by a final '.', which the
  // walk skips only after the previous component was checked to be a directory.
  if (parts.length > 1 && parts[parts.length - 1] === '' && pending.length === 0) pending.push('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if (part.length > 0 && part !== '.') pending.push(part);
  }
  return expansions + 1;
}

/** "/data/x" below the preopen "/data" is "x"; below "/" it is "data/x"; elsewhere undefined. */
function belowPreopenName(absolute: string, rootName: string): string | undefined {
  const name = rootName.replace(/\/+$/, '');
  if (name === '') return absolute.replace(/^\/+/, '');
  if (absolute === name) return '';
  if (absolute.startsWith(name + '/')) return absolute.slice(name.length + 1).replace(/^\/+/, '');
  return undefined;
}

/**
 * The guest name of the preopen a descriptor lies in. Descriptors opened below a preopen are given
 * guest paths made of that name and their components below the root (guestPathFor), so dropping
 * those components gives the name back.
 */
export function preopenGuestName(dir: DirectoryDescriptor, depthBelowRoot: number): string {
  if (dir.preopenName !== undefined) return dir.preopenName;
  let name = dir.guestPath;
  for (let i = 0; i < depthBelowRoot; i++) name = name.slice(0, Math.max(name.lastIndexOf('/'), 0));
  return name === '' && dir.guestPath.startsWith('/') ? '/' : name;
}

/** The guest path of an entry at `hostPath` under `dir`'s sandbox: its preopen's name + the components below the root. */
export function guestPathFor(dir: DirectoryDescriptor, hostPath: string): string {
  const rootName = preopenGuestName(dir, componentsBelowRoot(dir).length);
  const root = dir.sandboxRoot;
  const below = hostPath === root ? '' : hostPath.slice(root.endsWith('/') ? root.length : root.length + 1).replace(/\/+$/, '');
  if (below === '') return rootName;
  return rootName.endsWith('/') ? rootName + below : rootName + '/' + below;
}

/** The host path of a directory descriptor itself, re-checked against its sandbox. */
export function resolveDirectory(dir: DirectoryDescriptor): string {
  return resolveDirectoryWithStat(dir).hostPath;
}

/**
 * resolveDirectory, plus the directory's own lstat when the check ended by taking one (a preopen
 * is not re-checked, and a walk ending in a symlink's ".." takes none), so callers need not stat
 * it again.
 */
export function resolveDirectoryWithStat(dir: DirectoryDescriptor): { hostPath: string; stat: BigIntStats | undefined } {
  if (dir.hostPath === dir.sandboxRoot) return { hostPath: dir.hostPath, stat: undefined };
  const resolved = resolveGuestPath(dir, '.', true);
  return { hostPath: resolved.hostPath, stat: resolved.stat ?? undefined };
}

/**
 * Refuses a symlink whose target leads out of `dir`'s sandbox, before path_symlink creates it at
 * `linkHostPath` (a path the walk produced, so its directory is a real one below the root). The
 * walk never follows such a link, but host-side tools would. Refused: an absolute target (on the
 * host it names the host's own root), a target whose `..` climb above the root counted from the
 * link's directory (the kernel's way, missing components included), and one that climbs out
 * through links already there (`dot/../x` with `dot -> .`). Where the links lead inside, the
 * target stays allowed. A later rename of a directory holding a relative link can still change
 * where it leads: only creation is checked.
 */
export function refuseEscapingSymlink(dir: DirectoryDescriptor, linkHostPath: string, target: string): void {
  if (target.charCodeAt(0) === 0x2f) throw new WasiError(SANDBOX_ESCAPE);
  const root = dir.sandboxRoot;
  const linkDirectory = linkHostPath.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  const below = linkDirectory.length > root.replace(/\/+$/, '').length
    ? linkDirectory.slice(root.endsWith('/') ? root.length : root.length + 1)
    : '';
  let depth = below === '' ? 0 : below.split('/').length;
  for (const part of target.split('/')) {
    if (part === '..') {
      if (depth === 0) throw new WasiError(SANDBOX_ESCAPE);
      depth--;
    } else if (part !== '' && part !== '.') depth++;
  }
  // Through the links already there, from the preopen's root: only an escape matters here; a
  // target that does not resolve (dangling, a loop) cannot be followed anywhere.
  const name = preopenGuestName(dir, componentsBelowRoot(dir).length);
  const fromRoot = new DirectoryDescriptor(root, name, root, 0, 0, name);
  try {
    resolveGuestPath(fromRoot, below === '' ? target : below + '/' + target, true);
  } catch (error) {
    if (error instanceof WasiError && error.errno === SANDBOX_ESCAPE) throw error;
  }
}
