// proc_exit, proc_raise and sched_yield.
import type { HostContext, HostFunctions } from './hostContext';
import { Errno } from './spec/errno';
import { ProcExit } from './wasiError';

export function procFunctions(_ctx: HostContext): HostFunctions {
  return {
    proc_exit: (code: number) => {
      throw new ProcExit(code >>> 0);
    },
    // Signals have no meaning for a sandboxed guest; the spec itself deprecates this call.
    proc_raise: (_signal: number) => Errno.NOTSUP,
  };
}

export function schedFunctions(_ctx: HostContext): HostFunctions {
  // The guest owns its thread; there is nobody to yield to.
  return { sched_yield: () => Errno.SUCCESS };
}
