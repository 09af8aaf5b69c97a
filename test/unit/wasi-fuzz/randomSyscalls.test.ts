// Random calls to all 46 host functions with random, often hostile, arguments: wild pointers,
// bad fds, escaping paths, garbage flags. Every call must answer with an errno (or unwind through
// proc_exit), and nothing outside the preopened directory may be read, created or changed.
// WASIP1_FUZZ_SEED=n replays a run; WASIP1_FUZZ_CALLS sets its length.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { WasiHost } from '../../../src/wasi/host';
import { wasiFunctions, wasiLayouts, type WasiParamSpec } from '../../../src/wasi/spec/catalogue';
import { ERRNO_COUNT } from '../../../src/wasi/spec/errno';
import { BufferInput, BufferOutput } from '../../../src/wasi/streams';
import { ProcExit } from '../../../src/wasi/wasiError';

/** mulberry32: small, fast, and replayable from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGE = 65536;
const POOL = 0x8000; // where candidate paths are written before each call
const SCRATCH = 0x1000; // iovecs, buffers, subscriptions, out-pointers

interface Snapshot {
  [name: string]: string;
}

/** Every entry under dir: type, size, mtime, and contents or link target. */
function snapshot(dir: string, into: Snapshot = {}, prefix = ''): Snapshot {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = lstatSync(full, { bigint: true });
    const key = prefix + name;
    if (stat.isSymbolicLink()) into[key] = `link ${readlinkSync(full)}`;
    else if (stat.isDirectory()) {
      into[key] = `dir ${stat.mtimeNs}`;
      snapshot(full, into, key + '/');
    } else into[key] = `file ${stat.size} ${stat.mtimeNs} ${readFileSync(full).toString('base64')}`;
  }
  return into;
}

function makeTree(): { base: string; sandbox: string; outside: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'wasi-fuzz-'));
  const sandbox = path.join(base, 'sandbox');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(sandbox, 'dir', 'deeper'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'outside the sandbox');
  writeFileSync(path.join(sandbox, 'a.txt'), 'inside');
  writeFileSync(path.join(sandbox, 'dir', 'b.txt'), 'inside too');
  symlinkSync('../outside', path.join(sandbox, 'link-out'));
  symlinkSync(outside, path.join(sandbox, 'link-abs'));
  symlinkSync('..', path.join(sandbox, 'dir', 'up'));
  symlinkSync('up/up/outside/secret.txt', path.join(sandbox, 'dir', 'chain'));
  symlinkSync('loop2', path.join(sandbox, 'loop1'));
  symlinkSync('loop1', path.join(sandbox, 'loop2'));
  symlinkSync('dir/b.txt', path.join(sandbox, 'good-link'));
  return { base, sandbox, outside };
}

