// Small DOM helpers. Every text from the server goes in through textContent (never
// innerHTML), so voter data cannot inject markup, and nothing here sets inline styles:
// the server's Content-Security-Policy (default-src 'self') would refuse them.

export type Child = Node | string | null | undefined | false;

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined;
}

// el("a", { href: "#/", class: "x", "data-testid": "y" }, "text", otherNode)
// Boolean true sets an empty attribute, false/null/undefined leaves it out.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// Words joined by single spaces, empty parts dropped: joinWords("MARY", "", "SMITH").
export function joinWords(...parts: Array<string | null | undefined>): string {
  return parts.filter((p): p is string => !!p && p.trim() !== "").join(" ");
}
