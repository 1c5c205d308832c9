// The demo's command line, shared by `wasm-optim demo [options]` (the library's CLI, which
// forwards its arguments here) and `wasm-optim-demo [options]` (this package's own bin).
import { parseArgs } from "node:util";
import { InvalidOptionError } from "wasm-optim";
import { runDemo } from "./main.js";
import { SURFACES } from "./surfaces.js";

export const USAGE = `usage: wasm-optim demo [--out DIR] [--steps N] [--epochs N] [--animate SURFACE,...]

  race every optimizer on the classic surfaces and train an MLP on Iris;
  writes SVGs, index.html and README.md into DIR (default ./demo-out)

  --out DIR     where the files go (created if missing; default demo-out)
  --steps N     race length on every surface (default: each surface's own, 120-3000)
  --epochs N    Iris training epochs (default 150)
  --animate     the surfaces whose race is animated, comma-separated, of
                ${SURFACES.map((s) => s.id).join(", ")} (default beale,saddle)
  -h, --help    this text`;

/** Where the CLI writes: process.stdout/stderr, or a test's buffers. */
export interface CliStreams {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(s: string): unknown };
}

/**
 * Runs the demo from command-line arguments (without the command name). Returns the exit
 * code: 0 done or help shown, 2 bad arguments (the message and the usage on stderr).
 */
export function main(argv: readonly string[], streams: CliStreams = process): number {
  const fail = (message: string): number => {
    streams.stderr.write(`wasm-optim demo: ${message}\n\n${USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: "string" },
        steps: { type: "string" },
        epochs: { type: "string" },
        animate: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help) {
    streams.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) return fail(`unexpected argument: ${positionals.join(" ")}`);
  const counts: Record<"steps" | "epochs", number | undefined> = { steps: undefined, epochs: undefined };
  for (const name of ["steps", "epochs"] as const) {
    const v = values[name];
    if (v === undefined) continue;
    if (!/^\d+$/.test(v) || Number(v) < 1) return fail(`--${name} must be a positive integer, not ${JSON.stringify(v)}`);
    counts[name] = Number(v);
  }
  try {
    runDemo({ out: values.out, steps: counts.steps, epochs: counts.epochs, animate: values.animate?.split(","), output: streams.stdout });
  } catch (e) {
    if (e instanceof InvalidOptionError) return fail(e.message);
    throw e;
  }
  return 0;
}
