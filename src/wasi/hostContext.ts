// What every function family receives: the guest's memory, its fd table and the process facts.
import type { FdTable } from './descriptors';
import type { GuestMemory } from './guestMemory';
import type { ReadinessSignal } from './streams';

export interface HostContext {
  readonly memory: GuestMemory;
  readonly fds: FdTable;
  /** argv as the guest sees it, UTF-8 encoded once at start. */
  readonly args: readonly Uint8Array[];
  /** "NAME=VALUE" entries, UTF-8 encoded once at start. */
  readonly env: readonly Uint8Array[];
  readonly readiness: ReadinessSignal;
  /** Set when the embedder asked the guest to stop; checked by blocking calls so they end promptly. */
  readonly stopRequested: () => boolean;
}

/** A host function as wasm calls it: i32/f32/f64 arrive as numbers, i64 as bigint. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostFunction = (...args: any[]) => number | void;

export type HostFunctions = Record<string, HostFunction>;
