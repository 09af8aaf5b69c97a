// The one list of the 46 `wasi_snapshot_preview1` functions. The host dispatches from it, the debugger and
// tracer decode arguments with it, hovers/tree/diagnostics describe imports with it. Everything here is data
// plus pure derivations, so nothing can drift between those consumers.
//
// Parameters are listed at the WASM level (after witx lowering), because that is what a module imports and
// what a trace sees: a witx `string` or list is a pointer and a length, and each witx result other than the
// errno becomes an extra out-pointer parameter after the inputs.

import type { Errno } from './errno';

export const WASI_MODULE = 'wasi_snapshot_preview1';

export type WasmValType = 'i32' | 'i64' | 'f32' | 'f64';

export type WasiEnumName = 'whence' | 'clockid' | 'advice';

/** `siflags` has no bits defined yet; the spec still gives it its own type, so traces name it. */
export type WasiFlagsName = 'fdflags' | 'rights' | 'oflags' | 'lookupflags' | 'fstflags' | 'riflags' | 'siflags' | 'sdflags';

/** What an out-pointer points at once the call succeeded. See `outPointeeSize`. */
export type OutPointee = 'size' | 'fd' | 'filesize' | 'timestamp' | 'fdstat' | 'filestat' | 'prestat' | 'roflags';

/** How to show the bytes of a caller buffer the host filled: raw, UTF-8 text, or a run of dirent records. */
export type BufferContent = 'bytes' | 'text' | 'dirents';

export type WasiFamily = 'args' | 'environ' | 'clock' | 'fd' | 'path' | 'poll' | 'proc' | 'random' | 'sched' | 'sock';

/**
 * How a debugger or tracer decodes one wasm-level argument. Pointer kinds name their partner length
 * parameter, and each length kind names the pointer it measures, so a decoder can pair them either way.
 */
export type ParamKind =
  | { readonly kind: 'fd' }
  | { readonly kind: 'filesize' }
  | { readonly kind: 'filedelta' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'dircookie' }
  | { readonly kind: 'exitcode' }
  | { readonly kind: 'signal' }
  | { readonly kind: 'enum'; readonly enum: WasiEnumName }
  | { readonly kind: 'flags'; readonly flags: WasiFlagsName }
  /** Path bytes (UTF-8, not NUL-terminated) the guest passes in. */
  | { readonly kind: 'stringPtr'; readonly lengthParam: string }
  | { readonly kind: 'stringLen'; readonly forParam: string }
  /** Array of iovec the host writes into (reads). */
  | { readonly kind: 'iovecs'; readonly lengthParam: string }
  /** Array of ciovec the host reads from (writes). */
  | { readonly kind: 'ciovecs'; readonly lengthParam: string }
  | { readonly kind: 'listLen'; readonly forParam: string }
  /** A guest buffer the host fills; `usedParam` is the out-pointer that receives how many bytes were filled. */
  | { readonly kind: 'bufferPtr'; readonly lengthParam: string; readonly usedParam?: string; readonly content: BufferContent }
  | { readonly kind: 'bufferLen'; readonly forParam: string }
  | { readonly kind: 'subscriptions'; readonly countParam: string }
  /** Room for `countParam` events; `usedParam` receives how many were stored. */
  | { readonly kind: 'eventsOut'; readonly countParam: string; readonly usedParam: string }
  | { readonly kind: 'count'; readonly forParams: readonly string[] }
  /**
   * args_get/environ_get: an array of pointers and the byte area they point into. Their lengths are not
   * arguments: they come from the matching *_sizes_get call.
   */
  | { readonly kind: 'tablePointers'; readonly table: 'args' | 'environ' }
  | { readonly kind: 'tableBytes'; readonly table: 'args' | 'environ' }
  | { readonly kind: 'out'; readonly pointee: OutPointee };

export type ParamKindName = ParamKind['kind'];

export interface WasiParamSpec {
  /** snake_case, following the witx names; lowered lengths are `<pointer>_len`. */
  readonly name: string;
  readonly wasm: WasmValType;
  readonly decode: ParamKind;
  readonly doc: string;
}

export type ErrnoName = keyof typeof Errno;

