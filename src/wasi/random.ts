// random_get: cryptographically secure bytes straight into guest memory.
import { openSync, readSync } from 'node:fs';
import type * as Crypto from 'node:crypto';
import type { HostContext, HostFunctions } from './hostContext';
import { Errno } from './spec/errno';

/**
 * Up to this many bytes come from the kernel's /dev/urandom: the few seeds a Go program asks for
 * at start-up then cost one read(2), and node:crypto (3 ms to load, OpenSSL behind it) is loaded
 * only for bulk requests, where it is ten times faster than the kernel.
 */
const KERNEL_MAX_BYTES = 4096;

/** The open /dev/urandom; null where there is none (Windows). */
let urandom: number | null | undefined;

function kernelRandom(): number | null {
  if (urandom === undefined) {
    try {
      urandom = openSync('/dev/urandom', 'r');
    } catch {
      urandom = null;
    }
  }
  return urandom;
}

let cryptoFill: typeof Crypto.randomFillSync | undefined;

function bulkRandom(): typeof Crypto.randomFillSync {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cryptoFill ??= (require('node:crypto') as typeof Crypto).randomFillSync;
  return cryptoFill;
}

/** Fills bytes[offset, offset+length) with secure random bytes. */
export function fillRandom(bytes: Uint8Array, offset: number, length: number): void {
  const kernel = length <= KERNEL_MAX_BYTES ? kernelRandom() : null;
  if (kernel !== null) {
    // /dev/urandom never blocks once the system is up and returns what was asked, up to 32 MiB.
    for (let done = 0; done < length; ) done += readSync(kernel, bytes, offset + done, length - done, null);
    return;
  }
  const fill = bulkRandom();
  // randomFillSync refuses more than 2**31-1 bytes at once; memory is at most 4 GiB.
  for (let done = 0; done < length; ) {
    const chunk = Math.min(length - done, 0x4000_0000);
    fill(bytes, offset + done, chunk);
    done += chunk;
  }
}

export function randomFunctions(ctx: HostContext): HostFunctions {
  const { memory } = ctx;
  return {
    random_get: (buffer: number, length: number) => {
      memory.refresh();
      buffer >>>= 0;
      length >>>= 0;
      memory.check(buffer, length);
      fillRandom(memory.bytes, buffer, length);
      return Errno.SUCCESS;
    },
  };
}
