// The rights sweep: every function of the catalogue that takes a descriptor is called with valid
// arguments on a descriptor that lacks one right, for each of the 30 rights in turn. Where the
// spec says the call needs that right the answer must be NOTCAPABLE; anywhere else the call must
// succeed as it does with every right. Arguments are built from the catalogue's own description
// of each parameter, so a function added there without a case here fails the first test.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DIRECTORY_RIGHTS, FILE_RIGHTS, StreamDescriptor } from '../../../src/wasi/descriptors';
import { SocketDescriptor, type SocketConnection } from '../../../src/wasi/sockets';
import { outPointeeSize, wasiFunctions, type WasiFunctionSpec } from '../../../src/wasi/spec/catalogue';
import { ALL_RIGHTS, EventType, FdFlags, FstFlags, LookupFlags, OFlags, Rights, SdFlags, Whence, formatFlags } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { BufferInput, BufferOutput } from '../../../src/wasi/streams';
import { PREOPEN_FD, SandboxTree, type Guest } from './guestHarness';

/** The kinds of descriptor a guest can hold. */
type Kind = 'file' | 'directory' | 'preopen' | 'stream' | 'socket' | 'listener';

interface SweepCase {
  readonly fn: string;
  /** What tells this case from another of the same function. */
  readonly label?: string;
  /** The kind of descriptor each fd parameter gets; a list sweeps each kind in turn. */
  readonly kinds: Readonly<Record<string, Kind | readonly Kind[]>>;
  /** Per fd parameter: each entry is a set of rights of which at least one must be held. */
  readonly needs: Readonly<Record<string, readonly number[]>>;
  /** Values for parameters by name: strings for paths, numbers and bigints for the rest. */
  readonly values?: Readonly<Record<string, string | number | bigint>>;
  /** The answer when every right it needs is held, if not success. */
  readonly otherwise?: number;
}

const READ_OR_ACCEPT = Rights.FD_READ | Rights.SOCK_ACCEPT;

