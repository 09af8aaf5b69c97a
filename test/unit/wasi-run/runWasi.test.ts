import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { runWasi, type RunResult } from '../../../src/wasi/runner/runWasi';
import { DEFAULT_RING_BYTES } from '../../../src/wasi/runner/sharedRing';
import { buildGoFixture } from '../../support/goFixtures';

/** A sink that keeps every chunk. */
function collector() {
  const chunks: Buffer[] = [];
  return {
    sink: (chunk: Uint8Array) => chunks.push(Buffer.from(chunk)),
    bytes: () => Buffer.concat(chunks),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** Byte i of the pattern `wasirun spew` writes. */
function spewPattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

/** Deterministic pseudo-random bytes (so a reordering or a lost chunk cannot go unnoticed). */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for a condition the guest brings about (its start-up time varies with the machine's load). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 20_000) assert.fail(`gave up waiting for ${what}`);
    await delay(5);
  }
}

/** `(module (memory (export "memory") 1) (func (export "_start") unreachable))` */
const UNREACHABLE_MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x13, 0x02, 0x06, ...Buffer.from('memory'), 0x02, 0x00, 0x06, ...Buffer.from('_start'), 0x00, 0x00,
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

describe('runWasi with real Go programs', () => {
  let hello: string;
  let wasirun: string;
  before(async () => {
    [hello, wasirun] = await Promise.all([buildGoFixture('hello'), buildGoFixture('wasirun')]);
  });

  test('hello prints its greeting, arguments and environment to a captured stdout', async () => {
    const out = collector();
    const err = collector();
    const result = await runWasi({
      module: hello, args: ['hello', 'one', 'two words'], env: { GREETING: 'hi there' }, stdout: out.sink, stderr: err.sink,
    }).done;
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    assert.equal(out.text(), 'hello from wasip1\narg[0]=one\narg[1]=two words\nGREETING=hi there\n');
    assert.equal(err.text(), '');
  });

  test('exit codes other than 0 and 1 survive', async () => {
    assert.deepEqual(await runWasi({ module: wasirun, args: ['wasirun', 'exit', '33'] }).done, { kind: 'exit', code: 33 });
    assert.deepEqual(await runWasi({ module: wasirun, args: ['wasirun', 'exit', '0'] }).done, { kind: 'exit', code: 0 });
  });

  test('a panic exits 2 with the goroutine trace on stderr', async () => {
    const err = collector();
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'panic'], stderr: err.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 2 });
    assert.match(err.text(), /^panic: boom from wasirun\n\ngoroutine 1 \[running\]:\nmain\.main\(\)\n\t.*wasirun\/main\.go:\d+/);
  });

  test('10 MB through stdin arrive on stdout complete and in order', async () => {
    const input = noise(10 * 1024 * 1024);
    // Uneven chunk sizes so ring boundaries fall everywhere.
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < input.length; i++) {
      const size = 1000 + ((i * 7919) % 90_000);
      chunks.push(input.subarray(at, at + size));
      at += size;
    }
    const out = collector();
    const err = collector();
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdin: Readable.from(chunks), stdout: out.sink, stderr: err.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    assert.equal(err.text(), `copied ${input.length} bytes\n`);
    assert.ok(out.bytes().equals(input), 'stdout differs from stdin');
  });

  test('a slow stdin (chunks with pauses) loses nothing while Go polls its non-blocking stdin', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => noise(100 + i * 3000).subarray(i));
    async function* slowly() {
      for (const part of parts) {
        await delay(15);
        yield part;
      }
    }
    const out = collector();
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdin: Readable.from(slowly()), stdout: out.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    assert.ok(out.bytes().equals(Buffer.concat(parts)));
  });

  test('stdin fed with writeStdin/endStdin, as a debug console does', async () => {
    const out = collector();
    const guest = runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdout: out.sink });
    guest.writeStdin('first line\n');
    await delay(30);
    guest.writeStdin(Buffer.from('second line\n'));
    guest.endStdin();
    assert.deepEqual(await guest.done, { kind: 'exit', code: 0 });
    assert.equal(out.text(), 'first line\nsecond line\n');
  });

  test("stdin 'ignore' is an empty input and a string is the whole input", async () => {
    const err = collector();
    assert.deepEqual(await runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdin: 'ignore', stderr: err.sink }).done, { kind: 'exit', code: 0 });
    assert.equal(err.text(), 'copied 0 bytes\n');
    const out = collector();
    assert.deepEqual(await runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdin: 'héllo', stdout: out.sink }).done, { kind: 'exit', code: 0 });
    assert.equal(out.text(), 'héllo');
  });

  test('a slow stdout consumer gets every byte while memory stays bounded', async () => {
    const total = 5 * 1024 * 1024;
    const received: Buffer[] = [];
    let maxBuffered = 0;
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        // Every few writes the consumer takes a break; the guest must wait, not lose output.
        if (++writes % 4 === 0) setTimeout(callback, 2);
        else setImmediate(callback);
      },
    });
    const trackBuffered = setInterval(() => (maxBuffered = Math.max(maxBuffered, slow.writableLength)), 1);
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'spew', String(total)], stdout: slow }).done;
    clearInterval(trackBuffered);
    maxBuffered = Math.max(maxBuffered, slow.writableLength);
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    assert.ok(Buffer.concat(received).equals(spewPattern(total)));
    assert.ok(maxBuffered <= DEFAULT_RING_BYTES + 1024, `the sink buffered ${maxBuffered} bytes`);
    assert.equal(slow.writableEnded, false, 'a caller-owned stream is not ended');
  });

  test('a stdout that closes early (like `| head`) gives the guest EPIPE instead of a hang', async () => {
    let kept = 0;
    const head = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        kept += chunk.length;
        callback();
        if (kept >= 100_000) this.destroy();
      },
    });
    const err = collector();
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'forever'], stdout: head, stderr: err.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 3 });
    assert.match(err.text(), /^write failed: write \/dev\/stdout: broken pipe\n$/i);
    assert.ok(kept >= 100_000);
  });

  test('timers on many goroutines run concurrently through poll_oneoff clock subscriptions', async () => {
    const out = collector();
    const result = await runWasi({ module: wasirun, args: ['wasirun', 'sleepers'], stdout: out.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    const match = /^slept (\d+)\n$/.exec(out.text());
    assert.ok(match, out.text());
    const ms = Number(match[1]);
    // Ten 50 ms sleeps, a 3-tick ticker and a 20 ms timer overlap: far below their 550 ms sum.
    assert.ok(ms >= 50 && ms < 500, `took ${ms} ms`);
  });

  test('stop() ends a guest in a loop that never calls the host', async () => {
    const guest = runWasi({ module: wasirun, args: ['wasirun', 'busy'] });
    await delay(300);
    const stoppedAt = Date.now();
    guest.stop();
    assert.deepEqual(await guest.done, { kind: 'stopped' } satisfies RunResult);
    assert.ok(Date.now() - stoppedAt < 1000, `stop took ${Date.now() - stoppedAt} ms`);
  });

  test('stop() ends a guest blocked reading a stdin that never comes', async () => {
    const out = collector();
    const guest = runWasi({ module: wasirun, args: ['wasirun', 'cat'], stdout: out.sink });
    guest.writeStdin('partial');
    // Once the input is echoed, the guest is back in a read that nothing will satisfy.
    await until(() => out.text() === 'partial', 'the echo');
    await delay(50);
    guest.stop();
    assert.deepEqual(await guest.done, { kind: 'stopped' });
    assert.equal(out.text(), 'partial');
  });
});

