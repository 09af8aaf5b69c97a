// Turns a host call's raw wasm values into what a person debugging it wants to read: paths as text,
// written bytes as a preview, flags by name, out-pointers as the values the host stored. One decoder
// serves breakpoint conditions, the Variables view and the trace, so they never disagree.
import type { Descriptor } from '../wasi/descriptors';
import type { GuestMemory } from '../wasi/guestMemory';
import { type ParamKind, type WasiFunctionSpec, wasiFunctionByName, wasiLayouts } from '../wasi/spec/catalogue';
import { enumsByName, flagsByName, formatEnum, formatFlags } from '../wasi/spec/constants';
import { errnoName } from '../wasi/spec/errno';

/** Bytes of guest data copied into a decoded value: enough to recognise, small enough to post often. */
const PREVIEW_BYTES = 512;
/** Bytes of written data a condition may search (`iovs.includes("needle")`). */
const CONDITION_BYTES = 64 * 1024;

export interface DecodedArgument {
  name: string;
  /** What the Variables view and the trace show. */
  display: string;
  /** What a condition sees: strings for paths and data, numbers for fds and sizes, flag names joined by |. */
  value: string | number | bigint;
  /** Guest address when the argument is a pointer (lets the Variables view offer memory). */
  pointer?: number;
}

export interface DecodedCall {
  module: string;
  name: string;
  arguments: DecodedArgument[];
  /** Raw wasm values in parameter order. */
  raw: (number | bigint)[];
  /** Set once the call returned: errno name ("SUCCESS", "NOENT"), and the out values it stored. */
  result?: { errno: number; errnoName: string; outputs: DecodedArgument[] };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes the inputs of a call about to run. Unknown functions (other modules) show raw values. */
export function decodeCallArguments(
  module: string,
  name: string,
  raw: readonly (number | bigint)[],
  memory: GuestMemory,
  describeFd: (fd: number) => string | undefined,
  forCondition = false,
): DecodedCall {
  const spec = wasiFunctionByName.get(name);
  const call: DecodedCall = { module, name, arguments: [], raw: [...raw] };
  if (!spec || module !== 'wasi_snapshot_preview1') {
    raw.forEach((value, i) => call.arguments.push({ name: `arg${i}`, display: String(value), value }));
    return call;
  }
  memory.refresh();
  const byName = rawByName(spec, raw);
  spec.params.forEach((param, i) => {
    const decoded = decodeInput(param.name, param.decode, raw[i], byName, memory, describeFd, forCondition);
    if (decoded) call.arguments.push(decoded);
  });
  return call;
}

/** Adds the errno and the values the host stored through out-pointers once the call returned. */
export function decodeCallResult(call: DecodedCall, errno: number | undefined, memory: GuestMemory): void {
  const spec = wasiFunctionByName.get(call.name);
  if (errno === undefined || !spec) return;
  memory.refresh();
  const outputs: DecodedArgument[] = [];
  if (errno === 0) {
    const byName = rawByName(spec, call.raw);
    spec.params.forEach((param, i) => {
      const decoded = decodeOutput(param.name, param.decode, call.raw[i], byName, memory);
      if (decoded) outputs.push(decoded);
    });
  }
  call.result = { errno, errnoName: errnoName(errno), outputs };
}

/** `fd_write(fd=1 (stdout), iovs="hi\n")` for traces and stop descriptions. */
export function formatCall(call: DecodedCall): string {
  return `${call.name}(${call.arguments.map((a) => `${a.name}=${a.display}`).join(', ')})`;
}

export function formatResult(call: DecodedCall): string {
  if (!call.result) return '';
  const outs = call.result.outputs.map((o) => `${o.name}=${o.display}`).join(', ');
  return call.result.errnoName + (outs ? ` (${outs})` : '');
}

function rawByName(spec: WasiFunctionSpec, raw: readonly (number | bigint)[]): Map<string, number | bigint> {
  return new Map(spec.params.map((p, i) => [p.name, raw[i]]));
}

function num(value: number | bigint | undefined): number {
  return typeof value === 'bigint' ? Number(value) : (value ?? 0) >>> 0;
}

function hex(pointer: number): string {
  return '0x' + (pointer >>> 0).toString(16);
}

function quote(bytes: Uint8Array, total: number): string {
  const shown = JSON.stringify(utf8.decode(bytes.subarray(0, PREVIEW_BYTES)));
  return total > PREVIEW_BYTES ? `${shown}… (${total} bytes)` : shown;
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    // A bad guest pointer is the guest's bug to see, not the debugger's to crash on.
    return fallback;
  }
}

