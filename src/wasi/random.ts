// random_get: cryptographically secure bytes straight into guest memory.
import { randomFillSync } from 'node:crypto';
import type { HostContext, HostFunctions } from './hostContext';
import { Errno } from './spec/errno';

export function randomFunctions(ctx: HostContext): HostFunctions {
  const { memory } = ctx;
  return {
    random_get: (buffer: number, length: number) => {
      memory.refresh();
      buffer >>>= 0;
      length >>>= 0;
      memory.check(buffer, length);
      // randomFillSync refuses more than 2**31-1 bytes at once; memory is at most 4 GiB.
      for (let done = 0; done < length; ) {
        const chunk = Math.min(length - done, 0x4000_0000);
        randomFillSync(memory.bytes, buffer + done, chunk);
        done += chunk;
      }
      return Errno.SUCCESS;
    },
  };
}
