import { createRequire } from 'node:module';

/*
 * Why this exists (a process-wide fast path, kept in this one module). protobufjs's `util.oneOfGetter` keeps a
 * plain `{}` per oneof, keyed by its field names. Baileys' WAProto declares 2,227 oneofs (every proto3
 * `optional` field is a oneof of its own), so loading it leaves about 1,500 live objects whose first property
 * names all differ. Each is a transition from V8's root object map, and V8 keeps at most 1,536 of them. Once
 * that list is full, every object literal whose shape is not already in it gets a new, unshared hidden class
 * each time it is created: 28× slower (5 → 138 ns for Node's own `process.nextTick` objects), more garbage
 * and more page faults, in every module of the thread, ours included (docs/benchmarks.md, session 12).
 *
 * This module replaces the getter before WAProto loads, so it must be imported before anything that imports
 * Baileys. The replacement keeps the names in a Set, which adds no transition, and answers as the original
 * does: the last own enumerable key, in `Object.keys` order, that names a field of the oneof and holds neither
 * `undefined` nor `null`.
 */

type OneOfGetter = (this: object) => string | undefined;
interface ProtobufUtil {
  oneOfGetter(fieldNames: string[]): OneOfGetter;
}

function setBackedOneOfGetter(fieldNames: string[]): OneOfGetter {
  const names = new Set(fieldNames);
  return function presentField(this: object) {
    const record = this as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i > -1; i--) {
      const key = keys[i]!;
      if (names.has(key) && record[key] !== undefined && record[key] !== null) return key;
    }
    return undefined;
  };
}

// The protobufjs copy that Baileys resolves (libsignal has a copy of its own, with small protos).
const baileysEntry = createRequire(import.meta.url).resolve('@whiskeysockets/baileys');
const protobuf = createRequire(baileysEntry)('protobufjs/minimal.js') as { util: ProtobufUtil };
protobuf.util.oneOfGetter = setBackedOneOfGetter;

export { setBackedOneOfGetter };
