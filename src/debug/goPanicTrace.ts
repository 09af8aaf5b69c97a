// Reads the panicking goroutine's frames out of the traceback Go prints before proc_exit(2). At that
// proc_exit Go runs on the system stack (fatalpanic → systemstack), so walking the live stack finds
// only runtime frames; the printed traceback names the user's frames with file:line, in any Go version.
import type { StackFrameInfo } from './debugWorkerProtocol';

/** `\t/abs/path/main.go:13 +0x2` */
const POSITION_LINE = /^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$/;
/**
 * `main.explode(...)`, `main.(*T).M(0x1, ...)`, `created by main.main in goroutine 1`: the arguments are
 * the last parenthesized group, whose contents hold no parentheses (a method's receiver does).
 */
const FUNCTION_LINE = /^(?:created by )?(.+?)(?:\([^()]*\))?(?: in goroutine \d+)?$/;

/** Frames of the first goroutine block ("goroutine 1 [running]:") of a Go panic text, innermost first. */
export function panickingGoroutineFrames(panicText: string): StackFrameInfo[] {
  const lines = panicText.split('\n');
  const start = lines.findIndex((line) => /^goroutine \d+ \[.*\]:$/.test(line));
  if (start < 0) return [];
  const frames: StackFrameInfo[] = [];
  for (let i = start + 1; i + 1 < lines.length; i += 2) {
    if (lines[i] === '' || lines[i].startsWith('goroutine ')) break;
    const fn = FUNCTION_LINE.exec(lines[i]);
    const position = POSITION_LINE.exec(lines[i + 1]);
    if (!fn || !position) break;
    frames.push({ name: fn[1], file: position[1], line: Number(position[2]), kind: 'go' });
  }
  return frames;
}
