// The hover for a //go:wasmimport or //go:wasmexport func: what the host function is, how the Go
// parameters line up with its wasm parameters, what errors it returns and who supplies it.
import { Errno, errnoMeaning } from '../wasi/spec/errno';
import { formatWasiSignature, wasiSpecUrl, wasmSignature, type ErrnoName, type WasiFunctionSpec } from '../wasi/spec/catalogue';
import type { GoLanguageVersion as GoVersion } from '../gotool/goVersion';
import { formatGoType } from './goTypeSyntax';
import type { WasmDirective } from './wasmDirectiveScanner';
import { wasiSignatureMismatch } from './wasmimportDiagnostics';
import { formatGoFuncSignature } from './wasmimportIndex';
import { describeResolution, resolveWasmImport, type HostModuleMap } from './wasmimportResolution';
import { checkWasmSignature, formatWasmSignature, type GoTypeScope, type WasmSignatureCheck } from './wasmimportTypes';

export interface WasmimportHoverInput {
  directive: WasmDirective;
  goVersion: GoVersion;
  scope: GoTypeScope;
  hostModules?: HostModuleMap;
  /** Said when the file is left out of GOOS=wasip1 builds (a file name suffix or //go:build). */
  inWasip1Build?: boolean;
}

/** Markdown for the hover; undefined for a directive too malformed to say anything about. */
export function wasmimportHoverMarkdown(input: WasmimportHoverInput): string | undefined {
  const { directive } = input;
  if (!directive.name) return undefined;
  const check = directive.func ? checkWasmSignature(directive, input.goVersion, input.scope) : undefined;
  const lines: string[] = [];
  const goLine = directive.func ? formatGoFuncSignature(directive.func) : undefined;
  const lowered = check?.wasmSignature ? formatWasmSignature(check.wasmSignature) || '(no params, no result)' : undefined;

  if (directive.kind === 'wasmexport') {
    lines.push(`**wasm export \`${directive.name.value}\`**`, '');
    if (goLine) lines.push('```go', goLine, '```');
    if (lowered) lines.push(`wasm type: \`${lowered}\``, '');
    lines.push('The host calls it by this name once the module is instantiated (Go 1.24+; build a reactor with `-buildmode=c-shared` to call it after `_initialize`).');
    return lines.join('\n');
  }

  const module = directive.module!.value;
  const name = directive.name.value;
  const resolution = resolveWasmImport(module, name, input.hostModules);
  lines.push(`**wasm import \`${module}.${name}\`**`, '');
  if (resolution.kind === 'wasi-host') {
    const spec = resolution.spec;
    lines.push('```', formatWasiSignature(spec), '```', '', spec.doc + (spec.posix ? ` (POSIX: \`${spec.posix}\`)` : ''), '');
    lines.push(...parameterTable(spec, check), '');
    lines.push(...errnoLines(spec), '');
    const mismatch = check && wasiSignatureMismatch(spec, check);
    lines.push(mismatch
      ? `$(error) ${mismatch} [WASI reference](${wasiSpecUrl(spec.name)})`
      : `$(check) Implemented by the wasip1 host. [WASI reference](${wasiSpecUrl(spec.name)})`);
  } else {
    if (goLine) lines.push('```go', goLine, '```');
    if (lowered) lines.push(`wasm type: \`${lowered}\``, '');
    lines.push((resolution.kind === 'host-module' ? '$(plug) ' : '$(warning) ') + describeResolution(module, name, resolution));
  }
  if (input.inWasip1Build === false) lines.push('', '_This file is not part of GOOS=wasip1 builds (file name suffix or //go:build)._');
  return lines.join('\n');
}

/** WASI parameter → wasm type → the Go parameter that fills that slot, from the lowering. */
function parameterTable(spec: WasiFunctionSpec, check: WasmSignatureCheck | undefined): string[] {
  const slots: string[] = [];
  for (const checked of check?.params ?? []) {
    const width = checked.verdict.status === 'allowed' ? checked.verdict.wasm.length : 1;
    const shown = `${checked.param.name ? checked.param.name + ' ' : ''}${formatGoType(checked.param.type)}`;
    for (let i = 0; i < width; i++) slots.push(width > 1 ? `${shown} (${i === 0 ? 'pointer' : 'length'})` : shown);
  }
  const expected = wasmSignature(spec);
  const rows = ['| WASI parameter | wasm | Go |', '|---|---|---|'];
  spec.params.forEach((p, i) => rows.push(`| \`${p.name}\` | ${p.wasm} | ${slots[i] !== undefined ? '`' + slots[i] + '`' : '—'} |`));
  for (let i = spec.params.length; i < slots.length; i++) rows.push(`| — | — | \`${slots[i]}\` (extra) |`);
  const goResult = check?.results[0];
  rows.push(`| _result_ | ${expected.results.join(' ') || '—'} | ${goResult ? '`' + formatGoType(goResult.param.type) + '`' : '—'} |`);
  return rows;
}

/** The errnos worth naming: the spec's own for the function, and what any host returns for a bad fd or path. */
function notableErrnos(spec: WasiFunctionSpec): ErrnoName[] {
  const names = new Set<ErrnoName>(spec.errnos ?? []);
  if (spec.params.some((p) => p.decode.kind === 'fd')) names.add('BADF');
  if (spec.family === 'path') ['NOENT', 'EXIST', 'NOTDIR', 'ACCES'].forEach((n) => names.add(n as ErrnoName));
  if (spec.family === 'sock') names.add('NOTSOCK');
  return [...names];
}

function errnoLines(spec: WasiFunctionSpec): string[] {
  if (spec.result === 'none') return ['Does not return: the host ends the program.'];
  const notable = notableErrnos(spec);
  const lines = ['Returns an errno: `0` (SUCCESS) or an error' + (notable.length ? '; notably:' : '.')];
  for (const name of notable) lines.push(`- \`${name}\` (${Errno[name]}): ${errnoMeaning(Errno[name])}`);
  return lines;
}
