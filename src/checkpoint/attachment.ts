// The checkpoint protocol: the state-tree types every stateDict() returns, the typed
// CheckpointError, and the Attachment interface through which schedulers and training
// transforms travel inside an optimizer's checkpoints (docs/checkpoints.md).
import { WasmOptimError } from "../errors.js";

/** A value in a state tree: what stateDict() returns and the binary form stores. */
export type StateValue = number | string | boolean | null | Float32Array | Float64Array | readonly StateValue[] | StateTree;
/** A plain object of {@link StateValue}s: the shape of every `stateDict()` (JSON-like, with typed arrays for buffers). */
export interface StateTree {
  readonly [key: string]: StateValue;
}

/** Why a checkpoint could not be loaded: {@link CheckpointError.code}. */
export type CheckpointErrorCode =
  /** Not a wasm-optim checkpoint, or not of the kind asked for, or malformed inside. */
  | "format"
  /** Shorter than its header says. */
  | "truncated"
  /** The CRC-32 does not match: the bytes were changed. */
  | "checksum"
  /** Written by a newer version of the format. */
  | "version"
  /** A valid checkpoint of something else: another optimizer, other params, other schedulers. */
  | "mismatch"
  /** A value in the checkpoint fails validation (e.g. a negative lr). */
  | "invalid";

/** Loading a checkpoint failed; nothing was modified. `code` says why. */
export class CheckpointError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "CheckpointError";
  /**
   * @param code - why: `"format"`, `"truncated"`, `"checksum"`, `"version"`, `"mismatch"` or `"invalid"` (see {@link CheckpointErrorCode}).
   * @param message - what was found, and where in the checkpoint.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(
    /** Why loading failed; see {@link CheckpointErrorCode}. */
    override readonly code: CheckpointErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`wasm-optim: checkpoint ${code}: ${message}`, options);
  }
}

/** What a part of a checkpoint returns once it has checked its data: apply it, or drop it. */
export interface PendingLoad {
  /** Applies the checked state. Must not throw. */
  commit(): void;
  /** Frees what the check allocated (called when another part failed). */
  abort?(): void;
}

/**
 * Something attached to an optimizer whose state travels with the optimizer's checkpoints
 * (schedulers, skipNonFinite, gradient accumulators), in attachment order.
 */
export interface Attachment {
  /** A name that must match when a checkpoint is loaded (e.g. "StepLR"; see kindOf). */
  readonly kind: string;
  /** This attachment's state, to be saved with the optimizer's (typed arrays are copies). */
  stateDict(): StateTree;
  /** Checks `state` (throwing CheckpointError) and returns how to apply it; changes nothing. */
  prepareLoad(state: StateValue | undefined, where: string): PendingLoad;
  /** Frees what the attachment holds in wasm memory (called by the optimizer's dispose()). */
  dispose?(): void;
}

/** Whether `v` is a state tree (a plain object: not null, an array or a typed array). */
export function isTree(v: unknown): v is StateTree {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * The saved-format name of an attachment: the `static readonly kind` of its class (e.g.
 * `static readonly kind = "StepLR"`), which a minifier leaves alone. A subclass inherits its
 * parent's kind (as TF.js's `className`), so its checkpoints load into the parent and back; a
 * subclass that keeps different state declares its own. Only a class with no kind anywhere in
 * its chain falls back to its constructor's (minifiable) name.
 */
export function kindOf(attachment: object): string {
  const ctor = attachment.constructor as { readonly kind?: unknown; readonly name: string };
  return typeof ctor.kind === "string" ? ctor.kind : ctor.name;
}