export interface WasiFunctionSpec {
  readonly name: string;
  readonly family: WasiFamily;
  readonly params: readonly WasiParamSpec[];
  /** `none` only for proc_exit, which never returns to the caller. */
  readonly result: 'errno' | 'none';
  readonly doc: string;
  /** The nearest POSIX call, when the spec names one. */
  readonly posix?: string;
  /** Error numbers the spec singles out for this function. */
  readonly errnos?: readonly ErrnoName[];
  /**
   * Which part of Go's wasip1 port imports it (checked against Go 1.26 sources): `runtime` ones are in every
   * Go program, `syscall` ones only when the program touches files, sockets or clocks via os/syscall.
   */
  readonly goUses: 'runtime' | 'syscall' | false;
}

// ---- parameter builders: each witx parameter kind lowers the same way everywhere ----

function param(name: string, wasm: WasmValType, decode: ParamKind, doc: string): WasiParamSpec {
  return { name, wasm, decode, doc };
}
const fd = (doc: string, name = 'fd') => param(name, 'i32', { kind: 'fd' }, doc);
const filesize = (name: string, doc: string) => param(name, 'i64', { kind: 'filesize' }, doc);
const timestamp = (name: string, doc: string) => param(name, 'i64', { kind: 'timestamp' }, doc);
const flags = (name: string, set: WasiFlagsName, doc: string) =>
  // rights is the only 64-bit flag set; the others lower to i32.
  param(name, set === 'rights' ? 'i64' : 'i32', { kind: 'flags', flags: set }, doc);
const enumParam = (name: string, e: WasiEnumName, doc: string) => param(name, 'i32', { kind: 'enum', enum: e }, doc);
const out = (name: string, pointee: OutPointee, doc: string) => param(name, 'i32', { kind: 'out', pointee }, doc);

function str(name: string, doc: string): WasiParamSpec[] {
  const len = `${name}_len`;
  return [
    param(name, 'i32', { kind: 'stringPtr', lengthParam: len }, doc),
    param(len, 'i32', { kind: 'stringLen', forParam: name }, `Byte length of \`${name}\`.`),
  ];
}

function iovs(name: string, direction: 'iovecs' | 'ciovecs', doc: string): WasiParamSpec[] {
  const len = `${name}_len`;
  return [
    param(name, 'i32', { kind: direction, lengthParam: len }, doc),
    param(len, 'i32', { kind: 'listLen', forParam: name }, `Number of entries in \`${name}\`.`),
  ];
}

function buffer(name: string, content: BufferContent, doc: string, usedParam?: string): WasiParamSpec[] {
  const len = `${name}_len`;
  const decode: ParamKind = usedParam
    ? { kind: 'bufferPtr', lengthParam: len, usedParam, content }
    : { kind: 'bufferPtr', lengthParam: len, content };
  return [
    param(name, 'i32', decode, doc),
    param(len, 'i32', { kind: 'bufferLen', forParam: name }, `Capacity of \`${name}\` in bytes.`),
  ];
}

function table(prefix: 'argv' | 'environ', which: 'args' | 'environ'): WasiParamSpec[] {
  const what = which === 'args' ? 'argument' : 'NAME=value environment entry';
  return [
    param(prefix, 'i32', { kind: 'tablePointers', table: which }, `Array the host fills with one pointer per ${what}.`),
    param(`${prefix}_buf`, 'i32', { kind: 'tableBytes', table: which }, `Byte area the host fills with the NUL-terminated ${what} strings.`),
  ];
}

// ---- the catalogue, in the order of wasi_snapshot_preview1.witx ----

