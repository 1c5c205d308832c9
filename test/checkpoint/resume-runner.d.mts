// Types of resume-runner.mjs (plain JS: resume-child.mjs runs it in a new process on dist/).
import type * as Api from "../../src/index.js";

/** An optimizer by its exported class name, with its options. */
export interface Spec {
  kind: string;
  options: Record<string, unknown>;
}

/** The params, the optimizer (two groups) and everything attached to it. */
export interface Ctx {
  api: typeof Api;
  params: Api.Param[];
  opt: Api.FirstOrderOptimizer<object>;
  /** lr of group 0, weightDecay of group 1, then an ExponentialLR. */
  schedulers: [Api.HyperparameterScheduler, Api.HyperparameterScheduler, Api.ExponentialLR];
  guard: Api.SkipNonFinite;
  acc: Api.GradientAccumulator;
}

export function setup(api: typeof Api, spec: Spec): Ctx;
/** Micro-steps from..to-1. */
export function run(ctx: Ctx, from: number, to: number): void;
/** Optimizer checkpoint bytes and params bytes. */
export function snapshot(ctx: Ctx): { state: Uint8Array; params: Uint8Array };
export function dispose(ctx: Ctx): void;