function decodeInput(
  name: string,
  kind: ParamKind,
  raw: number | bigint,
  byName: Map<string, number | bigint>,
  memory: GuestMemory,
  describeFd: (fd: number) => string | undefined,
  forCondition: boolean,
): DecodedArgument | undefined {
  switch (kind.kind) {
    case 'fd': {
      const fd = num(raw);
      const what = describeFd(fd);
      return { name, display: what ? `${fd} (${what})` : String(fd), value: fd };
    }
    case 'filesize': case 'filedelta': case 'timestamp': case 'dircookie': {
      const value = typeof raw === 'bigint' && raw <= BigInt(Number.MAX_SAFE_INTEGER) && raw >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw;
      return { name, display: String(value), value };
    }
    case 'exitcode':
      return { name, display: String(num(raw)), value: num(raw) };
    case 'signal': case 'enum': {
      const set = kind.kind === 'signal' ? enumsByName.signal : enumsByName[kind.enum];
      const text = formatEnum(set, num(raw));
      return { name, display: text, value: text };
    }
    case 'flags': {
      const text = formatFlags(flagsByName[kind.flags], raw);
      return { name, display: text, value: text };
    }
    case 'stringPtr': {
      const pointer = num(raw);
      const text = safely(() => memory.string(pointer, num(byName.get(kind.lengthParam))), '<invalid pointer>');
      return { name, display: JSON.stringify(text), value: text, pointer };
    }
    case 'ciovecs': {
      const pointer = num(raw);
      const bytes = safely(() => gatherIovecs(memory, pointer, num(byName.get(kind.lengthParam)), forCondition ? CONDITION_BYTES : PREVIEW_BYTES), undefined);
      if (!bytes) return { name, display: '<invalid pointer>', value: '', pointer };
      return { name, display: quote(bytes.data, bytes.total), value: utf8.decode(bytes.data), pointer };
    }
    case 'iovecs': {
      const pointer = num(raw);
      const capacity = safely(() => iovecCapacity(memory, pointer, num(byName.get(kind.lengthParam))), 0);
      return { name, display: `${num(byName.get(kind.lengthParam))} buffer(s), ${capacity} bytes of room`, value: capacity, pointer };
    }
    case 'subscriptions': {
      const pointer = num(raw);
      const count = num(byName.get(kind.countParam));
      const text = safely(() => describeSubscriptions(memory, pointer, count), '<invalid pointer>');
      return { name, display: text, value: text, pointer };
    }
    case 'count':
      return { name, display: String(num(raw)), value: num(raw) };
    case 'stringLen': case 'listLen': case 'bufferLen':
      // Folded into the pointer they measure.
      return undefined;
    case 'bufferPtr': case 'eventsOut': case 'tablePointers': case 'tableBytes': case 'out':
      return { name, display: hex(num(raw)), value: num(raw), pointer: num(raw) };
  }
}

function decodeOutput(name: string, kind: ParamKind, raw: number | bigint, byName: Map<string, number | bigint>, memory: GuestMemory): DecodedArgument | undefined {
  const pointer = num(raw);
  if (kind.kind === 'out') {
    switch (kind.pointee) {
      case 'size': case 'fd': {
        const value = safely(() => memory.u32(pointer), -1);
        return { name, display: String(value), value, pointer };
      }
      case 'filesize': case 'timestamp': {
        const value = safely(() => memory.u64AsNumber(pointer), -1);
        return { name, display: String(value), value, pointer };
      }
      default:
        return { name, display: `${kind.pointee} at ${hex(pointer)}`, value: pointer, pointer };
    }
  }
  if (kind.kind === 'bufferPtr' && kind.usedParam) {
    const used = safely(() => memory.u32(num(byName.get(kind.usedParam as string))), 0);
    const bytes = safely(() => memory.slice(pointer, Math.min(used, PREVIEW_BYTES)).slice(), new Uint8Array(0));
    return { name, display: kind.content === 'text' ? quote(bytes, used) : `${used} bytes at ${hex(pointer)}`, value: utf8.decode(bytes), pointer };
  }
  return undefined;
}

function gatherIovecs(memory: GuestMemory, pointer: number, count: number, limit: number): { data: Uint8Array; total: number } {
  const { size, fields } = wasiLayouts.ciovec;
  const parts: Uint8Array[] = [];
  let total = 0;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const buf = memory.u32(pointer + i * size + fields.buf.offset);
    const len = memory.u32(pointer + i * size + fields.buf_len.offset);
    total += len;
    const take = Math.min(len, limit - kept);
    if (take > 0) {
      parts.push(memory.slice(buf, take).slice());
      kept += take;
    }
  }
  return { data: Buffer.concat(parts), total };
}

function iovecCapacity(memory: GuestMemory, pointer: number, count: number): number {
  const { size, fields } = wasiLayouts.iovec;
  let total = 0;
  for (let i = 0; i < count; i++) total += memory.u32(pointer + i * size + fields.buf_len.offset);
  return total;
}

/** "clock 1000000ns; fd_read 0" — what poll_oneoff is waiting for. */
function describeSubscriptions(memory: GuestMemory, pointer: number, count: number): string {
  const { size, fields } = wasiLayouts.subscription;
  const parts: string[] = [];
  for (let i = 0; i < Math.min(count, 16); i++) {
    const base = pointer + i * size;
    const tag = memory.u8(base + fields.tag.offset);
    if (tag === 0) {
      const absolute = (memory.u16(base + fields.clock_flags.offset) & 1) !== 0;
      parts.push(`clock ${memory.u64AsNumber(base + fields.clock_timeout.offset)}ns${absolute ? ' (absolute)' : ''}`);
    } else {
      parts.push(`${tag === 1 ? 'fd_read' : 'fd_write'} ${memory.u32(base + fields.fd_readwrite_file_descriptor.offset)}`);
    }
  }
  return parts.join('; ') + (count > 16 ? `; … (${count})` : '');
}

/** "stdout", "file /data/x.txt", "dir /" — a short name for an open descriptor. */
export function describeDescriptor(descriptor: Descriptor | undefined): string | undefined {
  if (!descriptor) return undefined;
  const d = descriptor as Descriptor & { name?: unknown; guestPath?: unknown };
  if (typeof d.guestPath === 'string') return `${descriptor.constructor.name.replace(/Descriptor$/, '').toLowerCase()} ${d.guestPath}`;
  if (typeof d.name === 'string') return d.name;
  return descriptor.constructor.name;
}