export const wasiFunctions: readonly WasiFunctionSpec[] = [
  {
    name: 'args_get', family: 'args', result: 'errno', goUses: 'runtime',
    doc: 'Copies the command-line arguments (program name first) into guest memory. Size the buffers with args_sizes_get first.',
    params: table('argv', 'args'),
  },
  {
    name: 'args_sizes_get', family: 'args', result: 'errno', goUses: 'runtime',
    doc: 'Reports how many arguments there are and how many bytes their NUL-terminated strings take together.',
    params: [
      out('argc', 'size', 'Receives the number of arguments.'),
      out('argv_buf_size', 'size', 'Receives the total byte size of all argument strings, terminators included.'),
    ],
  },
  {
    name: 'environ_get', family: 'environ', result: 'errno', goUses: 'runtime',
    doc: 'Copies the environment, as NUL-terminated NAME=value strings, into guest memory. Size the buffers with environ_sizes_get first.',
    params: table('environ', 'environ'),
  },
  {
    name: 'environ_sizes_get', family: 'environ', result: 'errno', goUses: 'runtime',
    doc: 'Reports how many environment entries there are and how many bytes their strings take together.',
    params: [
      out('environ_count', 'size', 'Receives the number of environment entries.'),
      out('environ_buf_size', 'size', 'Receives the total byte size of all entries, terminators included.'),
    ],
  },
  {
    name: 'clock_res_get', family: 'clock', result: 'errno', goUses: false, posix: 'clock_getres', errnos: ['INVAL'],
    doc: 'Gives the resolution of a clock in nanoseconds. Supported clocks must report a non-zero value; unsupported ones fail.',
    params: [
      enumParam('id', 'clockid', 'The clock to ask about.'),
      out('resolution', 'timestamp', 'Receives the resolution in nanoseconds.'),
    ],
  },
  {
    name: 'clock_time_get', family: 'clock', result: 'errno', goUses: 'runtime', posix: 'clock_gettime',
    doc: 'Reads the current value of a clock in nanoseconds (realtime counts from the Unix epoch).',
    params: [
      enumParam('id', 'clockid', 'The clock to read.'),
      timestamp('precision', 'Largest acceptable error of the reading, in nanoseconds.'),
      out('time', 'timestamp', 'Receives the clock value in nanoseconds.'),
    ],
  },
  {
    name: 'fd_advise', family: 'fd', result: 'errno', goUses: false, posix: 'posix_fadvise',
    doc: 'Tells the host how a region of a file is going to be accessed, so it can plan caching. Purely a hint.',
    params: [
      fd('The open file.'),
      filesize('offset', 'Start of the region the hint covers.'),
      filesize('len', 'Length of the region the hint covers.'),
      enumParam('advice', 'advice', 'The expected access pattern.'),
    ],
  },
  {
    name: 'fd_allocate', family: 'fd', result: 'errno', goUses: false, posix: 'posix_fallocate',
    doc: 'Makes sure storage is reserved for a byte range of a file, growing the file if the range ends past it.',
    params: [
      fd('The open file.'),
      filesize('offset', 'Start of the range to reserve.'),
      filesize('len', 'Length of the range to reserve.'),
    ],
  },
  {
    name: 'fd_close', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'close',
    doc: 'Closes a file descriptor; the number may be handed out again afterwards.',
    params: [fd('The descriptor to close.')],
  },
  {
    name: 'fd_datasync', family: 'fd', result: 'errno', goUses: false, posix: 'fdatasync',
    doc: 'Flushes the data of a file to storage (metadata only as far as needed to read the data back).',
    params: [fd('The open file.')],
  },
  {
    name: 'fd_fdstat_get', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'fcntl(F_GETFL)',
    doc: 'Describes a descriptor: its file type, its fdflags and the rights it carries and can pass on.',
    params: [fd('The descriptor to describe.'), out('stat', 'fdstat', 'Receives a 24-byte fdstat record.')],
  },
  {
    name: 'fd_fdstat_set_flags', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'fcntl(F_SETFL)',
    doc: 'Replaces the fdflags (append, nonblock, sync modes) of a descriptor.',
    params: [fd('The descriptor to change.'), flags('flags', 'fdflags', 'The complete new flag set.')],
  },
  {
    name: 'fd_fdstat_set_rights', family: 'fd', result: 'errno', goUses: 'syscall', errnos: ['NOTCAPABLE'],
    doc: 'Narrows the rights of a descriptor. Rights can only be dropped: asking for one it lacks is refused.',
    params: [
      fd('The descriptor to restrict.'),
      flags('fs_rights_base', 'rights', 'Rights for operations on this descriptor itself.'),
      flags('fs_rights_inheriting', 'rights', 'Rights that descriptors opened through this one may get.'),
    ],
  },
  {
    name: 'fd_filestat_get', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'fstat',
    doc: 'Returns the attributes (device, inode, type, links, size, times) of an open file.',
    params: [fd('The open file.'), out('filestat', 'filestat', 'Receives a 64-byte filestat record.')],
  },
  {
    name: 'fd_filestat_set_size', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'ftruncate',
    doc: 'Truncates or extends an open file to an exact size; new bytes read as zero.',
    params: [fd('The open file.'), filesize('size', 'The size the file should have.')],
  },
  {
    name: 'fd_filestat_set_times', family: 'fd', result: 'errno', goUses: false, posix: 'futimens',
    doc: 'Sets the access and/or modification time of an open file or directory, to given values or to now.',
    params: [
      fd('The open file or directory.'),
      timestamp('atim', 'New access time, used when fst_flags has ATIM.'),
      timestamp('mtim', 'New modification time, used when fst_flags has MTIM.'),
      flags('fst_flags', 'fstflags', 'Which times to change, and whether to use the given value or the current time.'),
    ],
  },
  {
    name: 'fd_pread', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'preadv',
    doc: 'Reads into a list of buffers from a given file offset, leaving the descriptor offset alone.',
    params: [
      fd('The open file.'),
      ...iovs('iovs', 'iovecs', 'Buffers to fill, in order.'),
      filesize('offset', 'File position to read from.'),
      out('nread', 'size', 'Receives the number of bytes read; 0 means end of file.'),
    ],
  },
  {
    name: 'fd_prestat_get', family: 'fd', result: 'errno', goUses: 'syscall', errnos: ['BADF'],
    doc: 'Describes a preopened directory. Programs probe fd 3, 4, ... until this fails with BADF to find all preopens.',
    params: [fd('The descriptor to probe.'), out('prestat', 'prestat', 'Receives an 8-byte prestat record (tag, name length).')],
  },
  {
    name: 'fd_prestat_dir_name', family: 'fd', result: 'errno', goUses: 'syscall',
    doc: 'Copies the guest-visible path of a preopened directory into a buffer sized by fd_prestat_get.',
    params: [fd('The preopened descriptor.'), ...buffer('path', 'text', 'Buffer that receives the path (no terminating NUL).')],
  },
  {
    name: 'fd_pwrite', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'pwritev',
    doc: 'Writes a list of buffers at a given file offset, leaving the descriptor offset alone.',
    params: [
      fd('The open file.'),
      ...iovs('iovs', 'ciovecs', 'Buffers to write, in order.'),
      filesize('offset', 'File position to write at.'),
      out('nwritten', 'size', 'Receives the number of bytes written.'),
    ],
  },
  {
    name: 'fd_read', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'readv',
    doc: 'Reads into a list of buffers at the current offset and advances it.',
    params: [
      fd('The descriptor to read from.'),
      ...iovs('iovs', 'iovecs', 'Buffers to fill, in order.'),
      out('nread', 'size', 'Receives the number of bytes read; 0 means end of file.'),
    ],
  },
  {
    name: 'fd_readdir', family: 'fd', result: 'errno', goUses: 'syscall',
    doc: 'Fills a buffer with directory entries (a dirent header, then the name) starting at a cookie. A full buffer may end in a cut-off entry; a short one means the listing is complete.',
    params: [
      fd('The open directory.'),
      ...buffer('buf', 'dirents', 'Buffer that receives packed dirent records and names.', 'bufused'),
      param('cookie', 'i64', { kind: 'dircookie' }, 'Where to continue: 0 for the start, else the d_next of the last entry seen.'),
      out('bufused', 'size', 'Receives how many bytes of the buffer were filled.'),
    ],
  },
  {
    name: 'fd_renumber', family: 'fd', result: 'errno', goUses: false, posix: 'dup2',
    doc: 'Moves a descriptor onto another number, closing whatever was there, in one atomic step.',
    params: [fd('The descriptor to move.'), fd('The number it should have afterwards.', 'to')],
  },
  {
    name: 'fd_seek', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'lseek',
    doc: 'Moves the offset of a descriptor relative to the start, the current offset or the end.',
    params: [
      fd('The open file.'),
      param('offset', 'i64', { kind: 'filedelta' }, 'Signed distance to move.'),
      enumParam('whence', 'whence', 'What the distance is measured from.'),
      out('newoffset', 'filesize', 'Receives the resulting offset from the start of the file.'),
    ],
  },
  {
    name: 'fd_sync', family: 'fd', result: 'errno', goUses: 'syscall', posix: 'fsync',
    doc: 'Flushes both the data and the metadata of a file to storage.',
    params: [fd('The open file.')],
  },
  {
    name: 'fd_tell', family: 'fd', result: 'errno', goUses: false, posix: 'lseek(fd, 0, SEEK_CUR)',
    doc: 'Returns the current offset of a descriptor without moving it.',
    params: [fd('The open file.'), out('offset', 'filesize', 'Receives the current offset from the start of the file.')],
  },
  {
    name: 'fd_write', family: 'fd', result: 'errno', goUses: 'runtime', posix: 'writev',
    doc: 'Writes a list of buffers at the current offset (or the end, in append mode) and advances it. Go prints to stdout/stderr through this.',
    params: [
      fd('The descriptor to write to.'),
      ...iovs('iovs', 'ciovecs', 'Buffers to write, in order.'),
      out('nwritten', 'size', 'Receives the number of bytes written.'),
    ],
  },
  {
    name: 'path_create_directory', family: 'path', result: 'errno', goUses: 'syscall', posix: 'mkdirat',
    doc: 'Creates a directory at a path relative to a directory descriptor.',
    params: [fd('Directory the path is resolved from.'), ...str('path', 'Path of the new directory.')],
  },
  {
    name: 'path_filestat_get', family: 'path', result: 'errno', goUses: 'syscall', posix: 'fstatat',
    doc: 'Returns the attributes of the file or directory at a path; with symlink_follow a final symlink is resolved first.',
    params: [
      fd('Directory the path is resolved from.'),
      flags('flags', 'lookupflags', 'Whether a symlink at the end of the path is followed.'),
      ...str('path', 'Path of the file to inspect.'),
      out('filestat', 'filestat', 'Receives a 64-byte filestat record.'),
    ],
  },
  {
    name: 'path_filestat_set_times', family: 'path', result: 'errno', goUses: 'syscall', posix: 'utimensat',
    doc: 'Sets the access and/or modification time of the file at a path, to given values or to now.',
    params: [
      fd('Directory the path is resolved from.'),
      flags('flags', 'lookupflags', 'Whether a symlink at the end of the path is followed.'),
      ...str('path', 'Path of the file to change.'),
      timestamp('atim', 'New access time, used when fst_flags has ATIM.'),
      timestamp('mtim', 'New modification time, used when fst_flags has MTIM.'),
      flags('fst_flags', 'fstflags', 'Which times to change, and whether to use the given value or the current time.'),
    ],
  },
  {
    name: 'path_link', family: 'path', result: 'errno', goUses: 'syscall', posix: 'linkat',
    doc: 'Creates a hard link: a second name for an existing file.',
    params: [
      fd('Directory the existing path is resolved from.', 'old_fd'),
      flags('old_flags', 'lookupflags', 'Whether a symlink at the end of the existing path is followed.'),
      ...str('old_path', 'The existing file.'),
      fd('Directory the new path is resolved from.', 'new_fd'),
      ...str('new_path', 'The name to create.'),
    ],
  },
  {
    name: 'path_open', family: 'path', result: 'errno', goUses: 'syscall', posix: 'openat',
    doc: 'Opens (and with CREAT, creates) a file or directory relative to a directory descriptor and returns a new descriptor with the requested rights.',
    params: [
      fd('Directory the path is resolved from.'),
      flags('dirflags', 'lookupflags', 'Whether a symlink at the end of the path is followed.'),
      ...str('path', 'Path to open, relative to fd.'),
      flags('oflags', 'oflags', 'Create, exclusive, truncate, or require a directory.'),
      flags('fs_rights_base', 'rights', 'Rights wanted on the new descriptor; the host may drop those that make no sense for the file type.'),
      flags('fs_rights_inheriting', 'rights', 'Rights descriptors opened through the new one may get.'),
      flags('fdflags', 'fdflags', 'Initial fdflags of the new descriptor.'),
      out('opened_fd', 'fd', 'Receives the new descriptor (always below 2^31, not necessarily the lowest free).'),
    ],
  },
  {
    name: 'path_readlink', family: 'path', result: 'errno', goUses: 'syscall', posix: 'readlinkat',
    doc: 'Copies the target text of a symbolic link into a buffer; a target longer than the buffer is cut off.',
    params: [
      fd('Directory the path is resolved from.'),
      ...str('path', 'Path of the symbolic link.'),
      ...buffer('buf', 'text', 'Buffer that receives the link target (no terminating NUL).', 'bufused'),
      out('bufused', 'size', 'Receives how many bytes of the buffer were filled.'),
    ],
  },
  {
    name: 'path_remove_directory', family: 'path', result: 'errno', goUses: 'syscall', posix: 'unlinkat(AT_REMOVEDIR)', errnos: ['NOTEMPTY'],
    doc: 'Removes an empty directory; one that still has entries is refused.',
    params: [fd('Directory the path is resolved from.'), ...str('path', 'Path of the directory to remove.')],
  },
  {
    name: 'path_rename', family: 'path', result: 'errno', goUses: 'syscall', posix: 'renameat',
    doc: 'Renames or moves a file or directory, possibly between two directory descriptors.',
    params: [
      fd('Directory the old path is resolved from.'),
      ...str('old_path', 'What to rename.'),
      fd('Directory the new path is resolved from.', 'new_fd'),
      ...str('new_path', 'The new name.'),
    ],
  },
  {
    name: 'path_symlink', family: 'path', result: 'errno', goUses: 'syscall', posix: 'symlinkat',
    doc: 'Creates a symbolic link whose content is the given text. Note the order: link content first, then where to create it.',
    params: [
      ...str('old_path', 'What the link points to (stored as-is, not resolved).'),
      fd('Directory the new path is resolved from.'),
      ...str('new_path', 'Where to create the link.'),
    ],
  },
  {
    name: 'path_unlink_file', family: 'path', result: 'errno', goUses: 'syscall', posix: 'unlinkat', errnos: ['ISDIR'],
    doc: 'Removes a name of a file (or symlink); directories are refused, use path_remove_directory for them.',
    params: [fd('Directory the path is resolved from.'), ...str('path', 'Path of the file to remove.')],
  },
  {
    name: 'poll_oneoff', family: 'poll', result: 'errno', goUses: 'runtime', errnos: ['INVAL'],
    doc: 'Blocks until at least one subscription (a clock timeout or a descriptor becoming readable/writable) fires, then reports the events. Go sleeps and waits for I/O through it.',
    params: [
      param('in', 'i32', { kind: 'subscriptions', countParam: 'nsubscriptions' }, 'Array of 48-byte subscription records.'),
      param('out', 'i32', { kind: 'eventsOut', countParam: 'nsubscriptions', usedParam: 'nevents' }, 'Room for as many 32-byte event records as there are subscriptions.'),
      param('nsubscriptions', 'i32', { kind: 'count', forParams: ['in', 'out'] }, 'Number of subscriptions; zero is invalid.'),
      out('nevents', 'size', 'Receives the number of events stored.'),
    ],
  },
  {
    name: 'proc_exit', family: 'proc', result: 'none', goUses: 'runtime',
    doc: 'Ends the program with an exit code (0 is success) and never returns.',
    params: [param('rval', 'i32', { kind: 'exitcode' }, 'The exit code.')],
  },
  {
    name: 'proc_raise', family: 'proc', result: 'errno', goUses: false, posix: 'raise',
    doc: 'Sends a signal to the program itself. Deprecated in later WASI versions and rarely supported.',
    params: [param('sig', 'i32', { kind: 'signal' }, 'The signal to raise.')],
  },
  {
    name: 'sched_yield', family: 'sched', result: 'errno', goUses: 'runtime', posix: 'sched_yield',
    doc: 'Gives up the processor briefly so other work can run.',
    params: [],
  },
  {
    name: 'random_get', family: 'random', result: 'errno', goUses: 'runtime',
    doc: 'Fills a buffer with cryptographically strong random bytes; may block until enough entropy exists. Best used to seed a PRNG.',
    params: buffer('buf', 'bytes', 'Buffer to fill completely.'),
  },
  {
    name: 'sock_accept', family: 'sock', result: 'errno', goUses: 'syscall', posix: 'accept',
    doc: 'Takes the next pending connection of a listening socket (usually a preopened one) as a new descriptor.',
    params: [
      fd('The listening socket.'),
      flags('flags', 'fdflags', 'fdflags for the new connection (NONBLOCK is the useful one).'),
      out('new_fd', 'fd', 'Receives the descriptor of the accepted connection.'),
    ],
  },
  {
    name: 'sock_recv', family: 'sock', result: 'errno', goUses: false, posix: 'recv',
    doc: 'Receives data from a connected socket into a list of buffers.',
    params: [
      fd('The socket.'),
      ...iovs('ri_data', 'iovecs', 'Buffers to fill, in order.'),
      flags('ri_flags', 'riflags', 'Peek and/or wait for the full amount.'),
      out('ro_datalen', 'size', 'Receives the number of bytes received.'),
      out('ro_flags', 'roflags', 'Receives flags about the message, such as truncation.'),
    ],
  },
  {
    name: 'sock_send', family: 'sock', result: 'errno', goUses: false, posix: 'send',
    doc: 'Sends data from a list of buffers on a connected socket.',
    params: [
      fd('The socket.'),
      ...iovs('si_data', 'ciovecs', 'Buffers to send, in order.'),
      flags('si_flags', 'siflags', 'No flags are defined; must be 0.'),
      out('so_datalen', 'size', 'Receives the number of bytes sent.'),
    ],
  },
  {
    name: 'sock_shutdown', family: 'sock', result: 'errno', goUses: 'syscall', posix: 'shutdown',
    doc: 'Shuts down the receiving and/or sending direction of a socket.',
    params: [fd('The socket.'), flags('how', 'sdflags', 'Which directions to shut down.')],
  },
];