const cases: readonly SweepCase[] = [
  { fn: 'fd_advise', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_ADVISE] } },
  { fn: 'fd_allocate', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_ALLOCATE] }, values: { len: 16n } },
  { fn: 'fd_close', kinds: { fd: ['file', 'directory', 'stream'] }, needs: { fd: [] } },
  { fn: 'fd_datasync', kinds: { fd: ['file', 'directory'] }, needs: { fd: [Rights.FD_DATASYNC] } },
  { fn: 'fd_fdstat_get', kinds: { fd: ['file', 'directory', 'stream', 'socket'] }, needs: { fd: [] } },
  { fn: 'fd_fdstat_set_flags', kinds: { fd: ['file', 'directory', 'stream', 'socket', 'listener'] }, needs: { fd: [Rights.FD_FDSTAT_SET_FLAGS] } },
  { fn: 'fd_fdstat_set_rights', kinds: { fd: ['file', 'directory'] }, needs: { fd: [] } },
  { fn: 'fd_filestat_get', kinds: { fd: ['file', 'directory', 'stream', 'socket', 'listener'] }, needs: { fd: [Rights.FD_FILESTAT_GET] } },
  { fn: 'fd_filestat_set_size', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_FILESTAT_SET_SIZE] } },
  {
    fn: 'fd_filestat_set_times', kinds: { fd: ['file', 'directory'] }, needs: { fd: [Rights.FD_FILESTAT_SET_TIMES] },
    values: { fst_flags: FstFlags.ATIM_NOW | FstFlags.MTIM_NOW },
  },
  { fn: 'fd_pread', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_READ, Rights.FD_SEEK] } },
  { fn: 'fd_prestat_get', kinds: { fd: 'preopen' }, needs: { fd: [] } },
  { fn: 'fd_prestat_dir_name', kinds: { fd: 'preopen' }, needs: { fd: [] } },
  { fn: 'fd_pwrite', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_WRITE, Rights.FD_SEEK] } },
  { fn: 'fd_read', kinds: { fd: ['file', 'stream', 'socket'] }, needs: { fd: [Rights.FD_READ] } },
  { fn: 'fd_readdir', kinds: { fd: ['directory', 'preopen'] }, needs: { fd: [Rights.FD_READDIR] } },
  { fn: 'fd_renumber', kinds: { fd: 'file', to: 'file' }, needs: { fd: [], to: [] } },
  { fn: 'fd_seek', label: 'moving', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_SEEK] }, values: { whence: Whence.SET } },
  // Reading the offset back is telling, which FD_SEEK implies.
  {
    fn: 'fd_seek', label: 'telling', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_TELL | Rights.FD_SEEK] },
    values: { whence: Whence.CUR },
  },
  { fn: 'fd_sync', kinds: { fd: ['file', 'directory'] }, needs: { fd: [Rights.FD_SYNC] } },
  { fn: 'fd_tell', kinds: { fd: 'file' }, needs: { fd: [Rights.FD_TELL | Rights.FD_SEEK] } },
  { fn: 'fd_write', kinds: { fd: ['file', 'stream', 'socket'] }, needs: { fd: [Rights.FD_WRITE] } },
  { fn: 'path_create_directory', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_CREATE_DIRECTORY] }, values: { path: 'made' } },
  { fn: 'path_filestat_get', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_FILESTAT_GET] }, values: { path: 'f' } },
  {
    fn: 'path_filestat_set_times', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_FILESTAT_SET_TIMES] },
    values: { path: 'f', flags: LookupFlags.SYMLINK_FOLLOW, fst_flags: FstFlags.ATIM_NOW | FstFlags.MTIM_NOW },
  },
  {
    fn: 'path_link', kinds: { old_fd: 'directory', new_fd: 'directory' },
    needs: { old_fd: [Rights.PATH_LINK_SOURCE], new_fd: [Rights.PATH_LINK_TARGET] }, values: { old_path: 'f', new_path: 'hard' },
  },
  {
    fn: 'path_open', label: 'reading', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_OPEN] },
    values: { path: 'f', fs_rights_base: BigInt(Rights.FD_READ) },
  },
  {
    fn: 'path_open', label: 'creating', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_OPEN, Rights.PATH_CREATE_FILE] },
    values: { path: 'new', oflags: OFlags.CREAT, fs_rights_base: BigInt(Rights.FD_WRITE) },
  },
  {
    fn: 'path_open', label: 'truncating', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_OPEN, Rights.PATH_FILESTAT_SET_SIZE] },
    values: { path: 'f', oflags: OFlags.TRUNC, fs_rights_base: BigInt(Rights.FD_READ | Rights.FD_WRITE) },
  },
  {
    fn: 'path_open', label: 'with SYNC', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_OPEN, Rights.FD_SYNC] },
    values: { path: 'f', fdflags: FdFlags.SYNC, fs_rights_base: BigInt(Rights.FD_WRITE) },
  },
  {
    fn: 'path_open', label: 'with DSYNC', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_OPEN, Rights.FD_DATASYNC | Rights.FD_SYNC] },
    values: { path: 'f', fdflags: FdFlags.DSYNC, fs_rights_base: BigInt(Rights.FD_WRITE) },
  },
  { fn: 'path_readlink', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_READLINK] }, values: { path: 'link' } },
  { fn: 'path_remove_directory', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_REMOVE_DIRECTORY] }, values: { path: 'empty' } },
  {
    fn: 'path_rename', kinds: { fd: 'directory', new_fd: 'directory' },
    needs: { fd: [Rights.PATH_RENAME_SOURCE], new_fd: [Rights.PATH_RENAME_TARGET] }, values: { old_path: 'f', new_path: 'renamed' },
  },
  { fn: 'path_symlink', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_SYMLINK] }, values: { old_path: 'f', new_path: 'sym' } },
  { fn: 'path_unlink_file', kinds: { fd: 'directory' }, needs: { fd: [Rights.PATH_UNLINK_FILE] }, values: { path: 'f' } },
  { fn: 'sock_accept', kinds: { fd: 'listener' }, needs: { fd: [Rights.SOCK_ACCEPT] } },
  { fn: 'sock_recv', kinds: { fd: 'socket' }, needs: { fd: [Rights.FD_READ] } },
  { fn: 'sock_send', kinds: { fd: 'socket' }, needs: { fd: [Rights.FD_WRITE] } },
  { fn: 'sock_shutdown', kinds: { fd: 'socket' }, needs: { fd: [Rights.SOCK_SHUTDOWN] }, values: { how: SdFlags.RD | SdFlags.WR } },
  // A listener is not connected, but the right is checked first all the same.
  {
    fn: 'sock_shutdown', label: 'a listener', kinds: { fd: 'listener' }, needs: { fd: [Rights.SOCK_SHUTDOWN] },
    values: { how: SdFlags.RD }, otherwise: Errno.NOTCONN,
  },
];

