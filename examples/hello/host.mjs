// The host module of examples/hello: it supplies the import module "hello" that main.go declares
// with //go:wasmimport. wasip1 loads it with `--import hello=host.mjs`; the types of `host` are in
// types/wasip1-host.d.ts (your editor completes them through the @type comment below).

/** @type {import('../../types/wasip1-host').HostModule} */
export default (host) => ({
  // greet(name, nameLen, out, outCap) -> bytes written: reads a Go string from guest memory and
  // writes the answer back into the buffer the Go code passed, never past its capacity.
  greet(name, nameLength, out, outCapacity) {
    const who = host.memory.string(name, nameLength);
    const hour = new Date().getHours();
    const part = hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
    const text = `Good ${part}, ${who}! This line was written by JavaScript (Node ${process.version}) into Go's memory.`;
    return host.memory.writeString(out, text, outCapacity);
  },
});