export const wasiFunctionByName: ReadonlyMap<string, WasiFunctionSpec> = new Map(wasiFunctions.map((f) => [f.name, f]));

// ---- derivations ----

export interface WasmSignature {
  params: WasmValType[];
  results: WasmValType[];
}

/** The core-wasm function type a module must import the function with: `fd_write` is (i32 i32 i32 i32) -> (i32). */
export function wasmSignature(spec: WasiFunctionSpec): WasmSignature {
  return { params: spec.params.map((p) => p.wasm), results: spec.result === 'errno' ? ['i32'] : [] };
}

/** Bytes the host writes through an out-pointer of each pointee type. */
export const outPointeeSize: Readonly<Record<OutPointee, number>> = {
  size: 4, fd: 4, filesize: 8, timestamp: 8, fdstat: 24, filestat: 64, prestat: 8, roflags: 2,
};

/** Witx-level type shown for a parameter; undefined for lengths that are part of a string or list. */
function witxTypeName(decode: ParamKind): string | undefined {
  switch (decode.kind) {
    case 'fd': case 'filesize': case 'filedelta': case 'timestamp': case 'dircookie': case 'exitcode': case 'signal':
      return decode.kind;
    case 'enum': return decode.enum;
    case 'flags': return decode.flags;
    case 'stringPtr': return 'string';
    case 'stringLen': case 'listLen': return undefined;
    case 'iovecs': return 'iovec_array';
    case 'ciovecs': return 'ciovec_array';
    case 'bufferPtr': return 'Pointer<u8>';
    case 'bufferLen': case 'count': return 'size';
    case 'subscriptions': return 'ConstPointer<subscription>';
    case 'eventsOut': return 'Pointer<event>';
    case 'tablePointers': return 'Pointer<Pointer<u8>>';
    case 'tableBytes': return 'Pointer<u8>';
    case 'out': return `out ${decode.pointee}`;
  }
}