/** poll_oneoff names its descriptors inside subscriptions, not as parameters: swept on its own. */
const pollCases: readonly { type: number; kinds: readonly Kind[]; needs: readonly number[] }[] = [
  { type: EventType.FD_READ, kinds: ['file', 'stream', 'socket', 'listener'], needs: [Rights.POLL_FD_READWRITE, READ_OR_ACCEPT] },
  { type: EventType.FD_WRITE, kinds: ['file', 'stream', 'socket'], needs: [Rights.POLL_FD_READWRITE, Rights.FD_WRITE] },
];

const ALL_RIGHT_BITS = Object.values(Rights);

function connection(): SocketConnection {
  return { name: 'peer', input: new BufferInput(Buffer.from('from the peer')), output: new BufferOutput() };
}

/** The sandbox's "d" directory, refilled before every call so each one finds what it acts on. */
function refill(root: string): void {
  const d = path.join(root, 'd');
  rmSync(d, { recursive: true, force: true });
  mkdirSync(path.join(d, 'empty'), { recursive: true });
  writeFileSync(path.join(d, 'f'), 'some content');
  writeFileSync(path.join(d, 'g'), 'other content');
  symlinkSync('f', path.join(d, 'link'));
}

/** Opens a descriptor of `kind` holding every right it can hold; returns its fd. */
function openKind(guest: Guest, kind: Kind): number {
  const all = ALL_RIGHTS;
  switch (kind) {
    case 'preopen':
      return PREOPEN_FD;
    case 'directory': {
      // Everything but FD_WRITE, which makes opening a directory EISDIR (Go's retry depends on it).
      const opened = guest.open(PREOPEN_FD, 'd', { oflags: OFlags.DIRECTORY, base: all & ~Rights.FD_WRITE, inheriting: all });
      assert.equal(opened.errno, Errno.SUCCESS);
      return opened.fd;
    }
    case 'file': {
      const opened = guest.open(PREOPEN_FD, 'd/g', { base: all, inheriting: all });
      assert.equal(opened.errno, Errno.SUCCESS);
      return opened.fd;
    }
    case 'stream':
      return guest.host.fds.add(new StreamDescriptor('pipe', new BufferInput(Buffer.from('piped')), new BufferOutput()));
    case 'socket':
      return guest.host.fds.add(SocketDescriptor.connected(connection()));
    case 'listener':
      return guest.host.fds.add(SocketDescriptor.listening('listener', { accept: connection, pending: () => true }));
  }
}

/** fd_fdstat_set_rights down to everything but `removed` (which may not be held at all). */
function removeRight(guest: Guest, fd: number, removed: number): void {
  const { base, inheriting } = guest.fdstat(fd);
  assert.equal(guest.call('fd_fdstat_set_rights', fd, base & ~BigInt(removed), inheriting), Errno.SUCCESS);
}

