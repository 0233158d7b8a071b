/**
 * The writer's opcode table against an independent assembler: each instruction written on its own is read back
 * by wabt's disassembler (wasm2wat) as the instruction of the same name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import wabtInit from 'wabt';
import { assembleModule, FunctionBody, I32, INSTRUCTIONS, V128 } from './assemble.ts';

test('every instruction the writer knows disassembles (wabt) to its own name', async () => {
  const wabt = await wabtInit();
  for (const name of INSTRUCTIONS) {
    if (['block', 'loop', 'if', 'else', 'end'].includes(name)) continue; // structure, checked by the kernels running
    const body = new FunctionBody([['a', I32]]);
    body.local('v', V128);
    const imm = name.startsWith('local.') ? ['v'] : name === 'v128.const' || name === 'i8x16.shuffle' ? [new Array(16).fill(1) as unknown as number] : [1];
    body.op(name, ...imm);
    const module = wabt.readWasm(assembleModule(body), { readDebugNames: false, simd: true } as never);
    const text = module.toText({});
    module.destroy();
    const names = [...text.matchAll(/^\s+([a-z0-9_.]+)/gm)].map((m) => m[1]).filter((n) => n !== 'local' && n !== 'func' && n !== 'import' && n !== 'export' && n !== 'type');
    assert.ok(names.includes(name), `${name}: wabt read ${names.join(' ')}`);
  }
});