/**
 * Readable signature for hovers and the tree: strings and lists are folded back into one witx-typed
 * parameter, out-pointers say `out`. "fd_write(fd: fd, iovs: ciovec_array, nwritten: out size) -> errno".
 */
export function formatWasiSignature(spec: WasiFunctionSpec): string {
  const shown: string[] = [];
  for (const p of spec.params) {
    const type = witxTypeName(p.decode);
    if (type !== undefined) shown.push(`${p.name}: ${type}`);
  }
  return `${spec.name}(${shown.join(', ')})` + (spec.result === 'errno' ? ' -> errno' : ' -> noreturn');
}

/** Link to the function's entry in the preview 1 reference (docs.md anchors are the bare function names). */
export function wasiSpecUrl(name: string): string {
  return `https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#${encodeURIComponent(name)}`;
}

// ---- Go declarations ----

export interface GoVersion {
  major: number;
  minor: number;
}

const goKeywords = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);

function goParamName(witxName: string): string {
  const camel = witxName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return goKeywords.has(camel) ? camel + '_' : camel;
}

/**
 * Go type for a parameter. Only the types every Go release with wasip1 (1.21+) accepts on a wasmimport
 * are used: sized integers and unsafe.Pointer. Go 1.24 allows more (typed pointers, bool, string), but
 * a declaration that must also build with 1.21–1.23 cannot use them.
 */
