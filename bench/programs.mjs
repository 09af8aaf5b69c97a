// The benchmark programs (bench/programs/<name>/main.go) and how to tell that a run really did its
// work: a host that exits 0 after losing output must count as failing, not as fast.

const smallWrites = 200_000;
const smallWriteLine = 16;
const stdinBytes = 128 << 20;

/** @type {{ name: string, measures: string, stdinBytes?: number, check: (out: {stdoutBytes: number, stdoutTail: string}) => string | undefined }[]} */
export const programs = [
  {
    name: 'startup',
    measures: 'hello world: module compile + instantiate + Go runtime start',
    check: ({ stdoutTail }) => (stdoutTail === 'hello, world\n' ? undefined : `stdout ${JSON.stringify(stdoutTail)}`),
  },
  {
    name: 'smallwrites',
    measures: `${smallWrites} unbuffered ${smallWriteLine}-byte writes to a pipe`,
    check: ({ stdoutBytes }) => expectBytes(stdoutBytes, smallWrites * smallWriteLine),
  },
  { name: 'fileio', measures: 'write then read a 64 MiB file in 32 KiB chunks', check: expectOk },
  { name: 'metadata', measures: 'create 2000 files, stat each 5x, remove them', check: expectOk },
  { name: 'walk', measures: 'create ~4900 files/dirs, filepath.WalkDir 3x', check: expectOk },
  { name: 'timenow', measures: 'time.Now 2M times', check: expectOk },
  { name: 'cryptorand', measures: 'crypto/rand 64 MiB in 64 KiB reads', check: expectOk },
  { name: 'goroutines', measures: '2000 goroutines x 20 time.Sleep(1ms)', check: expectOk },
  { name: 'cpu', measures: 'sha256 over 160 MiB, no host calls (control)', check: expectOk },
  {
    name: 'stdin',
    measures: 'read 128 MiB from a pipe',
    stdinBytes,
    check: ({ stdoutTail }) => (stdoutTail === `ok ${stdinBytes}\n` ? undefined : `stdout ${JSON.stringify(stdoutTail)}, want "ok ${stdinBytes}"`),
  },
];

function expectOk({ stdoutTail }) {
  return stdoutTail.startsWith('ok') ? undefined : `stdout ${JSON.stringify(stdoutTail)}, want "ok ..."`;
}

function expectBytes(got, want) {
  return got === want ? undefined : `stdout had ${got} bytes, want ${want}`;
}
