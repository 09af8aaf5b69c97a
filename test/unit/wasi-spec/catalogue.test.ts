import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatWasiSignature, goDeclaration, goDeclarationNeedsUnsafe, outPointeeSize, scalarSize, wasiFunctionByName,
  wasiFunctions, wasiLayouts, wasiSpecUrl, wasmSignature, WASI_MODULE, type ParamKind, type WasiFunctionSpec,
} from '../../../src/wasi/spec/catalogue';
import { wasiTypeDocs } from '../../../src/wasi/spec/catalogueDocs';
import { Errno } from '../../../src/wasi/spec/errno';
import { enumsByName, flagsByName } from '../../../src/wasi/spec/constants';

function paramNamed(spec: WasiFunctionSpec, name: string): ParamKind {
  const found = spec.params.find((p) => p.name === name);
  assert.ok(found, `${spec.name}: no parameter ${name}`);
  return found.decode;
}

describe('WASI preview 1 catalogue', () => {
  test('lists 46 functions with unique names, each in the family its prefix names', () => {
    assert.equal(wasiFunctions.length, 46);
    assert.equal(new Set(wasiFunctions.map((f) => f.name)).size, 46);
    assert.equal(wasiFunctionByName.size, 46);
    for (const f of wasiFunctions) {
      assert.equal(f.name.split('_')[0], f.family, f.name);
      assert.equal(wasiFunctionByName.get(f.name), f);
      assert.ok(f.doc.length > 10, `${f.name} has a doc`);
      assert.equal(new Set(f.params.map((p) => p.name)).size, f.params.length, `${f.name}: parameter names are unique`);
      for (const p of f.params) assert.ok(p.doc.length > 3, `${f.name}.${p.name} has a doc`);
    }
  });

  test('keeps the witx order: families are contiguous and functions within a family are grouped as in the spec', () => {
    const families = wasiFunctions.map((f) => f.family).filter((fam, i, all) => i === 0 || all[i - 1] !== fam);
    assert.deepEqual(families, ['args', 'environ', 'clock', 'fd', 'path', 'poll', 'proc', 'sched', 'random', 'sock']);
  });

  test('only proc_exit returns nothing', () => {
    assert.deepEqual(wasiFunctions.filter((f) => f.result === 'none').map((f) => f.name), ['proc_exit']);
  });

  test('every pointer/length reference points at an existing parameter of the matching kind', () => {
    let links = 0;
    for (const f of wasiFunctions) {
      for (const p of f.params) {
        const d = p.decode;
        const where = `${f.name}.${p.name}`;
        if (d.kind === 'stringPtr') assert.deepEqual(paramNamed(f, d.lengthParam), { kind: 'stringLen', forParam: p.name }, where);
        if (d.kind === 'iovecs' || d.kind === 'ciovecs') assert.deepEqual(paramNamed(f, d.lengthParam), { kind: 'listLen', forParam: p.name }, where);
        if (d.kind === 'bufferPtr') {
          assert.deepEqual(paramNamed(f, d.lengthParam), { kind: 'bufferLen', forParam: p.name }, where);
          if (d.usedParam) assert.deepEqual(paramNamed(f, d.usedParam), { kind: 'out', pointee: 'size' }, where);
        }
        if (d.kind === 'subscriptions' || d.kind === 'eventsOut') {
          const count = paramNamed(f, d.countParam);
          assert.equal(count.kind, 'count', where);
          assert.ok(count.kind === 'count' && count.forParams.includes(p.name), where);
        }
        if (d.kind === 'eventsOut') assert.deepEqual(paramNamed(f, d.usedParam), { kind: 'out', pointee: 'size' }, where);
        if (d.kind === 'stringLen') assert.equal((paramNamed(f, d.forParam) as { lengthParam?: string }).lengthParam, p.name, where);
        if (d.kind === 'listLen' || d.kind === 'bufferLen') {
          assert.equal((paramNamed(f, d.forParam) as { lengthParam?: string }).lengthParam, p.name, where);
        }
        if (d.kind === 'count') for (const target of d.forParams) assert.equal((paramNamed(f, target) as { countParam?: string }).countParam, p.name, where);
        if ('lengthParam' in d || 'forParam' in d || 'countParam' in d) links++;
      }
    }
    assert.ok(links > 40, `checked ${links} links`);
  });

  test('out-pointers come after all inputs, as witx lowering appends results', () => {
    for (const f of wasiFunctions) {
      const firstOut = f.params.findIndex((p) => p.decode.kind === 'out');
      if (firstOut < 0) continue;
      assert.ok(f.params.slice(firstOut).every((p) => p.decode.kind === 'out'), f.name);
    }
  });

  test('64-bit witx types lower to i64 and everything else to i32', () => {
    const wide = new Set(['filesize', 'filedelta', 'timestamp', 'dircookie']);
    for (const f of wasiFunctions) {
      for (const p of f.params) {
        const d = p.decode;
        const is64 = wide.has(d.kind) || (d.kind === 'flags' && d.flags === 'rights');
        assert.equal(p.wasm, is64 ? 'i64' : 'i32', `${f.name}.${p.name}`);
      }
    }
  });

  test('wasmSignature lowers params and the errno result', () => {
    const fdWrite = wasiFunctionByName.get('fd_write')!;
    assert.deepEqual(wasmSignature(fdWrite), { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] });
    assert.deepEqual(wasmSignature(wasiFunctionByName.get('proc_exit')!), { params: ['i32'], results: [] });
    assert.deepEqual(wasmSignature(wasiFunctionByName.get('sched_yield')!), { params: [], results: ['i32'] });
    // path_open: fd, dirflags, path, path_len, oflags, rights, rights, fdflags, out fd
    assert.deepEqual(wasmSignature(wasiFunctionByName.get('path_open')!).params,
      ['i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32']);
  });

  test('formatWasiSignature folds strings and lists back into witx parameters', () => {
    assert.equal(formatWasiSignature(wasiFunctionByName.get('fd_write')!), 'fd_write(fd: fd, iovs: ciovec_array, nwritten: out size) -> errno');
    assert.equal(formatWasiSignature(wasiFunctionByName.get('path_symlink')!), 'path_symlink(old_path: string, fd: fd, new_path: string) -> errno');
    assert.equal(formatWasiSignature(wasiFunctionByName.get('proc_exit')!), 'proc_exit(rval: exitcode) -> noreturn');
    for (const f of wasiFunctions) {
      const text = formatWasiSignature(f);
      assert.ok(text.startsWith(`${f.name}(`), text);
      assert.ok(!/_len:/.test(text) || f.params.some((p) => p.decode.kind === 'bufferLen'), `${f.name}: string/list lengths are folded: ${text}`);
    }
  });

  test('wasiSpecUrl links to the function anchor of docs.md', () => {
    assert.equal(wasiSpecUrl('fd_readdir'), 'https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#fd_readdir');
  });

  test('goDeclaration writes a wasmimport directive and a bodyless func of the right arity', () => {
    for (const f of wasiFunctions) {
      const text = goDeclaration(f, { major: 1, minor: 21 });
      const lines = text.split('\n');
      assert.equal(lines[0], `//go:wasmimport ${WASI_MODULE} ${f.name}`);
      const func = lines[lines.length - 1];
      assert.match(func, new RegExp(`^func ${f.name}\\(.*\\)( uint32)?$`));
      const inner = func.slice(func.indexOf('(') + 1, func.lastIndexOf(')'));
      assert.equal(inner ? inner.split(', ').length : 0, f.params.length, f.name);
      assert.equal(func.endsWith(' uint32'), f.result === 'errno', f.name);
      assert.equal(text.includes('unsafe.Pointer'), goDeclarationNeedsUnsafe(f), f.name);
      assert.equal(goDeclaration(f, { major: 1, minor: 24 }), text, 'one declaration serves every supported Go');
    }
    assert.throws(() => goDeclaration(wasiFunctions[0], { major: 1, minor: 20 }), RangeError);
  });

  test('notable errnos and decoded enum/flag names exist in errno.ts and constants.ts', () => {
    for (const f of wasiFunctions) {
      for (const name of f.errnos ?? []) assert.ok(name in Errno, `${f.name}: ${name}`);
      for (const p of f.params) {
        if (p.decode.kind === 'enum') assert.ok(p.decode.enum in enumsByName, p.decode.enum);
        if (p.decode.kind === 'flags') assert.ok(p.decode.flags in flagsByName, p.decode.flags);
        if (p.decode.kind === 'flags') assert.ok(p.decode.flags in wasiTypeDocs, p.decode.flags);
      }
    }
  });

  test('type docs describe exactly the members constants.ts defines', () => {
    const tables: Record<string, Readonly<Record<string, number>>> = { ...enumsByName, ...flagsByName };
    for (const [name, table] of Object.entries(tables)) {
      const docs = (wasiTypeDocs as Record<string, { members: Record<string, string> }>)[name];
      assert.ok(docs, `docs for ${name}`);
      assert.deepEqual(Object.keys(docs.members).sort(), Object.keys(table).sort(), name);
    }
  });
});

