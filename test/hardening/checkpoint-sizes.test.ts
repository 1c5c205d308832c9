// Untrusted checkpoint bytes: a file that declares more than the optimizer can hold is refused
// from its header or as soon as the value count passes the optimizer's bound, before anything
// is allocated for it (issue "Trust under hostile input", item 1).
import { describe, expect, it } from "vitest";
import { Adam, CheckpointError, crc32, Param } from "../../src/index.js";

/** A container of the optimizer kind around `body` (the tree), with a valid CRC. */
function container(body: Uint8Array): Uint8Array {
  const total = 16 + body.length + 4;
  const bytes = new Uint8Array(total);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, 0x54504f57, true); // "WOPT"
  bytes[4] = 1; // optimizer
  dv.setUint32(8, 1, true); // version
  dv.setUint32(12, total, true);
  bytes.set(body, 16);
  dv.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)), true);
  return bytes;
}

/** An array of `n` nulls (tag 5, length, then n zero bytes = null tags). */
function nulls(n: number): Uint8Array {
  const body = new Uint8Array(5 + n);
  body[0] = 5;
  new DataView(body.buffer).setUint32(1, n, true);
  return body;
}

function refusal(f: () => void): { err: CheckpointError; ms: number; heapMB: number } {
  const heap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  expect(err).toBeInstanceOf(CheckpointError);
  return { err: err as CheckpointError, ms, heapMB: (process.memoryUsage().heapUsed - heap) / 2 ** 20 };
}

describe("hostile checkpoint sizes", () => {
  const p = Param.from([1, 2, 3]);
  const opt = new Adam([p]);
  p.grad.fill(0.1);
  opt.step();
  const before = opt.saveState();

  it("2e8 one-byte nulls (200 MB, valid header and CRC): refused from the header, nothing read", () => {
    const file = container(nulls(2e8));
    const { err, ms, heapMB } = refusal(() => opt.loadState(file));
    expect(err.code).toBe("format");
    expect(err.message).toMatch(/more than any state/);
    expect(heapMB).toBeLessThan(20);
    expect(ms).toBeLessThan(2000); // hang guard; the work bound is the header check above
    expect(opt.saveState()).toEqual(before);
  });

  it("1e6 nulls in a file small enough to pass the byte bound: refused at the value count, before the array exists", () => {
    const file = container(nulls(1e6));
    const { err, heapMB } = refusal(() => opt.loadState(file));
    expect(err.message).toMatch(/more values than this reader expects/);
    expect(heapMB).toBeLessThan(20);
    expect(opt.saveState()).toEqual(before);
  });

  it("every error message is bounded", () => {
    const file = container(nulls(1e6));
    const { err } = refusal(() => opt.loadState(file));
    expect(err.message.length).toBeLessThan(300);
  });

  it("a real checkpoint still loads", () => {
    opt.loadState(before);
    expect(opt.saveState()).toEqual(before);
  });
});
