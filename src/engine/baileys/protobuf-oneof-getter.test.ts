import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { setBackedOneOfGetter } from './protobuf-oneof-getter.ts';

type Getter = (this: object) => string | undefined;
type OneOfGetterFactory = (fieldNames: string[]) => Getter;

/** libsignal's protobufjs is a copy of the same release that this module never touches: the original getter. */
function originalOneOfGetter(): OneOfGetterFactory {
  const libsignalEntry = createRequire(import.meta.url).resolve('libsignal');
  const protobuf = createRequire(libsignalEntry)('protobufjs/minimal.js') as {
    util: { oneOfGetter: OneOfGetterFactory };
  };
  assert.notEqual(protobuf.util.oneOfGetter, setBackedOneOfGetter);
  return protobuf.util.oneOfGetter;
}

test('the Set-backed oneof getter answers as protobufjs does, for every kind of record', () => {
  const original = originalOneOfGetter();
  const fieldSets = [['text'], ['location', 'newsletter', 'embeddedAction'], ['constructor', 'toString', 'a']];
  const values = [undefined, null, 0, '', 'x', false, {}];
  const keys = ['text', 'location', 'newsletter', 'embeddedAction', 'constructor', 'toString', 'a', 'other'];
  let compared = 0;
  for (const fields of fieldSets) {
    const ours = setBackedOneOfGetter(fields);
    const theirs = original(fields);
    // Every record of up to three keys, in every order, with every kind of value.
    for (const first of keys)
      for (const second of keys)
        for (const value of values) {
          const record: Record<string, unknown> = Object.create({ inherited: 'x', text: 'inherited' }) as never;
          record[first] = 'set';
          record[second] = value;
          record.other = value;
          assert.equal(ours.call(record), theirs.call(record), `${fields.join('|')} on ${JSON.stringify(record)}`);
          compared++;
        }
  }
  assert.equal(compared, fieldSets.length * keys.length * keys.length * values.length);
  assert.equal(setBackedOneOfGetter(['text']).call({ text: 'hi' }), 'text');
  assert.equal(setBackedOneOfGetter(['text']).call({ text: null }), undefined);
});

test("Baileys' generated messages use the installed getter", async () => {
  const { proto } = await import('@whiskeysockets/baileys');
  const baileysEntry = createRequire(import.meta.url).resolve('@whiskeysockets/baileys');
  const baileysProtobuf = createRequire(baileysEntry)('protobufjs/minimal.js') as { util: { oneOfGetter: unknown } };
  assert.equal(baileysProtobuf.util.oneOfGetter, setBackedOneOfGetter);
  const message = proto.Message.ExtendedTextMessage.fromObject({ text: 'hello' });
  assert.equal((message as unknown as { _text: unknown })._text, 'text');
  assert.equal((proto.Message.ExtendedTextMessage.create({}) as unknown as { _text: unknown })._text, undefined);
});

/**
 * In a fresh process: load Baileys, with this module first or not, and ask V8 whether two objects of one new
 * shape share their hidden class. Without the module the root map's transitions are full and they do not.
 */
function newShapesShareAMap(withModule: boolean): boolean {
  const prelude = new URL('./protobuf-oneof-getter.ts', import.meta.url).href;
  const script = [
    withModule ? `await import(${JSON.stringify(prelude)});` : '',
    "await import('@whiskeysockets/baileys');",
    "const key = Symbol('k');",
    'const make = (i) => ({ [key]: i, callback: null, args: undefined });',
    'console.log(String(%HaveSameMap(make(1), make(2))));',
  ].join('\n');
  const output = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '--eval', script],
    { encoding: 'utf8' },
  );
  return output.trim().split('\n').at(-1) === 'true';
}

test('with the getter installed first, new object shapes keep shared hidden classes after Baileys loads', () => {
  assert.equal(newShapesShareAMap(true), true);
  // The control: this is the V8 limit the module exists for. If it passes one day, the module may go.
  assert.equal(newShapesShareAMap(false), false);
});
