#!/usr/bin/python3
# The torch peer of bench/optimizers.bench.mjs: one optimizer step of torch.optim (Debian's
# python3-torch, CPU, one thread, float32) per size, timed in batches; the fastest batch of
# `rounds` gives ns per element. Prints one JSON object {optimizer: {n: ns_per_element}}.
#
#   /usr/bin/python3 bench/torch-peer.py --sizes 1e3,1e6 --rounds 5 [--target 0.05]
import argparse
import json
import time

import torch

OPTIMIZERS = {
    "Adam": lambda ps: torch.optim.Adam(ps, lr=1e-3),
    "AdamW": lambda ps: torch.optim.AdamW(ps, lr=1e-3),
    "SGD momentum": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9),
    "RMSprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--target", type=float, default=0.05, help="seconds per batch")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = {"version": torch.__version__, "results": {}}
    for name, make in OPTIMIZERS.items():
        out["results"][name] = {}
        for n in [int(float(s)) for s in args.sizes.split(",")]:
            p = torch.nn.Parameter(torch.rand(n) * 2 - 1)
            p.grad = (torch.rand(n) * 2 - 1) * 1e-2
            opt = make([p])
            opt.step()
            t0 = time.perf_counter()
            opt.step()
            reps = max(1, int(args.target / max(time.perf_counter() - t0, 1e-7)))
            best = float("inf")
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                for _ in range(reps):
                    opt.step()
                best = min(best, (time.perf_counter() - t0) / reps)
            out["results"][name][str(n)] = best * 1e9 / n
    print(json.dumps(out))


if __name__ == "__main__":
    main()
