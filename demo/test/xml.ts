// A small XML well-formedness checker and parser (enough for SVG): one root element,
// properly nested and closed tags, quoted and unique attributes, known entities only,
// nothing but whitespace, comments and processing instructions outside the root.
// Throws an Error saying where the document goes wrong.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function decode(raw: string, where: () => string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === "<") throw new Error(`'<' not allowed here ${where()}`);
    if (ch !== "&") {
      out += ch;
      continue;
    }
    const m = ENTITY.exec(raw.slice(i));
    if (!m) throw new Error(`bad entity ${JSON.stringify(raw.slice(i, i + 10))} ${where()}`);
    const e = m[0];
    out +=
      e === "&amp;"
        ? "&"
        : e === "&lt;"
          ? "<"
          : e === "&gt;"
            ? ">"
            : e === "&quot;"
              ? '"'
              : e === "&apos;"
                ? "'"
                : String.fromCodePoint(e[2] === "x" ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10));
    i += e.length - 1;
  }
  return out;
}

/** Parses `doc`, throwing on the first well-formedness error; returns the root element. */
export function parseXml(doc: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const where = (): string => `at offset ${i} (${JSON.stringify(doc.slice(Math.max(0, i - 20), i + 20))})`;
  const skipSpace = (): void => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
  };
  while (i < doc.length) {
    if (doc.startsWith("<?", i)) {
      const end = doc.indexOf("?>", i);
      if (end < 0) throw new Error(`unclosed processing instruction ${where()}`);
      if (root || stack.length) {
        if (doc.slice(i + 2, i + 5).toLowerCase() === "xml") throw new Error(`XML declaration not at the start ${where()}`);
      }
      i = end + 2;
    } else if (doc.startsWith("<!--", i)) {
      const end = doc.indexOf("-->", i + 4);
      if (end < 0) throw new Error(`unclosed comment ${where()}`);
      if (doc.slice(i + 4, end).includes("--")) throw new Error(`'--' inside a comment ${where()}`);
      i = end + 3;
    } else if (doc.startsWith("<![CDATA[", i)) {
      const end = doc.indexOf("]]>", i);
      if (end < 0 || stack.length === 0) throw new Error(`bad CDATA section ${where()}`);
      stack[stack.length - 1]!.text += doc.slice(i + 9, end);
      i = end + 3;
    } else if (doc.startsWith("</", i)) {
      i += 2;
      const m = NAME.exec(doc.slice(i));
      if (!m) throw new Error(`bad closing tag ${where()}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`</${m[0]}> closes ${open ? `<${open.name}>` : "nothing"} ${where()}`);
      i += m[0].length;
      skipSpace();
      if (doc[i] !== ">") throw new Error(`expected '>' ${where()}`);
      i++;
    } else if (doc[i] === "<") {
      i++;
      const m = NAME.exec(doc.slice(i));
      if (!m) throw new Error(`bad tag name ${where()}`);
      i += m[0].length;
      const attrs: Record<string, string> = {};
      for (;;) {
        const before = i;
        skipSpace();
        if (doc.startsWith("/>", i) || doc[i] === ">") break;
        if (i === before) throw new Error(`expected space before attribute ${where()}`);
        const a = NAME.exec(doc.slice(i));
        if (!a) throw new Error(`bad attribute name ${where()}`);
        i += a[0].length;
        skipSpace();
        if (doc[i] !== "=") throw new Error(`expected '=' after ${a[0]} ${where()}`);
        i++;
        skipSpace();
        const q = doc[i];
        if (q !== '"' && q !== "'") throw new Error(`unquoted value of ${a[0]} ${where()}`);
        const end = doc.indexOf(q, i + 1);
        if (end < 0) throw new Error(`unclosed value of ${a[0]} ${where()}`);
        if (a[0] in attrs) throw new Error(`attribute ${a[0]} twice ${where()}`);
        attrs[a[0]] = decode(doc.slice(i + 1, end), where);
        i = end + 1;
      }
      const el: XmlElement = { name: m[0], attrs, children: [], text: "" };
      if (stack.length) stack[stack.length - 1]!.children.push(el);
      else if (root) throw new Error(`a second root element <${m[0]}> ${where()}`);
      else root = el;
      if (doc[i] === "/") i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = doc.indexOf("<", i) < 0 ? doc.length : doc.indexOf("<", i);
      const raw = doc.slice(i, end);
      if (stack.length === 0) {
        if (raw.trim()) throw new Error(`text outside the root element ${where()}`);
      } else stack[stack.length - 1]!.text += decode(raw, where);
      i = end;
    }
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error("no root element");
  return root;
}

/** Every element under (and including) `e`, depth first. */
export function descendants(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(descendants)];
}
