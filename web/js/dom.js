// Building DOM nodes without HTML strings (text is always text).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A snippet from the API: escaped text with <mark> around matches. Only
 * <mark> elements are kept; anything else would be shown as text. */
export function snippet(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const ok = [...tpl.content.querySelectorAll('*')].every((e) => e.tagName === 'MARK' && e.attributes.length === 0);
  if (!ok) return document.createTextNode(tpl.content.textContent);
  return tpl.content;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
