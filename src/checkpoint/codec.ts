// The binary container for state trees (optimizer state, params, any plain state): header,
// tree, CRC-32. The layout is described in docs/checkpoints.md; every multi-byte field is
// little-endian (wasm memory is little-endian, and so is every host this library runs on).
import { InvalidOptionError, show } from "../errors.js";
import { isArray } from "../options.js";
import { CheckpointError, isTree, type StateValue } from "./attachment.js";

/** Header: magic "WOPT", content kind, 3 reserved bytes, version, byte length; then the tree; then the CRC. */
export const FORMAT_VERSION = 1;
const MAGIC = 0x54504f57; // "WOPT" read as a little-endian u32
const HEADER = 16;
const TRAILER = 4;
const MAX_DEPTH = 64;

/** What a container holds (byte 4 of the header). */
export const ContentKind = { optimizer: 1, params: 2, state: 3 } as const;
export type ContentKind = (typeof ContentKind)[keyof typeof ContentKind];
function kindName(k: number): string {
  return Object.entries(ContentKind).find(([, v]) => v === k)?.[0] ?? `unknown kind ${k}`;
}

// A plain object like ContentKind, not an enum: the tag is a byte read from untrusted data,
// compared as the number it is (an unknown one falls to the switch's default).
const Tag = { Null: 0, False: 1, True: 2, Number: 3, String: 4, Array: 5, Object: 6, Float32: 7, Float64: 8 } as const;

// slicing-by-8: table k maps a byte to its CRC contribution k bytes further on. Made on the
// first checksum, not at import (process start pays only for what it uses).
let crcTables: Uint32Array | undefined;
function makeCrcTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++)
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  return t;
}

/** CRC-32 (IEEE 802.3, the one zlib and PNG use) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) throw new InvalidOptionError("bytes", bytes, "a Uint8Array", "type");
  const t = (crcTables ??= makeCrcTables());
  let c = 0xffffffff;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const b = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// Made on first use, not at import, like the CRC tables.
let utf8: TextEncoder | undefined;
let fromUtf8: TextDecoder | undefined;
function encodeUtf8(s: string): Uint8Array {
  return (utf8 ??= new TextEncoder()).encode(s);
}
/** @throws TypeError when `bytes` are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string {
  return (fromUtf8 ??= new TextDecoder("utf-8", { fatal: true })).decode(bytes);
}
function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Byte size of `v` encoded at offset `at` (typed arrays are 8-byte aligned in the file). */
function sizeOf(v: StateValue, at: number, depth: number): number {
  if (depth > MAX_DEPTH) throw new CheckpointError("format", `state nested deeper than ${MAX_DEPTH} levels`);
  if (v === null || typeof v === "boolean") return at + 1;
  if (typeof v === "number") return at + 9;
  if (typeof v === "string") return at + 5 + encodeUtf8(v).length;
  if (v instanceof Float32Array || v instanceof Float64Array) return align8(at + 5) + v.byteLength;
  if (isArray(v)) {
    let end = at + 5;
    for (const x of v) end = sizeOf(x, end, depth + 1);
    return end;
  }
  if (isTree(v)) {
    let end = at + 5;
    for (const [k, x] of Object.entries(v)) end = sizeOf(x, end + 4 + encodeUtf8(k).length, depth + 1);
    return end;
  }
  throw new CheckpointError("format", `cannot store ${show(v)} (${typeof v}) in a checkpoint`);
}