/** Arguments for `spec`, each built from what the catalogue says the parameter is. */
function argumentsFor(guest: Guest, spec: WasiFunctionSpec, fds: Record<string, number>, values: SweepCase['values'] = {}): (number | bigint)[] {
  const strings = new Map<string, [number, number]>();
  const stringOf = (name: string): [number, number] => {
    let placed = strings.get(name);
    if (!placed) {
      const text = values[name];
      assert.equal(typeof text, 'string', `${spec.name}: a path for ${name}`);
      placed = guest.put(text as string);
      strings.set(name, placed);
    }
    return placed;
  };
  return spec.params.map((param) => {
    const given = values[param.name];
    const decode = param.decode;
    switch (decode.kind) {
      case 'fd': return fds[param.name];
      case 'stringPtr': return stringOf(param.name)[0];
      case 'stringLen': return stringOf(decode.forParam)[1];
      case 'iovecs': case 'ciovecs': {
        const buffer = guest.alloc(16);
        const iov = guest.alloc(8);
        guest.view.setUint32(iov, buffer, true);
        guest.view.setUint32(iov + 4, 16, true);
        return iov;
      }
      case 'listLen': return 1;
      case 'bufferPtr': return guest.alloc(256);
      case 'bufferLen': return 256;
      case 'out': return guest.alloc(outPointeeSize[decode.pointee]);
      default:
        if (given !== undefined) return param.wasm === 'i64' ? BigInt(given) : Number(given);
        return param.wasm === 'i64' ? 0n : 0;
    }
  });
}

/** True when holding `held` leaves some entry of `needs` with none of its rights. */
function lacks(held: number, needs: readonly number[]): boolean {
  return needs.some((alternatives) => (held & alternatives) === 0);
}

function kindsOf(value: Kind | readonly Kind[]): readonly Kind[] {
  return typeof value === 'string' ? [value] : value;
}

