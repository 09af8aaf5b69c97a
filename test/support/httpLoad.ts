// A bounded HTTP load generator for servers on loopback: `clients` concurrent clients share a
// fixed number of requests, each checking its own response, so a lost or crossed reply is seen.
import * as http from 'node:http';
import * as net from 'node:net';

export interface LoadResult {
  ok: number;
  failures: string[];
  seconds: number;
  requestsPerSecond: number;
}

/** GET /hello/r<N> for N in [0, total); every answer must start with "hello r<N> #". */
export async function helloLoad(port: number, total: number, clients: number, keepAlive: boolean): Promise<LoadResult> {
  let next = 0;
  let ok = 0;
  const failures: string[] = [];
  const started = performance.now();
  const client = async (): Promise<void> => {
    const agent = new http.Agent({ keepAlive, maxSockets: 1 });
    try {
      while (next < total) {
        const n = next++;
        try {
          const body = await get(port, `/hello/r${n}`, agent);
          if (body.startsWith(`hello r${n} #`)) ok++;
          else failures.push(`r${n}: ${JSON.stringify(body)}`);
        } catch (error) {
          failures.push(`r${n}: ${(error as Error).message}`);
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  return { ok, failures, seconds, requestsPerSecond: Math.round(total / seconds) };
}

export function get(port: number, path: string, agent?: http.Agent): Promise<string> {
  return request(port, 'GET', path, undefined, agent).then((r) => r.toString('utf8'));
}

export function request(port: number, method: string, path: string, body?: Uint8Array, agent?: http.Agent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: agent ?? false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A port nobody listens on right now (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port, polling for at most `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