class Writer {
  at = HEADER;
  readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(x: number) {
    this.dv.setUint8(this.at++, x);
  }
  u32(x: number) {
    this.dv.setUint32(this.at, x, true);
    this.at += 4;
  }
  str(s: string) {
    const b = encodeUtf8(s);
    this.u32(b.length);
    this.bytes.set(b, this.at);
    this.at += b.length;
  }
  value(v: StateValue): void {
    if (v === null) this.u8(Tag.Null);
    else if (typeof v === "boolean") this.u8(v ? Tag.True : Tag.False);
    else if (typeof v === "number") {
      this.u8(Tag.Number);
      this.dv.setFloat64(this.at, v, true);
      this.at += 8;
    } else if (typeof v === "string") {
      this.u8(Tag.String);
      this.str(v);
    } else if (v instanceof Float32Array || v instanceof Float64Array) {
      this.u8(v instanceof Float32Array ? Tag.Float32 : Tag.Float64);
      this.u32(v.length);
      this.at = align8(this.at); // the padding stays zero; readers ignore it
      this.bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.at);
      this.at += v.byteLength;
    } else if (isArray(v)) {
      this.u8(Tag.Array);
      this.u32(v.length);
      for (const x of v) this.value(x);
    } else {
      const entries = Object.entries(v);
      this.u8(Tag.Object);
      this.u32(entries.length);
      for (const [k, x] of entries) {
        this.str(k);
        this.value(x);
      }
    }
  }
}

/** Encodes a state tree into the binary container (header, tree, CRC-32). */
export function encodeState(tree: StateValue, kind: ContentKind): Uint8Array {
  const total = sizeOf(tree, HEADER, 0) + TRAILER;
  if (total > 0xffffffff) throw new CheckpointError("format", `state of ${total} bytes exceeds the 4 GiB the format can hold`);
  const bytes = new Uint8Array(total);
  const w = new Writer(bytes);
  w.dv.setUint32(0, MAGIC, true);
  w.dv.setUint8(4, kind);
  w.dv.setUint32(8, FORMAT_VERSION, true);
  w.dv.setUint32(12, total, true);
  w.value(tree);
  w.dv.setUint32(total - TRAILER, crc32(bytes.subarray(0, total - TRAILER)), true);
  return bytes;
}

/**
 * Bounds for decoding untrusted bytes: work and memory proportional to what the reader
 * expects, not to what the file claims.
 */
export interface DecodeLimits {
  /** The largest container accepted, in bytes: checked from the header, before the CRC pass. */
  readonly maxBytes?: number;
  /** The most values (nulls, numbers, strings, arrays, objects, typed arrays) in the tree. */
  readonly maxValues?: number;
}

/** Defaults for containers nobody sized: 1 GiB, 2^20 values (a plain array of 2^20 nulls is 8 MiB in JS). */
const DEFAULT_LIMITS: Required<DecodeLimits> = { maxBytes: 2 ** 30, maxValues: 2 ** 20 };

