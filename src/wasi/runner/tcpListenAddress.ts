// `--tcplisten HOST:PORT` as text, apart from the sockets themselves, so the command line can be
// read without loading node:net.

export interface TcpListenAddress {
  /** Interface to bind, e.g. "127.0.0.1" or "::1". */
  readonly host: string;
  /** 0 picks a free port; the bound one is reported by `listening`. */
  readonly port: number;
}

/** Parses `HOST:PORT` (IPv6 in brackets: `[::1]:8080`). */
export function parseTcpListenAddress(text: string): TcpListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`"${text}" is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080)`);
  return { host: match[1] ?? match[2], port };
}

/** The inverse of parseTcpListenAddress: `HOST:PORT`, an IPv6 host in brackets. */
export function formatTcpListenAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