function goParamType(p: WasiParamSpec): string {
  switch (p.decode.kind) {
    case 'fd': return 'int32';
    case 'filedelta': return 'int64';
    case 'stringPtr': case 'iovecs': case 'ciovecs': case 'bufferPtr': case 'subscriptions': case 'eventsOut':
    case 'tablePointers': case 'tableBytes': case 'out':
      return 'unsafe.Pointer';
    default:
      return p.wasm === 'i64' ? 'uint64' : 'uint32';
  }
}

/** True when `goDeclaration(spec)` mentions unsafe.Pointer, so the file needs `import "unsafe"`. */
export function goDeclarationNeedsUnsafe(spec: WasiFunctionSpec): boolean {
  return spec.params.some((p) => goParamType(p) === 'unsafe.Pointer');
}

/**
 * A bodyless Go function with the `//go:wasmimport` directive, ready to paste: the wasm-level parameters
 * in order, errno as a uint32 result. Pointers are declared noescape because the host only touches them
 * during the call, which keeps Go from moving the buffers to the heap.
 */
export function goDeclaration(spec: WasiFunctionSpec, goVersion: GoVersion): string {
  if (goVersion.major < 1 || (goVersion.major === 1 && goVersion.minor < 21)) {
    throw new RangeError(`go${goVersion.major}.${goVersion.minor} has no wasip1 port; //go:wasmimport needs Go 1.21 or later`);
  }
  const params = spec.params.map((p) => `${goParamName(p.name)} ${goParamType(p)}`).join(', ');
  const lines = [`//go:wasmimport ${WASI_MODULE} ${spec.name}`];
  if (goDeclarationNeedsUnsafe(spec)) lines.push('//go:noescape');
  lines.push(`func ${spec.name}(${params})${spec.result === 'errno' ? ' uint32' : ''}`);
  return lines.join('\n');
}