class Reader {
  at = HEADER;
  /** Values left before the limit. */
  #budget: number;
  readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
    maxValues: number,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#budget = maxValues;
  }
  /** Reserves `n` more values, before anything is allocated for them. */
  take(n: number): void {
    if (n > this.#budget)
      throw new CheckpointError("format", `the state has more values than this reader expects (more than the limit, at byte ${this.at})`);
    this.#budget -= n;
  }
  need(n: number, what: string) {
    if (n > this.end - this.at) throw new CheckpointError("format", `${what} at byte ${this.at} runs past the end of the data`);
  }
  u8(): number {
    this.need(1, "a tag");
    return this.dv.getUint8(this.at++);
  }
  u32(what: string): number {
    this.need(4, what);
    const x = this.dv.getUint32(this.at, true);
    this.at += 4;
    return x;
  }
  str(): string {
    const n = this.u32("a string length");
    this.need(n, "a string");
    try {
      return decodeUtf8(this.bytes.subarray(this.at, (this.at += n)));
    } catch (e) {
      throw new CheckpointError("format", `a string at byte ${this.at - n} is not UTF-8`, { cause: e });
    }
  }
  value(depth: number): StateValue {
    if (depth > MAX_DEPTH) throw new CheckpointError("format", `state nested deeper than ${MAX_DEPTH} levels`);
    this.take(1);
    const tag = this.u8();
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Number: {
        this.need(8, "a number");
        const x = this.dv.getFloat64(this.at, true);
        this.at += 8;
        return x;
      }
      case Tag.String:
        return this.str();
      case Tag.Float32:
      case Tag.Float64: {
        const n = this.u32("an array length");
        const size = tag === Tag.Float32 ? 4 : 8;
        this.at = align8(this.at);
        this.need(n * size, "an array");
        const start = this.bytes.byteOffset + this.at;
        this.at += n * size;
        const copy = this.bytes.buffer.slice(start, start + n * size);
        return tag === Tag.Float32 ? new Float32Array(copy) : new Float64Array(copy);
      }
      case Tag.Array: {
        const n = this.u32("an array length");
        this.need(n, "an array"); // every element takes at least one byte
        this.take(n); // refused before an array of n elements exists
        this.#budget += n; // each element takes its own share as it is read
        const out: StateValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      case Tag.Object: {
        const n = this.u32("an object size");
        this.need(n * 5, "an object");
        this.take(n);
        this.#budget += n;
        const out: Record<string, StateValue> = {};
        for (let i = 0; i < n; i++) {
          const k = this.str();
          if (Object.prototype.hasOwnProperty.call(out, k)) throw new CheckpointError("format", `key ${JSON.stringify(k)} appears twice`);
          Object.defineProperty(out, k, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      default:
        throw new CheckpointError("format", `unknown tag ${tag} at byte ${this.at - 1}`);
    }
  }
}

/**
 * Decodes a container written by encodeState, checking in this order: magic, length
 * (truncation), CRC-32, version, content kind, then the tree itself.
 */
export function decodeState(bytes: Uint8Array, kind: ContentKind, limits: DecodeLimits = {}): StateValue {
  const { maxBytes, maxValues } = { ...DEFAULT_LIMITS, ...limits };
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError("format", `expected a Uint8Array, got ${show(bytes)}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || dv.getUint32(0, true) !== MAGIC)
    throw new CheckpointError("format", "not a wasm-optim checkpoint (no WOPT magic)");
  if (bytes.length < HEADER + TRAILER) throw new CheckpointError("truncated", `${bytes.length} bytes is shorter than the header`);
  const total = dv.getUint32(12, true);
  if (bytes.length < total) throw new CheckpointError("truncated", `${bytes.length} of ${total} bytes`);
  if (total < HEADER + TRAILER) throw new CheckpointError("format", `declared length ${total} is shorter than the header`);
  if (bytes.length > total) throw new CheckpointError("format", `${bytes.length - total} bytes after the end of the checkpoint`);
  if (total > maxBytes)
    throw new CheckpointError("format", `${total} bytes is more than any state this reader can hold (at most ${maxBytes} bytes)`);
  const stored = dv.getUint32(total - TRAILER, true);
  const actual = crc32(bytes.subarray(0, total - TRAILER));
  if (stored !== actual)
    throw new CheckpointError(
      "checksum",
      `CRC-32 is ${actual.toString(16)}, the file says ${stored.toString(16)}: the data was changed or damaged`,
    );
  const version = dv.getUint32(8, true);
  if (version > FORMAT_VERSION)
    throw new CheckpointError(
      "version",
      `format version ${version} is newer than this library reads (${FORMAT_VERSION}); upgrade wasm-optim`,
    );
  if (version < 1) throw new CheckpointError("format", `format version ${version} does not exist`);
  const k = dv.getUint8(4);
  if (k !== kind) throw new CheckpointError("format", `this holds ${kindName(k)} state, not ${kindName(kind)} state`);
  if (dv.getUint8(5) !== 0 || dv.getUint16(6, true) !== 0) throw new CheckpointError("format", "reserved header bytes are not zero");
  const r = new Reader(bytes, total - TRAILER, maxValues);
  const tree = r.value(0);
  if (r.at !== total - TRAILER) throw new CheckpointError("format", `${total - TRAILER - r.at} unused bytes after the state`);
  return tree;
}

/** Any state tree (e.g. `{ optimizer: opt.stateDict(), epoch }`) in the checked binary form. */
export function packState(tree: StateValue): Uint8Array {
  return encodeState(tree, ContentKind.state);
}

/** The tree packed by packState, after the same checks as every checkpoint. */
export function unpackState(bytes: Uint8Array): StateValue {
  return decodeState(bytes, ContentKind.state);
}