test('random host calls with hostile arguments: errno answers only, nothing outside the preopen touched', () => {
  const seed = Number(process.env.WASIP1_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const calls = Number(process.env.WASIP1_FUZZ_CALLS ?? 30_000);
  console.log(`seed ${seed} (replay with WASIP1_FUZZ_SEED=${seed}), ${calls} calls`);
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (n: number): number => Math.floor(random() * n);

  const { base, sandbox, outside } = makeTree();
  const outsideBefore = snapshot(outside);
  const baseEntriesBefore = readdirSync(base).sort();

  const hostilePaths = [
    'a.txt', 'dir/b.txt', 'dir', '.', '..', '', 'new-file', 'dir/new-dir', 'dir/deeper/x', 'good-link',
    '../outside/secret.txt', 'dir/../../outside/secret.txt', 'link-out/secret.txt', 'link-abs/secret.txt',
    'link-out', 'link-abs', 'dir/up/../outside/secret.txt', 'dir/chain', 'loop1', 'loop1/x',
    `${outside}/secret.txt`, outside, '/', '/a.txt', 'a.txt\0../outside/secret.txt', 'dir/up/up/outside/new',
    'a.txt/', 'dir//b.txt', './dir/./b.txt', 'x'.repeat(300), '\u00e9\u00e8', '../link-out',
  ];
  const encoder = new TextEncoder();
  const encodedPaths = hostilePaths.map((p) => encoder.encode(p));
  // Invalid UTF-8 is a path too.
  encodedPaths.push(Uint8Array.of(0xff, 0xfe, 0x2f, 0x61));

  let host!: WasiHost;
  let memory!: WebAssembly.Memory;
  let view!: DataView;
  const openedFds: number[] = [];
  const newHost = (): void => {
    host?.dispose();
    host = new WasiHost({
      args: ['fuzz', 'arg'],
      env: { A: 'b' },
      preopens: [{ hostPath: sandbox, guestPath: '/' }, { hostPath: path.join(sandbox, 'dir'), guestPath: '/dir' }],
      stdin: new BufferInput(encoder.encode('some stdin bytes\n'.repeat(100))),
      stdout: new BufferOutput(1 << 20),
      stderr: new BufferOutput(1 << 20),
    });
    memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    host.memory.attach(memory);
    view = new DataView(memory.buffer);
    openedFds.length = 0;
  };
  newHost();

  const pathPool: { ptr: number; len: number }[] = [];
  const writePool = (): void => {
    const bytes = new Uint8Array(memory.buffer);
    let cursor = POOL;
    pathPool.length = 0;
    for (const encoded of encodedPaths) {
      bytes.set(encoded, cursor);
      pathPool.push({ ptr: cursor, len: encoded.length });
      cursor += encoded.length + 1;
    }
  };

  const wildPointer = (): number => pick([0xfffffff0, 0xffffffff, PAGE * 2 - 2, PAGE * 4, 0x7fffffff, -1, PAGE - 3]);
  const scratch = (size: number): number => SCRATCH + int(0x6000 - size);
  const anyFd = (): number => (openedFds.length && random() < 0.4 ? pick(openedFds) : pick([0, 1, 2, 3, 4, 5, 6, 7, 9, 64, -1, 0x7fffffff, 1 << 20]));
  const u64 = (): bigint => pick([0n, 1n, 7n, 4096n, 65536n, BigInt(int(1 << 20)), 2n ** 32n, 2n ** 63n - 1n, 2n ** 64n - 1n]);

  function argument(param: WasiParamSpec, chosen: Map<string, number | bigint>): number | bigint {
    const decode = param.decode;
    switch (decode.kind) {
      case 'fd': return anyFd();
      case 'stringPtr': {
        if (random() < 0.85) {
          const entry = pick(pathPool);
          chosen.set(decode.lengthParam, random() < 0.9 ? entry.len : int(400));
          return entry.ptr;
        }
        chosen.set(decode.lengthParam, int(1 << 16));
        return wildPointer();
      }
      case 'iovecs':
      case 'ciovecs': {
        const count = int(5);
        const at = random() < 0.9 ? scratch(count * 8) : wildPointer();
        if (at >= 0 && at + count * 8 <= PAGE) {
          for (let i = 0; i < count; i++) {
            const wild = random() < 0.15;
            view.setUint32(at + i * 8, wild ? wildPointer() >>> 0 : scratch(512), true);
            view.setUint32(at + i * 8 + 4, wild ? int(1 << 20) : int(512), true);
          }
        }
        chosen.set(decode.lengthParam, random() < 0.95 ? count : 0xffffffff);
        return at;
      }
      case 'bufferPtr': {
        const length = int(1024);
        chosen.set(decode.lengthParam, random() < 0.9 ? length : 0x7fffffff);
        return random() < 0.9 ? scratch(length) : wildPointer();
      }
      case 'subscriptions': {
        // Clock timeouts stay below a millisecond so the run never sleeps; fds may be anything.
        const count = int(4);
        const at = random() < 0.9 ? scratch(count * 48) : pick([0xfffffff0, PAGE * 4]);
        if (at + count * 48 <= PAGE) {
          const sub = wasiLayouts.subscription.fields;
          for (let i = 0; i < count; i++) {
            const base = at + i * 48;
            view.setBigUint64(base + sub.userdata.offset, BigInt(i), true);
            const tag = int(4); // 3 is not an event type
            view.setUint8(base + sub.tag.offset, tag);
            if (tag === 0) {
              view.setUint32(base + sub.clock_id.offset, int(5), true);
              view.setBigUint64(base + sub.clock_timeout.offset, BigInt(int(1_000_000)), true);
              view.setUint16(base + sub.clock_flags.offset, int(2) === 0 ? 0 : 1, true);
            } else {
              view.setUint32(base + sub.fd_readwrite_file_descriptor.offset, anyFd() >>> 0, true);
            }
          }
        }
        chosen.set(decode.countParam, random() < 0.95 ? count : 0);
        return at;
      }
      case 'eventsOut':
      case 'out':
      case 'tablePointers':
      case 'tableBytes':
        return random() < 0.85 ? scratch(256) : wildPointer();
      case 'flags':
        return param.wasm === 'i64' ? u64() : pick([0, 1, 2, 4, 8, 9, 15, 16, 31, int(0xffff), 0xffffffff]);
      case 'enum':
      case 'signal':
        return pick([0, 1, 2, 3, 4, 5, 6, 99, -1]);
      case 'filesize':
      case 'filedelta':
      case 'timestamp':
      case 'dircookie':
        return param.wasm === 'i64' ? pick([u64(), -1n, -4096n]) : int(1 << 16);
      case 'exitcode':
        return int(256);
      default:
        // Lengths and counts are set with their pointers; a leftover one is random.
        return chosen.get(param.name) ?? int(1 << 16);
    }
  }

  const counts = new Map<string, number>();
  let exits = 0;
  for (let call = 0; call < calls; call++) {
    if (call % 2000 === 0) newHost();
    writePool();
    // proc_exit only now and then: it ends nothing here but the call itself.
    let spec = pick(wasiFunctions);
    if (spec.name === 'proc_exit' && random() < 0.9) spec = pick(wasiFunctions.filter((f) => f.name !== 'proc_exit'));
    const chosen = new Map<string, number | bigint>();
    const values = spec.params.map((param) => argument(param, chosen));
    const args = spec.params.map((param, i) => {
      const value = chosen.get(param.name) ?? values[i];
      return param.wasm === 'i64' ? BigInt.asUintN(64, BigInt(value)) : Number(value) | 0;
    });
    const fn = host.wasiImport[spec.name];
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      if (error instanceof ProcExit) {
        exits++;
        continue;
      }
      assert.fail(`${spec.name}(${args.join(', ')}) threw ${String(error)} [seed ${seed}, call ${call}]`);
    }
    assert.equal(typeof result, 'number', `${spec.name} returned ${String(result)} [seed ${seed}, call ${call}]`);
    assert.ok((result as number) >= 0 && (result as number) < ERRNO_COUNT, `${spec.name} returned ${String(result)} [seed ${seed}]`);
    counts.set(`${spec.name} ${(result as number) === 0 ? 'ok' : 'errno'}`, (counts.get(`${spec.name} ${(result as number) === 0 ? 'ok' : 'errno'}`) ?? 0) + 1);
    if (spec.name === 'path_open' && result === 0) {
      const fdOut = args[args.length - 1] as number;
      if (fdOut >= 0 && fdOut + 4 <= PAGE) openedFds.push(view.getUint32(fdOut, true));
    }
  }
  host.dispose();

  assert.deepEqual(snapshot(outside), outsideBefore, `something outside the preopen changed [seed ${seed}]`);
  assert.deepEqual(readdirSync(base).sort(), baseEntriesBefore, `something was created beside the preopen [seed ${seed}]`);
  const succeeded = [...counts].filter(([key]) => key.endsWith(' ok')).length;
  console.log(`${calls} calls, ${exits} proc_exit, ${succeeded} functions succeeded at least once`);
  // The run must reach the functions' real work, not only their argument checks.
  assert.ok(succeeded >= 25, `only ${succeeded} functions ever succeeded: the generator is too hostile to test anything`);
});
