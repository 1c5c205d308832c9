// What the pure schedules (functions.ts) and the torch-named schedulers (torch.ts) share: the
// Schedule and Anneal types, argument checks, bisect, and torch OneCycleLR's phases. Not part
// of the public `schedules` namespace.
import { InvalidOptionError } from "../errors.js";
import { integer, oneOf } from "../options.js";

/** A value for every step t = 0, 1, 2, ... (t = 0 before the first optimizer step). */
export type Schedule = (step: number) => number;

/** How a 1cycle phase moves between its two ends: half a cosine, or a straight line. */
export type Anneal = "cos" | "linear";

export function finite(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidOptionError(name, v, "a finite number");
  return v;
}
export const positiveInt = integer(1);

/**
 * torch OneCycleLR's phases: two (start -> peak -> end) or three (start -> peak -> start ->
 * end), boundaries at pctStart * total - 1 (and 2 * pctStart * total - 2), the last phase
 * ending at total - 1. Returns the value at step t (not clamped).
 */
export function cyclePhases(
  totalSteps: number,
  options: { pctStart?: number; anneal?: Anneal; threePhase?: boolean },
  start: number,
  peak: number,
  end: number,
): Schedule {
  const { pctStart = 0.3, anneal = "cos", threePhase = false } = options;
  if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1))
    throw new InvalidOptionError("pctStart", pctStart, "a number in [0, 1]");
  oneOf("cos", "linear")("anneal", anneal);
  const f =
    anneal === "cos"
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2.0) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;
  const phases: [number, number, number][] = threePhase
    ? [
        [pctStart * totalSteps - 1, start, peak],
        [2 * pctStart * totalSteps - 2, peak, start],
        [totalSteps - 1, start, end],
      ]
    : [
        [pctStart * totalSteps - 1, start, peak],
        [totalSteps - 1, peak, end],
      ];
  return (t) => {
    let from = 0;
    for (let i = 0; i < phases.length; i++) {
      const [to, a, b] = phases[i]!;
      if (t <= to || i === phases.length - 1) return f(a, b, (t - from) / (to - from));
      from = to;
    }
    return end; // not reached: the last phase always returns
  };
}

export function checkSchedule(name: string, s: unknown): Schedule {
  if (typeof s !== "function") throw new InvalidOptionError(name, s, "a schedule: a function of the step returning a number");
  return s as Schedule;
}

/**
 * An increasing (or, not `strict`, non-decreasing) array of integers >= min, of `length`
 * elements when given; an element that is not such an integer is named (`milestones[1]`).
 */
export function checkIncreasing(name: string, v: unknown, min: number, strict = true, length?: number): number[] {
  const desc = `${length ?? "an"} ${strict ? "increasing" : "non-decreasing"} array of integers >= ${min}`;
  if (!Array.isArray(v)) throw new InvalidOptionError(name, v, desc, "type");
  if (length !== undefined && v.length !== length) throw new InvalidOptionError(name, v, `${desc} (${length} elements)`, "value");
  v.forEach((x: unknown, i) => {
    if (typeof x !== "number") throw new InvalidOptionError(`${name}[${i}]`, x, `an integer >= ${min}`, "type");
    const prev = i > 0 ? (v[i - 1] as number) : -Infinity;
    if (!Number.isSafeInteger(x) || x < min || (strict ? x <= prev : x < prev))
      throw new InvalidOptionError(
        `${name}[${i}]`,
        x,
        `an integer >= ${min}${i > 0 ? `, ${strict ? ">" : ">="} ${name}[${i - 1}]` : ""}`,
        "range",
      );
  });
  return [...(v as number[])];
}

/** How many of the sorted `xs` are <= t (bisect_right). */
export function countAtMost(xs: readonly number[], t: number): number {
  let n = 0;
  while (n < xs.length && xs[n]! <= t) n++;
  return n;
}
