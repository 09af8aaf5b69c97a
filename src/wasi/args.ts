// args_get, args_sizes_get, environ_get, environ_sizes_get: both lists have the same layout,
// an array of pointers into one buffer of NUL-terminated strings.
import type { GuestMemory } from './guestMemory';
import type { HostContext, HostFunctions } from './hostContext';
import { Errno } from './spec/errno';

function writeList(memory: GuestMemory, list: readonly Uint8Array[], pointers: number, buffer: number): number {
  memory.refresh();
  let total = 0;
  for (const item of list) total += item.length + 1;
  memory.check(pointers, list.length * 4);
  memory.check(buffer, total);
  let cursor = buffer;
  for (let i = 0; i < list.length; i++) {
    memory.setU32(pointers + i * 4, cursor);
    memory.write(cursor, list[i]);
    cursor += list[i].length;
    memory.setU8(cursor++, 0);
  }
  return Errno.SUCCESS;
}

function writeSizes(memory: GuestMemory, list: readonly Uint8Array[], countOut: number, sizeOut: number): number {
  memory.refresh();
  let total = 0;
  for (const item of list) total += item.length + 1;
  memory.setU32(countOut, list.length);
  memory.setU32(sizeOut, total);
  return Errno.SUCCESS;
}

export function argsFunctions(ctx: HostContext): HostFunctions {
  const { memory } = ctx;
  return {
    args_get: (argv: number, argvBuf: number) => writeList(memory, ctx.args, argv >>> 0, argvBuf >>> 0),
    args_sizes_get: (countOut: number, sizeOut: number) => writeSizes(memory, ctx.args, countOut >>> 0, sizeOut >>> 0),
  };
}

export function environFunctions(ctx: HostContext): HostFunctions {
  const { memory } = ctx;
  return {
    environ_get: (environ: number, environBuf: number) => writeList(memory, ctx.env, environ >>> 0, environBuf >>> 0),
    environ_sizes_get: (countOut: number, sizeOut: number) => writeSizes(memory, ctx.env, countOut >>> 0, sizeOut >>> 0),
  };
}
