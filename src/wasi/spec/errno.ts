// WASI preview 1 error numbers, in the order and with the values of the witx `errno` enum.
// Names and meanings live here once: the host returns them, traces and hovers print them.

const table = [
  ['SUCCESS', 'No error occurred.'],
  ['2BIG', 'Argument list too long.'],
  ['ACCES', 'Permission denied.'],
  ['ADDRINUSE', 'Address in use.'],
  ['ADDRNOTAVAIL', 'Address not available.'],
  ['AFNOSUPPORT', 'Address family not supported.'],
  ['AGAIN', 'Resource unavailable, or operation would block.'],
  ['ALREADY', 'Connection already in progress.'],
  ['BADF', 'Bad file descriptor.'],
  ['BADMSG', 'Bad message.'],
  ['BUSY', 'Device or resource busy.'],
  ['CANCELED', 'Operation canceled.'],
  ['CHILD', 'No child processes.'],
  ['CONNABORTED', 'Connection aborted.'],
  ['CONNREFUSED', 'Connection refused.'],
  ['CONNRESET', 'Connection reset.'],
  ['DEADLK', 'Resource deadlock would occur.'],
  ['DESTADDRREQ', 'Destination address required.'],
  ['DOM', 'Mathematics argument out of domain of function.'],
  ['DQUOT', 'Reserved.'],
  ['EXIST', 'File exists.'],
  ['FAULT', 'Bad address.'],
  ['FBIG', 'File too large.'],
  ['HOSTUNREACH', 'Host is unreachable.'],
  ['IDRM', 'Identifier removed.'],
  ['ILSEQ', 'Illegal byte sequence.'],
  ['INPROGRESS', 'Operation in progress.'],
  ['INTR', 'Interrupted function.'],
  ['INVAL', 'Invalid argument.'],
  ['IO', 'I/O error.'],
  ['ISCONN', 'Socket is connected.'],
  ['ISDIR', 'Is a directory.'],
  ['LOOP', 'Too many levels of symbolic links.'],
  ['MFILE', 'File descriptor value too large.'],
  ['MLINK', 'Too many links.'],
  ['MSGSIZE', 'Message too large.'],
  ['MULTIHOP', 'Reserved.'],
  ['NAMETOOLONG', 'Filename too long.'],
  ['NETDOWN', 'Network is down.'],
  ['NETRESET', 'Connection aborted by network.'],
  ['NETUNREACH', 'Network unreachable.'],
  ['NFILE', 'Too many files open in system.'],
  ['NOBUFS', 'No buffer space available.'],
  ['NODEV', 'No such device.'],
  ['NOENT', 'No such file or directory.'],
  ['NOEXEC', 'Executable file format error.'],
  ['NOLCK', 'No locks available.'],
  ['NOLINK', 'Reserved.'],
  ['NOMEM', 'Not enough space.'],
  ['NOMSG', 'No message of the desired type.'],
  ['NOPROTOOPT', 'Protocol not available.'],
  ['NOSPC', 'No space left on device.'],
  ['NOSYS', 'Function not supported.'],
  ['NOTCONN', 'The socket is not connected.'],
  ['NOTDIR', 'Not a directory or a symbolic link to a directory.'],
  ['NOTEMPTY', 'Directory not empty.'],
  ['NOTRECOVERABLE', 'State not recoverable.'],
  ['NOTSOCK', 'Not a socket.'],
  ['NOTSUP', 'Not supported, or operation not supported on socket.'],
  ['NOTTY', 'Inappropriate I/O control operation.'],
  ['NXIO', 'No such device or address.'],
  ['OVERFLOW', 'Value too large to be stored in data type.'],
  ['OWNERDEAD', 'Previous owner died.'],
  ['PERM', 'Operation not permitted.'],
  ['PIPE', 'Broken pipe.'],
  ['PROTO', 'Protocol error.'],
  ['PROTONOSUPPORT', 'Protocol not supported.'],
  ['PROTOTYPE', 'Protocol wrong type for socket.'],
  ['RANGE', 'Result too large.'],
  ['ROFS', 'Read-only file system.'],
  ['SPIPE', 'Invalid seek.'],
  ['SRCH', 'No such process.'],
  ['STALE', 'Reserved.'],
  ['TIMEDOUT', 'Connection timed out.'],
  ['TXTBSY', 'Text file busy.'],
  ['XDEV', 'Cross-device link.'],
  ['NOTCAPABLE', 'Extension: Capabilities insufficient.'],
] as const;

