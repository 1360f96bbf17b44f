// Small DOM helpers shared by the pages: element building, a keyboard-driven form dialog, and the
// API-token prompt every page shows when its node answers 401.

import { onTokenNeeded, setApiToken } from './api.js';

/** Creates an element: el('td', {class: 'n'}, 'text', child, ...). Text is set as text, never as HTML. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'class') {
      e.className = v;
    } else if (k.startsWith('data-') || k === 'id' || k === 'type' || k === 'name' || k === 'value'
        || k === 'placeholder' || k === 'for' || k === 'autocomplete' || k === 'inputmode' || k === 'role') {
      e.setAttribute(k, v);
    } else {
      e[k] = v;
    }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  return e;
}

/**
 * Shows a modal form and resolves with {field: value} on Enter, or null on Escape. `fields`: [{name, label,
 * type ('text', 'password', ...), value}]. `message` is shown above the fields (e.g. the server's error).
 */
export function ask({ id, title, message = '', fields, submit = 'OK' }) {
  return new Promise(resolve => {
    const dialog = el('dialog', { id, class: 'ask' });
    const form = el('form', { method: 'dialog' });
    form.append(el('h2', {}, title));
    if (message) {
      form.append(el('p', { class: 'ask-message' }, message));
    }
    for (const f of fields) {
      const input = el('input', {
        id: (id ? id + '-' : '') + f.name, name: f.name, type: f.type || 'text', value: f.value || '', autocomplete: 'off',
      });
      form.append(el('label', {}, el('span', {}, f.label), input));
    }
    form.append(el('p', { class: 'hint' }, el('button', { type: 'submit' }, submit), ' Enter: ' + submit + ' · Esc: cancel'));
    dialog.append(form);
    document.body.append(dialog);
    let result = null;
    form.addEventListener('submit', () => {
      result = Object.fromEntries(fields.map(f => [f.name, form.elements[f.name].value]));
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    const first = form.querySelector('input');
    if (first) {
      first.focus();
      first.select();
    }
  });
}

/** Makes every API call that answers 401 ask for the node's API token, keep it for the tab, and retry. */
export function installTokenPrompt() {
  let pending = null;
  onTokenNeeded(message => {
    if (!pending) {
      pending = ask({
        id: 'token-dialog', title: 'API token', message,
        fields: [{ name: 'token', label: 'Token', type: 'password' }], submit: 'sign in',
      }).then(v => {
        pending = null;
        if (v === null) {
          throw new Error('the API token is needed');
        }
        setApiToken(v.token.trim());
      });
    }
    return pending;
  });
}

/** Sets the text of the element with `id` when it changed (so observers see a change only when there is one). */
export function setText(id, text) {
  const e = document.getElementById(id);
  if (e && e.textContent !== String(text)) {
    e.textContent = String(text);
  }
  return e;
}