describe('runWasi with modules that cannot run', () => {
  test('bytes that are not wasm give an error result', async () => {
    const result = await runWasi({ module: Buffer.from('#!/bin/sh\necho hi\n') }).done;
    assert.equal(result.kind, 'error');
    assert.match((result as { message: string }).message, /^not a valid wasm module: /);
  });

  test('a missing file gives an error result naming it', async () => {
    const result = await runWasi({ module: '/nonexistent/prog.wasm' }).done;
    assert.equal(result.kind, 'error');
    assert.match((result as { message: string }).message, /cannot read \/nonexistent\/prog\.wasm/);
  });

  test('a trap is reported with its kind', async () => {
    const result = await runWasi({ module: UNREACHABLE_MODULE }).done;
    assert.equal(result.kind, 'trap');
    assert.equal((result as { trapKind: string }).trapKind, 'unreachable');
  });

  test('a module still compiling (a promise) runs once it resolves, while the worker boots', async () => {
    const pending = WebAssembly.compile(UNREACHABLE_MODULE).then((module) => ({ module }));
    const result = await runWasi({ module: pending }).done;
    assert.equal(result.kind, 'trap');
    assert.equal((result as { trapKind: string }).trapKind, 'unreachable');
  });

  test('a module promise that rejects gives an error result with its message', async () => {
    const pending = Promise.reject(new Error('the caller could not prepare it'));
    const result = await runWasi({ module: pending }).done;
    assert.equal(result.kind, 'error');
    assert.match((result as { message: string }).message, /the caller could not prepare it/);
  });

  test('a preopen that does not exist is an error result naming it', async () => {
    const result = await runWasi({ module: UNREACHABLE_MODULE, preopens: [{ hostPath: '/nonexistent/dir', guestPath: '/' }] }).done;
    assert.equal(result.kind, 'error');
    assert.match((result as { message: string }).message, /^cannot preopen \/nonexistent\/dir as \/: /);
  });

  test('a worker script that does not exist is an error result, not a throw', async () => {
    const result = await runWasi({ module: UNREACHABLE_MODULE, workerScript: '/nonexistent/hostWorker.js' }).done;
    assert.equal(result.kind, 'error');
    assert.match((result as { message: string }).message, /worker script was not found/);
  });
});
