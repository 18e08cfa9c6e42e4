// DOM helpers. Everything that came from the wire is set with textContent, never parsed as markup.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = String(value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A header or body value for the page: control characters (terminal escapes) shown, not passed on.
export function visible(text) {
  return String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) =>
    "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

// A JSON value as a collapsible tree.
export function jsonTree(value, key, depth = 0) {
  const label = key === undefined ? null : el("span", { class: "key", text: JSON.stringify(String(key)) + ": " });
  if (value !== null && typeof value === "object") {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = el("details", { class: "node", open: depth < 3 });
    const count = isArray ? `[${entries.length}]` : `{${entries.length}}`;
    details.append(el("summary", {}, label, el("span", { class: "punct", text: count })));
    const list = el("div", { class: "children" });
    for (const [k, v] of entries) list.append(jsonTree(v, isArray ? undefined : k, depth + 1));
    details.append(list);
    return details;
  }
  const kind = value === null ? "null" : typeof value;
  return el("div", { class: "leaf" }, label, el("span", { class: "v-" + kind, text: visible(JSON.stringify(value)) }));
}

// Leaves of a JSON value by path: {"$.data.amount": "\"99.99\""}.
export function flatten(value, path = "$", out = new Map()) {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v]) : Object.entries(value).map(([k, v]) => [
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? "." + k : "[" + JSON.stringify(k) + "]", v]);
    if (entries.length === 0) out.set(path, Array.isArray(value) ? "[]" : "{}");
    for (const [k, v] of entries) flatten(v, path + k, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

// Rows of a diff of two maps: [kind, name, left, right] with kind one of same, changed, removed, added.
export function diffMaps(left, right) {
  const rows = [];
  for (const [name, value] of left) {
    if (!right.has(name)) rows.push(["removed", name, value, ""]);
    else rows.push([right.get(name) === value ? "same" : "changed", name, value, right.get(name)]);
  }
  for (const [name, value] of right) if (!left.has(name)) rows.push(["added", name, "", value]);
  return rows;
}

// A line diff (longest common subsequence), for bodies that are not JSON.
export function diffLines(a, b) {
  const x = a.split("\n").slice(0, 2000), y = b.split("\n").slice(0, 2000);
  const table = Array.from({ length: x.length + 1 }, () => new Uint16Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      table[i][j] = x[i] === y[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const rows = [];
  let i = 0, j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) { rows.push(["same", x[i]]); i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) rows.push(["removed", x[i++]]);
    else rows.push(["added", y[j++]]);
  }
  while (i < x.length) rows.push(["removed", x[i++]]);
  while (j < y.length) rows.push(["added", y[j++]]);
  return rows;
}

// A word for the shell, in single quotes.
export function shellQuote(text) {
  return "'" + String(text).replace(/'/g, "'\\''") + "'";
}