// ---- memory layouts of the records the functions read and write ----

export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64' | 's64';

export interface FieldLayout {
  readonly offset: number;
  readonly type: ScalarType;
  /** The witx type the raw number means, for decoding (`filetype`, `fdflags`, `rights`, ...). */
  readonly witx: string;
}

export interface StructLayout {
  readonly size: number;
  readonly align: number;
  readonly fields: Readonly<Record<string, FieldLayout>>;
}

const field = (offset: number, type: ScalarType, witx: string): FieldLayout => ({ offset, type, witx });

export function scalarSize(type: ScalarType): number {
  return type === 'u8' ? 1 : type === 'u16' ? 2 : type === 'u32' ? 4 : 8;
}

/**
 * Byte layouts (little-endian, offsets from the record start). Unions are flattened: `subscription` and
 * `event` list the fields of each variant at their absolute offsets, under the variant's name as prefix.
 */
export const wasiLayouts = {
  iovec: { size: 8, align: 4, fields: { buf: field(0, 'u32', 'pointer'), buf_len: field(4, 'u32', 'size') } },
  ciovec: { size: 8, align: 4, fields: { buf: field(0, 'u32', 'pointer'), buf_len: field(4, 'u32', 'size') } },
  fdstat: {
    size: 24, align: 8,
    fields: {
      fs_filetype: field(0, 'u8', 'filetype'),
      fs_flags: field(2, 'u16', 'fdflags'),
      fs_rights_base: field(8, 'u64', 'rights'),
      fs_rights_inheriting: field(16, 'u64', 'rights'),
    },
  },
  filestat: {
    size: 64, align: 8,
    fields: {
      dev: field(0, 'u64', 'device'),
      ino: field(8, 'u64', 'inode'),
      filetype: field(16, 'u8', 'filetype'),
      nlink: field(24, 'u64', 'linkcount'),
      size: field(32, 'u64', 'filesize'),
      atim: field(40, 'u64', 'timestamp'),
      mtim: field(48, 'u64', 'timestamp'),
      ctim: field(56, 'u64', 'timestamp'),
    },
  },
  prestat: {
    size: 8, align: 4,
    fields: { tag: field(0, 'u8', 'preopentype'), pr_name_len: field(4, 'u32', 'size') },
  },
  /** Fixed header; `d_namlen` name bytes follow it directly, with no padding or NUL. */
  dirent: {
    size: 24, align: 8,
    fields: {
      d_next: field(0, 'u64', 'dircookie'),
      d_ino: field(8, 'u64', 'inode'),
      d_namlen: field(16, 'u32', 'dirnamlen'),
      d_type: field(20, 'u8', 'filetype'),
    },
  },
  subscription: {
    size: 48, align: 8,
    fields: {
      userdata: field(0, 'u64', 'userdata'),
      tag: field(8, 'u8', 'eventtype'),
      clock_id: field(16, 'u32', 'clockid'),
      clock_timeout: field(24, 'u64', 'timestamp'),
      clock_precision: field(32, 'u64', 'timestamp'),
      clock_flags: field(40, 'u16', 'subclockflags'),
      fd_readwrite_file_descriptor: field(16, 'u32', 'fd'),
    },
  },
  event: {
    size: 32, align: 8,
    fields: {
      userdata: field(0, 'u64', 'userdata'),
      error: field(8, 'u16', 'errno'),
      type: field(10, 'u8', 'eventtype'),
      fd_readwrite_nbytes: field(16, 'u64', 'filesize'),
      fd_readwrite_flags: field(24, 'u16', 'eventrwflags'),
    },
  },
} as const satisfies Readonly<Record<string, StructLayout>>;

export type WasiRecordName = keyof typeof wasiLayouts;
