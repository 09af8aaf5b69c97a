// Short explanations of the witx enums and flag sets, for hovers and decoded traces. Member keys are the
// upper-case names constants.ts uses, so `wasiTypeDocs.fdflags.members[name]` works for any name that
// formatFlags/formatEnum print.

export interface WasiTypeDoc {
  readonly doc: string;
  /** One line per enum case or flag bit. */
  readonly members: Readonly<Record<string, string>>;
}

export const wasiTypeDocs = {
  clockid: {
    doc: 'Which clock clock_time_get, clock_res_get or a clock subscription refers to.',
    members: {
      REALTIME: 'Wall-clock time; zero is the Unix epoch (1970-01-01 UTC).',
      MONOTONIC: 'Steadily increasing time that is never adjusted and never jumps back; its zero point means nothing.',
      PROCESS_CPUTIME_ID: 'CPU time used by the whole process.',
      THREAD_CPUTIME_ID: 'CPU time used by the calling thread.',
    },
  },
  filetype: {
    doc: 'What kind of object a descriptor or directory entry refers to.',
    members: {
      UNKNOWN: 'Unknown, or none of the other kinds.',
      BLOCK_DEVICE: 'A block device.',
      CHARACTER_DEVICE: 'A character device, such as a terminal.',
      DIRECTORY: 'A directory.',
      REGULAR_FILE: 'A regular file.',
      SOCKET_DGRAM: 'A datagram socket.',
      SOCKET_STREAM: 'A byte-stream socket.',
      SYMBOLIC_LINK: 'A symbolic link.',
    },
  },
  whence: {
    doc: 'The base fd_seek measures its offset from.',
    members: {
      SET: 'From the start of the file.',
      CUR: 'From the current offset.',
      END: 'From the end of the file.',
    },
  },
  advice: {
    doc: 'Access pattern hint given with fd_advise.',
    members: {
      NORMAL: 'No particular pattern.',
      SEQUENTIAL: 'Read front to back.',
      RANDOM: 'Read in no particular order.',
      WILLNEED: 'Needed soon.',
      DONTNEED: 'Not needed soon.',
      NOREUSE: 'Used once, then not again.',
    },
  },
  eventtype: {
    doc: 'What a poll_oneoff subscription waits for, and what an event reports.',
    members: {
      CLOCK: 'A clock reached the subscription timeout.',
      FD_READ: 'A descriptor has data to read (always true for regular files).',
      FD_WRITE: 'A descriptor can take more data (always true for regular files).',
    },
  },
  fdflags: {
    doc: 'Per-descriptor mode bits, set by path_open / fd_fdstat_set_flags and reported by fd_fdstat_get.',
    members: {
      APPEND: 'Every write goes to the end of the file.',
      DSYNC: 'Writes return only once the data is on storage.',
      NONBLOCK: 'Operations that would wait fail with AGAIN instead.',
      RSYNC: 'Reads are synchronized with pending writes.',
      SYNC: 'Writes return only once data and metadata are on storage.',
    },
  },
  oflags: {
    doc: 'How path_open treats the path.',
    members: {
      CREAT: 'Create the file when it is missing.',
      DIRECTORY: 'Fail unless the path is a directory.',
      EXCL: 'Fail when the file already exists (with CREAT).',
      TRUNC: 'Cut the file to zero length.',
    },
  },
  lookupflags: {
    doc: 'How a path is resolved.',
    members: {
      SYMLINK_FOLLOW: 'If the last component is a symbolic link, act on its target instead of the link.',
    },
  },
  fstflags: {
    doc: 'Which timestamps fd_filestat_set_times / path_filestat_set_times change, and to what.',
    members: {
      ATIM: 'Set the access time to the atim argument.',
      ATIM_NOW: 'Set the access time to the current realtime clock.',
      MTIM: 'Set the modification time to the mtim argument.',
      MTIM_NOW: 'Set the modification time to the current realtime clock.',
    },
  },
  subclockflags: {
    doc: 'How a clock subscription reads its timeout.',
    members: {
      SUBSCRIPTION_CLOCK_ABSTIME: 'The timeout is an absolute clock value; without it, it is relative to now.',
    },
  },
  eventrwflags: {
    doc: 'State reported with a descriptor readiness event.',
    members: {
      FD_READWRITE_HANGUP: 'The peer closed or disconnected.',
    },
  },
  riflags: {
    doc: 'Options for sock_recv.',
    members: {
      RECV_PEEK: 'Return data but leave it queued.',
      RECV_WAITALL: 'On stream sockets, wait until the buffers can be filled completely.',
    },
  },
  roflags: {
    doc: 'What sock_recv reports about the received message.',
    members: {
      RECV_DATA_TRUNCATED: 'The message did not fit and was cut off.',
    },
  },
  siflags: {
    doc: 'Options for sock_send. None are defined; the value must be 0.',
    members: {},
  },
  sdflags: {
    doc: 'Which directions sock_shutdown closes.',
    members: {
      RD: 'Receiving.',
      WR: 'Sending.',
    },
  },
  preopentype: {
    doc: 'Kind of preopened resource in a prestat record.',
    members: {
      DIR: 'A directory the program may open paths under.',
    },
  },
  rights: {
    doc: 'Capabilities attached to a descriptor: what may be done with it, and what descriptors opened through it may get.',
    members: {
      FD_DATASYNC: 'fd_datasync; with PATH_OPEN also opening with DSYNC.',
      FD_READ: 'fd_read and sock_recv; with FD_SEEK also fd_pread.',
      FD_SEEK: 'fd_seek (and therefore fd_tell).',
      FD_FDSTAT_SET_FLAGS: 'fd_fdstat_set_flags.',
      FD_SYNC: 'fd_sync; with PATH_OPEN also opening with RSYNC or DSYNC.',
      FD_TELL: 'fd_tell, or fd_seek that does not move the offset.',
      FD_WRITE: 'fd_write and sock_send; with FD_SEEK also fd_pwrite.',
      FD_ADVISE: 'fd_advise.',
      FD_ALLOCATE: 'fd_allocate.',
      PATH_CREATE_DIRECTORY: 'path_create_directory.',
      PATH_CREATE_FILE: 'With PATH_OPEN: path_open with CREAT.',
      PATH_LINK_SOURCE: 'path_link with this directory holding the existing file.',
      PATH_LINK_TARGET: 'path_link with this directory receiving the new name.',
      PATH_OPEN: 'path_open.',
      FD_READDIR: 'fd_readdir.',
      PATH_READLINK: 'path_readlink.',
      PATH_RENAME_SOURCE: 'path_rename with this directory holding the old name.',
      PATH_RENAME_TARGET: 'path_rename with this directory receiving the new name.',
      PATH_FILESTAT_GET: 'path_filestat_get.',
      PATH_FILESTAT_SET_SIZE: 'Changing a file size by path; with PATH_OPEN, path_open with TRUNC. No function of that name exists.',
      PATH_FILESTAT_SET_TIMES: 'path_filestat_set_times.',
      FD_FILESTAT_GET: 'fd_filestat_get.',
      FD_FILESTAT_SET_SIZE: 'fd_filestat_set_size.',
      FD_FILESTAT_SET_TIMES: 'fd_filestat_set_times.',
      PATH_SYMLINK: 'path_symlink.',
      PATH_REMOVE_DIRECTORY: 'path_remove_directory.',
      PATH_UNLINK_FILE: 'path_unlink_file.',
      POLL_FD_READWRITE: 'poll_oneoff subscriptions for read/write readiness (given FD_READ / FD_WRITE).',
      SOCK_SHUTDOWN: 'sock_shutdown.',
      SOCK_ACCEPT: 'sock_accept.',
    },
  },
  signal: {
    doc: 'Signal numbers for proc_raise, matching the POSIX signals of the same name.',
    members: {
      NONE: 'No signal (reserved).',
      HUP: 'Hangup; terminates.',
      INT: 'Interrupt; terminates.',
      QUIT: 'Quit; terminates.',
      ILL: 'Illegal instruction; terminates.',
      TRAP: 'Trace or breakpoint trap; terminates.',
      ABRT: 'Abort; terminates.',
      BUS: 'Access outside a memory object; terminates.',
      FPE: 'Arithmetic error; terminates.',
      KILL: 'Kill; terminates.',
      USR1: 'User signal 1; terminates.',
      SEGV: 'Invalid memory reference; terminates.',
      USR2: 'User signal 2; terminates.',
      PIPE: 'Write to a pipe nobody reads; ignored.',
      ALRM: 'Alarm clock; terminates.',
      TERM: 'Termination request; terminates.',
      CHLD: 'Child changed state; ignored.',
      CONT: 'Continue if stopped.',
      STOP: 'Stop.',
      TSTP: 'Terminal stop; stops.',
      TTIN: 'Background read from terminal; stops.',
      TTOU: 'Background write to terminal; stops.',
      URG: 'Urgent socket data; ignored.',
      XCPU: 'CPU time limit exceeded; terminates.',
      XFSZ: 'File size limit exceeded; terminates.',
      VTALRM: 'Virtual timer expired; terminates.',
      PROF: 'Profiling timer expired; terminates.',
      WINCH: 'Window size changed; ignored.',
      POLL: 'I/O possible; terminates.',
      PWR: 'Power failure; terminates.',
      SYS: 'Bad system call; terminates.',
    },
  },
} as const satisfies Readonly<Record<string, WasiTypeDoc>>;

export type WasiTypeDocName = keyof typeof wasiTypeDocs;
