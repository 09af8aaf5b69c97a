// Preopened listening sockets (runWasi's tcpListen, the CLI's --tcplisten): real TCP on loopback,
// served by Go programs built for wasip1, through Go's net package and through raw WASI calls.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runWasi, type RunningGuest } from '../../../src/wasi/runner/runWasi';
import { parseTcpListenAddress } from '../../../src/wasi/runner/tcpListeners';
import { buildGoFixture } from '../../support/goFixtures';
import { get, helloLoad, request } from '../../support/httpLoad';

function collect() {
  let text = '';
  return { sink: (chunk: Uint8Array) => (text += Buffer.from(chunk).toString('utf8')), text: () => text };
}

/** Sends raw bytes, half-closes, and returns everything the server sends until it closes. */
function exchange(port: number, data: string | Buffer, halfClose = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data);
      if (halfClose) socket.end();
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
      socket.destroy();
    });
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
  });
}

async function startServer(extra: { args?: string[]; preopens?: { hostPath: string; guestPath: string }[] } = {}): Promise<{ guest: RunningGuest; port: number; stdout: () => string; stderr: () => string }> {
  const module = await buildGoFixture('hostext_httpserver');
  const out = collect();
  const err = collect();
  const guest = runWasi({
    module,
    args: ['server.wasm', ...(extra.args ?? [])],
    preopens: extra.preopens,
    tcpListen: [{ host: '127.0.0.1', port: 0 }],
    stdout: out.sink,
    stderr: err.sink,
  });
  const [address] = await guest.listening;
  assert.equal(address.host, '127.0.0.1');
  assert.ok(address.port > 0);
  return { guest, port: address.port, stdout: out.text, stderr: err.text };
}

describe('a Go net/http server on a preopened socket', () => {
  before(async () => {
    await buildGoFixture('hostext_httpserver');
  });

  test('serves 1,000 requests from 16 concurrent clients, large bodies both ways, and shuts down with the guest', async () => {
    const { guest, port, stdout, stderr } = await startServer();
    // Keep-alive: connections are reused (reads block in poll_oneoff between requests).
    const kept = await helloLoad(port, 1000, 16, true);
    assert.deepEqual(kept.failures, []);
    assert.equal(kept.ok, 1000);
    // One connection per request: the accept path under load.
    const fresh = await helloLoad(port, 200, 16, false);
    assert.deepEqual(fresh.failures, []);
    assert.equal(fresh.ok, 200);
    // 1 MiB each way is sixteen times the ring: backpressure in both directions.
    const body = Buffer.alloc(1 << 20);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 9)) & 0xff;
    const echoed = await request(port, 'POST', '/echo', body);
    assert.equal(echoed.length, body.length);
    assert.ok(echoed.equals(body), 'the echoed body differs');

    assert.equal(await get(port, '/quit'), 'served 1201\n');
    assert.deepEqual(await guest.done, { kind: 'exit', code: 0 });
    assert.equal(stdout(), 'serving\nshut down after 1201 requests\n');
    assert.equal(stderr(), '');
    // The listening socket went with the guest.
    await assert.rejects(get(port, '/hello/late'), /ECONNREFUSED/);
  });

  test('answers a client that half-closes after its request, and survives one that resets', async () => {
    const { guest, port } = await startServer();
    const answer = await exchange(port, 'GET /hello/half HTTP/1.0\r\nHost: x\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.0 200 OK\r\n/);
    assert.match(answer, /\r\n\r\nhello half #1\n$/);
    // A client that sends half a request and resets the connection.
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('GET /hello/reset HTTP/1.1\r\nHost: x\r\n');
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 50);
      });
    });
    assert.equal(await get(port, '/hello/after'), 'hello after #2\n');
    await get(port, '/quit');
    assert.deepEqual(await guest.done, { kind: 'exit', code: 0 });
  });

  test('sockets take the fds after the preopened directories', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasip1-tcp-'));
    // With one directory preopened (fd 3), the socket is fd 4.
    const { guest, port } = await startServer({ args: ['-fd', '4'], preopens: [{ hostPath: dir, guestPath: '/' }] });
    assert.equal(await get(port, '/hello/four'), 'hello four #1\n');
    await get(port, '/quit');
    assert.deepEqual(await guest.done, { kind: 'exit', code: 0 });
  });

  test('stopping the guest closes its listener and its connections', async () => {
    const { guest, port } = await startServer();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    assert.equal(await get(port, '/hello/x'), 'hello x #1\n');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.resume();
    guest.stop();
    assert.deepEqual(await guest.done, { kind: 'stopped' });
    await closed;
    await assert.rejects(get(port, '/hello/late'), /ECONNREFUSED/);
  });

  test('an address that cannot be bound ends the run before the guest starts', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const out = collect();
      const guest = runWasi({ module: await buildGoFixture('hostext_httpserver'), tcpListen: [{ host: '127.0.0.1', port }], stdout: out.sink });
      await assert.rejects(guest.listening, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is in use`));
      const result = await guest.done;
      assert.deepEqual(result, { kind: 'error', reason: 'listen', message: `cannot listen on 127.0.0.1:${port}: the address is in use` });
      assert.equal(out.text(), '');
    } finally {
      holder.close();
    }
  });
});

describe('raw WASI socket calls on a preopened socket', () => {
  test('accept (non-blocking, then blocking), recv with peek, send, shutdown, read, write and close', async () => {
    const out = collect();
    const err = collect();
    const guest = runWasi({ module: await buildGoFixture('hostext_rawsock'), tcpListen: [{ host: '127.0.0.1', port: 0 }], stdout: out.sink, stderr: err.sink });
    const [{ port }] = await guest.listening;
    // The guest first checks that accept would block with nobody waiting: connect only after that.
    for (let waited = 0; !out.text().includes('accept would block\n'); waited += 20) {
      assert.ok(waited < 20_000, `the guest never got to accept: ${err.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const request = 'hello world, this is the request';
    for (const i of [0, 1]) {
      // The guest half-closes (shutdown WR) before it closes: the peer sees the end of the reply.
      assert.equal(await exchange(port, request), `conn ${i}: peeked "hello", then ${request.length - 5} more bytes\nbye\n`);
    }
    assert.deepEqual(await guest.done, { kind: 'exit', code: 0 }, err.text());
    assert.equal(out.text(), 'accept would block\nserved connection 0\nserved connection 1\n');
  });
});

describe('--tcplisten addresses', () => {
  test('parses HOST:PORT and [IPv6]:PORT, and refuses the rest', () => {
    assert.deepEqual(parseTcpListenAddress('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseTcpListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseTcpListenAddress('localhost:65535'), { host: 'localhost', port: 65535 });
    for (const bad of ['8080', '127.0.0.1', '127.0.0.1:65536', '::1:80', '127.0.0.1:http']) {
      assert.throws(() => parseTcpListenAddress(bad), /is not HOST:PORT/, bad);
    }
  });
});
