// Run by resume.test.ts in a new process, against the built package (dist/): for each job,
// build a fresh setup, load the params and optimizer checkpoint the test saved, run the
// remaining micro-steps and write the final checkpoint and params next to the inputs.
import { readFileSync, writeFileSync } from "node:fs";
import * as api from "../../dist/index.js";
import { dispose, run, setup, snapshot } from "./resume-runner.mjs";

const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const job of jobs) {
  const ctx = setup(api, job.spec);
  api.loadParams(ctx.params, readFileSync(`${job.prefix}.params.in`));
  ctx.opt.loadState(readFileSync(`${job.prefix}.state.in`));
  run(ctx, job.from, job.to);
  const out = snapshot(ctx);
  writeFileSync(`${job.prefix}.state.out`, out.state);
  writeFileSync(`${job.prefix}.params.out`, out.params);
  dispose(ctx);
}
