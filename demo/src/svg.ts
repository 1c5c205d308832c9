// A small SVG writer: elements as strings, attributes escaped, numbers kept short.

export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** Escapes text and attribute values for XML. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate or length with at most 2 decimals (keeps files small; 0.01 px is invisible). */
export function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** `<tag attrs>children</tag>`, or `<tag attrs/>` without children. Undefined attributes are left out. */
export function el(tag: string, attrs: Attrs = {}, ...children: string[]): string {
  let open = `<${tag}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    open += ` ${k}="${esc(typeof v === "number" ? num(v) : v)}"`;
  }
  return children.length === 0 ? `${open}/>` : `${open}>${children.join("")}</${tag}>`;
}

/** A text element (content escaped). */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el("text", { x, y, ...attrs }, esc(content));
}

/** Path data through the points: "M x y L x y ..." (empty for no points). */
export function polyline(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${num(x)} ${num(y)}`).join("");
}

/** A complete standalone SVG document. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    el(
      "svg",
      {
        xmlns: "http://www.w3.org/2000/svg",
        width,
        height,
        viewBox: `0 0 ${width} ${height}`,
        "font-family": "Helvetica, Arial, sans-serif",
        "font-size": 12,
      },
      el("title", {}, esc(title)),
      el("rect", { width, height, fill: "#ffffff" }),
      "\n",
      ...body.map((b) => `${b}\n`),
    ) +
    "\n"
  );
}