describe('WASI record layouts', () => {
  test('fields are naturally aligned, inside the record, and only union variants share bytes', () => {
    for (const [record, layout] of Object.entries(wasiLayouts)) {
      const claimed = new Map<number, string>();
      for (const [fieldName, field] of Object.entries(layout.fields) as [string, { offset: number; type: 'u8' | 'u16' | 'u32' | 'u64' | 's64' }][]) {
        const size = scalarSize(field.type);
        assert.equal(field.offset % size, 0, `${record}.${fieldName} aligned`);
        assert.ok(field.offset + size <= layout.size, `${record}.${fieldName} inside`);
        assert.equal(layout.size % layout.align, 0, record);
        for (let b = field.offset; b < field.offset + size; b++) {
          const other = claimed.get(b);
          // subscription's clock and fd_readwrite variants overlay the same union bytes; nothing else may.
          const variant = (n: string) => /^(clock|fd_readwrite)_/.exec(n)?.[1];
          const sharedUnion = other !== undefined && variant(other) !== undefined && variant(fieldName) !== undefined
            && variant(other) !== variant(fieldName);
          assert.ok(other === undefined || sharedUnion, `${record}: ${fieldName} overlaps ${other}`);
          claimed.set(b, fieldName);
        }
      }
    }
  });

  test('out-pointer sizes agree with the record layouts', () => {
    assert.equal(outPointeeSize.fdstat, wasiLayouts.fdstat.size);
    assert.equal(outPointeeSize.filestat, wasiLayouts.filestat.size);
    assert.equal(outPointeeSize.prestat, wasiLayouts.prestat.size);
  });

  test('matches the sizes and offsets of the preview 1 ABI', () => {
    assert.equal(wasiLayouts.iovec.size, 8);
    assert.equal(wasiLayouts.dirent.size, 24);
    assert.equal(wasiLayouts.dirent.fields.d_type.offset, 20);
    assert.equal(wasiLayouts.subscription.size, 48);
    assert.equal(wasiLayouts.subscription.fields.clock_timeout.offset, 24);
    assert.equal(wasiLayouts.event.size, 32);
    assert.equal(wasiLayouts.event.fields.type.offset, 10);
    assert.equal(wasiLayouts.filestat.fields.ctim.offset, 56);
  });
});