describe('the rights sweep over the catalogue', () => {
  let tree: SandboxTree;
  before(() => {
    tree = new SandboxTree();
  });
  after(() => tree.dispose());

  test('every function of the catalogue that takes a descriptor has a case', () => {
    const swept = new Set(cases.map((c) => c.fn));
    const withFd = wasiFunctions.filter((f) => f.params.some((p) => p.decode.kind === 'fd')).map((f) => f.name);
    assert.ok(withFd.length >= 35, 'the catalogue lists the fd functions');
    assert.deepEqual(withFd.filter((name) => !swept.has(name)), []);
    for (const c of cases) {
      const fdParams = wasiFunctions.find((f) => f.name === c.fn)?.params.filter((p) => p.decode.kind === 'fd').map((p) => p.name);
      assert.deepEqual(Object.keys(c.kinds).sort(), fdParams?.sort(), `${c.fn}: a kind for each fd parameter`);
    }
  });

  for (const c of cases) {
    const spec = wasiFunctions.find((f) => f.name === c.fn) as WasiFunctionSpec;
    for (const swept of Object.keys(c.kinds)) {
      for (const kind of kindsOf(c.kinds[swept])) {
        test(`${c.fn}${c.label ? ` (${c.label})` : ''}: ${swept} a ${kind}, each right removed in turn`, () => {
          const checked: string[] = [];
          for (const removed of [0, ...ALL_RIGHT_BITS]) {
            refill(tree.root);
            const guest = tree.guest();
            try {
              const fds: Record<string, number> = {};
              for (const name of Object.keys(c.kinds)) fds[name] = openKind(guest, name === swept ? kind : kindsOf(c.kinds[name])[0]);
              removeRight(guest, fds[swept], removed);
              const held = Number(guest.fdstat(fds[swept]).base);
              const expected = lacks(held, c.needs[swept]) ? Errno.NOTCAPABLE : c.otherwise ?? Errno.SUCCESS;
              const errno = guest.call(c.fn, ...argumentsFor(guest, spec, fds, c.values));
              const without = removed === 0 ? 'every right' : `without ${formatFlags(Rights, removed)}`;
              assert.equal(errno, expected, `${c.fn} on a ${kind} with ${without}: errno ${errno}`);
              if (expected === Errno.NOTCAPABLE) checked.push(formatFlags(Rights, removed));
            } finally {
              guest.host.dispose();
            }
          }
          // Each right the case needs was seen refused (unless an alternative right still allowed it).
          const mustRefuse = c.needs[swept].filter((alternatives) => (alternatives & (alternatives - 1)) === 0);
          for (const right of mustRefuse) {
            if (kindHolds(kind, right)) assert.ok(checked.includes(formatFlags(Rights, right)), `${formatFlags(Rights, right)} is enforced`);
          }
        });
      }
    }
  }

  for (const c of pollCases) {
    for (const kind of c.kinds) {
      test(`poll_oneoff: a ${c.type === EventType.FD_READ ? 'read' : 'write'} subscription on a ${kind}, each right removed in turn`, () => {
        for (const removed of [0, ...ALL_RIGHT_BITS]) {
          refill(tree.root);
          const guest = tree.guest();
          try {
            const fd = openKind(guest, kind);
            removeRight(guest, fd, removed);
            const held = Number(guest.fdstat(fd).base);
            const subscription = guest.alloc(48);
            guest.bytes.fill(0, subscription, subscription + 48);
            guest.view.setUint32(subscription, 0x5eed, true);
            guest.bytes[subscription + 8] = c.type;
            guest.view.setUint32(subscription + 16, fd, true);
            const event = guest.alloc(32);
            const count = guest.alloc(4);
            assert.equal(guest.call('poll_oneoff', subscription, event, 1, count), Errno.SUCCESS);
            assert.equal(guest.u32(count), 1);
            assert.equal(guest.u32(event), 0x5eed);
            const expected = lacks(held, c.needs) ? Errno.NOTCAPABLE : Errno.SUCCESS;
            assert.equal(guest.view.getUint16(event + 8, true), expected, `${kind} without ${formatFlags(Rights, removed)}`);
          } finally {
            guest.host.dispose();
          }
        }
      });
    }
  }

  test('every right fd_fdstat_get reports for a kind is one some call of the sweep checks', () => {
    // A preopen holds what an opened directory holds, whose rights are swept on directories.
    assert.equal(kindRights('preopen'), DIRECTORY_RIGHTS);
    for (const kind of ['file', 'directory', 'stream', 'socket', 'listener'] as const) {
      let checked = 0;
      for (const c of cases) {
        for (const [param, kinds] of Object.entries(c.kinds)) {
          if (kindsOf(kinds).includes(kind)) for (const rights of c.needs[param]) checked |= rights;
        }
      }
      for (const p of pollCases) if (p.kinds.includes(kind)) for (const rights of p.needs) checked |= rights;
      assert.equal(formatFlags(Rights, kindRights(kind) & ~checked), '0', `${kind} reports rights no call checks`);
    }
  });
});

/** The rights each kind starts with, as fd_fdstat_get reports them. */
function kindRights(kind: Kind): number {
  const tree = new SandboxTree();
  mkdirSync(path.join(tree.root, 'd'));
  writeFileSync(path.join(tree.root, 'd/g'), '');
  const guest = tree.guest();
  try {
    return Number(guest.fdstat(openKind(guest, kind)).base);
  } finally {
    guest.host.dispose();
    tree.dispose();
  }
}

function kindHolds(kind: Kind, right: number): boolean {
  if (kind === 'file') return (FILE_RIGHTS & right) !== 0;
  if (kind === 'directory' || kind === 'preopen') return (DIRECTORY_RIGHTS & right) !== 0;
  return (kindRights(kind) & right) !== 0;
}
