// The confirmation every action asks for: a modal dialog (not window.confirm, which a phone browser may suppress),
// optionally with fields to fill in; resolves to their values, or null when cancelled.

const dialog = () => document.getElementById('confirm');

/** fields: [{name, label, options: [[value, text]...]} | {name, label, value, type}] */
export function confirmAction(text, fields = []) {
  const d = dialog();
  document.getElementById('confirm-text').textContent = text;
  const box = document.getElementById('confirm-fields');
  box.replaceChildren(...fields.map(field));
  d.returnValue = '';
  d.showModal();
  return new Promise(resolve => {
    d.addEventListener('close', () => {
      if (d.returnValue !== 'ok') return resolve(null);
      const values = {};
      for (const f of fields) values[f.name] = box.querySelector(`[name="${f.name}"]`).value;
      resolve(values);
    }, { once: true });
  });
}

function field(f) {
  const label = document.createElement('label');
  label.textContent = f.label + ' ';
  let input;
  if (f.options) {
    input = document.createElement('select');
    for (const [value, text] of f.options) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      o.selected = value === f.value;
      input.append(o);
    }
  } else {
    input = document.createElement('input');
    input.type = f.type || 'text';
    input.value = f.value ?? '';
  }
  input.name = f.name;
  label.append(input);
  return label;
}
