// The gradient as every rule with an L2 term sees it (torch: `grad = grad if not maximize else
// -grad; if weight_decay != 0: grad = grad.add(param, alpha=weight_decay)`), rounded after
// every operation in the kernels' order. wd = 0 adds nothing, so a ±Infinity param stays.
export function decayedGrad(r: (x: number) => number, g: number, x: number, sign: number, wd: number): number {
  const d = r(g * sign);
  return wd === 0 ? d : r(r(wd * x) + d);
}
