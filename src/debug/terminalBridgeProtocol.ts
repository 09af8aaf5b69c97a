// What the debug adapter and the terminal bridge (the small process a `runInTerminal` request starts
// in the user's terminal) say over their local socket. Both directions are framed, so the guest's
// stdout and stderr stay apart and the bridge can tell "stdin ended" (Ctrl-D) from "interrupted"
// (Ctrl-C) from "the terminal went away" (the socket closed without either).
//
// A frame is one type byte, a big-endian u32 payload length, and the payload.

export const FrameType = {
  /** Bridge → adapter, first frame, payload: the token from the command line. */
  Hello: 1,
  /** Bridge → adapter: bytes typed into the terminal. */
  Stdin: 2,
  /** Bridge → adapter: the terminal's stdin ended (Ctrl-D on an empty line, or a closed pipe). */
  StdinEnd: 3,
  /** Bridge → adapter: Ctrl-C; the guest cannot take signals, so it is ended. */
  Interrupt: 4,
  /** Adapter → bridge: the guest's stdout bytes. */
  Stdout: 5,
  /** Adapter → bridge: the guest's stderr bytes. */
  Stderr: 6,
  /** Adapter → bridge: JSON `TerminalExit`; the bridge exits with `code`. */
  Exit: 7,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

export interface TerminalExit {
  code: number;
  /** One line for the terminal when the guest did not simply exit (a trap, a terminated session). */
  message?: string;
}

const HEADER_BYTES = 5;
/** Nothing legitimate is bigger than a ring's worth of output; a bigger length is a broken peer. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export function encodeFrame(type: FrameType, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt8(type, 0);
  frame.writeUInt32BE(payload.length, 1);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

export class FrameError extends Error {}

/** Reassembles frames from socket chunks, which split and join them arbitrarily. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload = MAX_FRAME_BYTES) {}

  /** The complete frames `chunk` finishes; throws FrameError on a length no peer of ours sends. */
  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buffered.length >= HEADER_BYTES) {
      const length = this.buffered.readUInt32BE(1);
      if (length > this.maxPayload) throw new FrameError(`frame of ${length} bytes exceeds ${this.maxPayload}`);
      if (this.buffered.length < HEADER_BYTES + length) break;
      frames.push({ type: this.buffered.readUInt8(0) as FrameType, payload: this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + length) });
      this.buffered = this.buffered.subarray(HEADER_BYTES + length);
    }
    return frames;
  }
}