type ErrnoName = (typeof table)[number][0];

/** Errno values by name: `Errno.BADF === 8`. */
export const Errno = Object.freeze(
  Object.fromEntries(table.map(([name], value) => [name, value])) as { readonly [K in ErrnoName]: number },
);

export const ERRNO_COUNT = table.length;

/** `errnoName(8)` is `"BADF"`; unknown values print as numbers so a trace never throws. */
export function errnoName(errno: number): string {
  return table[errno]?.[0] ?? `errno ${errno}`;
}

export function errnoMeaning(errno: number): string {
  return table[errno]?.[1] ?? 'Unknown error number.';
}

/** Host (libuv/POSIX) error codes as Node reports them, mapped to WASI errno. */
const fromHostCode: Readonly<Record<string, number>> = {
  E2BIG: Errno['2BIG'], EACCES: Errno.ACCES, EADDRINUSE: Errno.ADDRINUSE, EADDRNOTAVAIL: Errno.ADDRNOTAVAIL,
  EAFNOSUPPORT: Errno.AFNOSUPPORT, EAGAIN: Errno.AGAIN, EWOULDBLOCK: Errno.AGAIN, EALREADY: Errno.ALREADY,
  EBADF: Errno.BADF, EBUSY: Errno.BUSY, ECANCELED: Errno.CANCELED, ECONNABORTED: Errno.CONNABORTED,
  ECONNREFUSED: Errno.CONNREFUSED, ECONNRESET: Errno.CONNRESET, EDEADLK: Errno.DEADLK, EDQUOT: Errno.DQUOT,
  EEXIST: Errno.EXIST, EFAULT: Errno.FAULT, EFBIG: Errno.FBIG, EHOSTUNREACH: Errno.HOSTUNREACH,
  EILSEQ: Errno.ILSEQ, EINPROGRESS: Errno.INPROGRESS, EINTR: Errno.INTR, EINVAL: Errno.INVAL, EIO: Errno.IO,
  EISCONN: Errno.ISCONN, EISDIR: Errno.ISDIR, ELOOP: Errno.LOOP, EMFILE: Errno.MFILE, EMLINK: Errno.MLINK,
  EMSGSIZE: Errno.MSGSIZE, ENAMETOOLONG: Errno.NAMETOOLONG, ENETDOWN: Errno.NETDOWN, ENETUNREACH: Errno.NETUNREACH,
  ENFILE: Errno.NFILE, ENOBUFS: Errno.NOBUFS, ENODEV: Errno.NODEV, ENOENT: Errno.NOENT, ENOEXEC: Errno.NOEXEC,
  ENOMEM: Errno.NOMEM, ENOSPC: Errno.NOSPC, ENOSYS: Errno.NOSYS, ENOTCONN: Errno.NOTCONN, ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY, ENOTSOCK: Errno.NOTSOCK, ENOTSUP: Errno.NOTSUP, EOPNOTSUPP: Errno.NOTSUP,
  ENOTTY: Errno.NOTTY, ENXIO: Errno.NXIO, EOVERFLOW: Errno.OVERFLOW, EPERM: Errno.PERM, EPIPE: Errno.PIPE,
  EPROTO: Errno.PROTO, ERANGE: Errno.RANGE, EROFS: Errno.ROFS, ESPIPE: Errno.SPIPE, ESRCH: Errno.SRCH,
  ETIMEDOUT: Errno.TIMEDOUT, ETXTBSY: Errno.TXTBSY, EXDEV: Errno.XDEV,
};

/** The `code` ("ENOENT", "EAGAIN") of an error a host operation threw, if it has one. */
export function hostErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns anything a host operation threw into an errno. Node's fs errors carry `code` ("ENOENT");
 * anything else (a TypeError, a RangeError from a bad length) is an I/O error of the host, never a crash.
 */
export function errnoFromHostError(error: unknown): number {
  const code = hostErrorCode(error);
  if (code !== undefined) {
    const mapped = fromHostCode[code];
    if (mapped !== undefined) return mapped;
  }
  if (error instanceof RangeError) return Errno.INVAL;
  return Errno.IO;
}
