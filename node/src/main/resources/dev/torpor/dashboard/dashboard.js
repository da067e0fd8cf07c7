// The node's dashboard: polls the node's own API (instances every second, metrics and the fleet less often) and
// draws what it says; actions call the same endpoints as the CLI, each after a confirmation.
import * as api from './api.js';
import * as format from './format.js';
import * as prom from './prometheus.js';
import { confirmAction } from './confirm.js';
import { MemoryChart } from './memory-chart.js';
import { renderQueues, renderTriggers } from './triggers.js';

const INSTANCES_EVERY_MS = 1000;
const METRICS_EVERY_MS = 3000;
const SLOW_EVERY_MS = 15000; // the function list and policies change only when someone changes them
const LIVE_CHANGES = new Set(['STOPPED', 'MOVED']);

const memory = new MemoryChart(document.getElementById('memory'));
let node = null;
let functions = [];
const policies = new Map();
let metrics = [];
let lastMetrics = 0, lastSlow = 0;

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function status(text, error = false) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}

// ---- instances ------------------------------------------------------------------------------------------------

function renderInstances(instances) {
  const box = document.getElementById('instances');
  const seen = new Set();
  instances.sort((a, b) => a.function.localeCompare(b.function) || a.instanceId.localeCompare(b.instanceId));
  for (const i of instances) {
    seen.add(i.instanceId);
    let card = box.querySelector(`[data-instance-id="${CSS.escape(i.instanceId)}"]`);
    if (!card) {
      card = el('article', { className: 'card' });
      card.dataset.instanceId = i.instanceId;
      box.append(card);
    }
    fillInstance(card, i);
  }
  for (const card of [...box.children]) if (!seen.has(card.dataset.instanceId)) card.remove();
  if (!instances.length) box.replaceChildren(el('p', { className: 'hint', textContent: 'No instances yet: invoke a function.' }));
}

function fillInstance(card, i) {
  const state = el('span', { className: 'state', textContent: i.state });
  state.dataset.state = i.state;
  const rows = [
    ['state', state],
    ['resident', format.bytes(i.residentMemoryBytes)],
    ['checkpoint', i.checkpointBytes ? format.bytes(i.checkpointBytes) : '–'],
    ['invocations', String(i.invocations)],
    ['checkpoints', `${i.checkpoints} (restores ${i.restores})`],
    ['since', new Date(i.lastTransition).toLocaleTimeString()],
  ];
  if (i.lastError) rows.push(['last error', i.lastError]);
  if (i.stateLost) rows.push(['state lost', `${i.stateLost.reason}: ${i.stateLost.detail}`]);
  const dl = el('dl');
  for (const [k, v] of rows) dl.append(el('dt', { textContent: k }), el('dd', {}, v));
  card.replaceChildren(
    el('h3', { textContent: i.function }),
    el('div', { className: 'id', textContent: i.instanceId }),
    dl,
    el('div', { className: 'trail', textContent: (i.history || []).join(' → ') }),
    el('div', { className: 'actions' }, ...instanceActions(i)));
}

function button(text, action, enabled, onClick) {
  const b = el('button', { textContent: text, disabled: !enabled, type: 'button' });
  b.dataset.action = action;
  b.addEventListener('click', onClick);
  return b;
}

function instanceActions(i) {
  const peers = node?.peers || [];
  const movable = ['IDLE', 'PAUSED', 'CHECKPOINTED'].includes(i.state);
  const actions = [
    button('Checkpoint', 'checkpoint', ['IDLE', 'PAUSED'].includes(i.state), () =>
      act(`Checkpoint ${i.instanceId} to disk now? Its memory is freed; the next event restores it.`, [],
        () => api.post(`/torpor/v1/instances/${encodeURIComponent(i.instanceId)}/checkpoint`), 'checkpointed')),
    button('Restore', 'restore', i.state === 'CHECKPOINTED', () =>
      act(`Restore ${i.instanceId} from its checkpoint now?`, [],
        () => api.post(`/torpor/v1/instances/${encodeURIComponent(i.instanceId)}/restore`), 'restored')),
  ];
  if (peers.length) {
    actions.push(button('Migrate…', 'migrate', movable, () =>
      act(`Move ${i.instanceId} to another node? It is frozen while it moves.`, [
        { name: 'target', label: 'to', options: peers.map(p => [p.id, p.id]) },
        { name: 'mode', label: 'mode', options: [['', 'fastest both nodes can'], ['post-copy', 'post-copy'], ['stop-and-copy', 'stop-and-copy']] },
      ], v => api.post(`/torpor/v1/instances/${encodeURIComponent(i.instanceId)}/migrate`,
        v.mode ? { target: v.target, mode: v.mode } : { target: v.target }), 'migrated')));
  }
  return actions;
}

/** Asks, then does it; the outcome goes to the status line, and the page refreshes at once. */
async function act(question, fields, doIt, done) {
  const values = await confirmAction(question, fields);
  if (values === null) return;
  status('working…');
  try {
    await doIt(values);
    status(done);
  } catch (e) {
    status(e.message, true);
  }
  lastSlow = 0;
  refresh().catch(e => status(e.message, true));
}

// ---- functions, latencies, fleet -------------------------------------------------------------------------------

function functionNames(instances) {
  const names = new Set([...functions.map(f => f.FunctionName), ...instances.map(i => i.function)]);
  for (const n of prom.labelValues(metrics, 'torpor_invocations_total', 'function')) names.add(n);
  return [...names].sort();
}

function renderFunctions(names) {
  const body = document.querySelector('#functions tbody');
  body.replaceChildren(...names.map(name => {
    const p = policies.get(name);
    const count = outcome => prom.sum(metrics, 'torpor_invocations_total', outcome ? { function: name, outcome } : { function: name });
    const row = el('tr', {},
      el('td', { textContent: name }),
      el('td', { textContent: p ? p.suspend : '…' }),
      el('td', { textContent: p ? format.millis(p.idleMs) : '…' }),
      el('td', { className: 'num', textContent: count() }),
      el('td', { className: 'num', textContent: count('function_error') + count('failed') }),
      el('td', { className: 'num', textContent: count('timeout') }),
      el('td', { className: 'num', textContent: prom.sum(metrics, 'torpor_throttles_total', { function: name }) }),
      el('td', {}, button('Policy…', 'policy', p !== undefined, () => changePolicy(name, p))));
    row.dataset.function = name;
    return row;
  }));
}

function changePolicy(name, p) {
  act(`Change how ${name} is suspended when idle?`, [
    { name: 'suspend', label: 'suspend', value: p.suspend, options: [['checkpoint', 'checkpoint (to disk, memory freed)'],
      ['pause', 'pause (freezer, memory kept)'], ['none', 'none (keep running)']] },
    { name: 'idleMs', label: 'after idle (ms)', value: String(p.idleMs), type: 'number' },
  ], v => api.put(`/torpor/v1/functions/${encodeURIComponent(name)}/policy`, { suspend: v.suspend, idleMs: Number(v.idleMs) })
    .then(changed => policies.set(name, changed)), 'policy changed');
}

const OPERATIONS = [['start', 'cold start'], ['restore', 'restore'], ['resume', 'resume'], ['checkpoint', 'checkpoint'], ['pause', 'pause']];
const WAKES = [['start', 'invoke, cold'], ['restore', 'invoke, restored'], ['resume', 'invoke, resumed'], ['warm', 'invoke, warm']];

function renderLatencies(names) {
  const rows = [];
  const add = (name, what, histogram, labels) => {
    const count = prom.sum(metrics, histogram + '_count', labels);
    if (!count) return;
    const mean = prom.sum(metrics, histogram + '_sum', labels) / count;
    rows.push(el('tr', {}, el('td', { textContent: name }), el('td', { textContent: what }),
      el('td', { className: 'num', textContent: count }), el('td', { className: 'num', textContent: format.seconds(mean) }),
      el('td', { className: 'num', textContent: format.seconds(prom.quantile(metrics, histogram, labels, 0.95)) })));
  };
  for (const name of names) {
    for (const [op, what] of OPERATIONS) add(name, what, 'torpor_operation_duration_seconds', { function: name, operation: op });
    for (const [wake, what] of WAKES) add(name, what, 'torpor_invocation_duration_seconds', { function: name, wake });
  }
  document.querySelector('#latencies tbody').replaceChildren(...rows);
}

function renderFleet(fleet) {
  document.getElementById('fleet').replaceChildren(...fleet.nodes.map(n => {
    const live = (n.instances || []).filter(i => !LIVE_CHANGES.has(i.state));
    const card = el('article', { className: 'card' },
      el('h3', { textContent: n.nodeId + (n.self ? ' (this node)' : '') }),
      el('div', { className: 'id', textContent: n.self ? location.host : n.endpoint }));
    card.dataset.node = n.nodeId;
    if (n.error) {
      card.append(el('p', { className: 'trail', textContent: 'not answering: ' + n.error }));
      return card;
    }
    card.append(el('p', { className: 'trail', textContent:
      `memory ${format.bytes(n.node.memoryReservedBytes)} reserved of ${format.bytes(n.node.memoryBudgetBytes)}` }));
    const dl = el('dl');
    for (const i of live) {
      const s = el('span', { className: 'state', textContent: i.state });
      s.dataset.state = i.state;
      dl.append(el('dt', { textContent: i.function }), el('dd', {}, s));
    }
    if (!live.length) dl.append(el('dt', { textContent: 'no functions' }), el('dd'));
    card.append(dl);
    card.append(el('p', { className: 'trail moves', textContent: 'moves under way: ' + (n.moves.length ? n.moves.map(m =>
      `${m.kind === 'MIGRATION' ? 'migrating' : 'backing up'} ${m.function} to ${m.peer} since ${new Date(m.since).toLocaleTimeString()}`)
      .join('; ') : 'none') }));
    return card;
  }));
}

// ---- the loop ----------------------------------------------------------------------------------------------------

function header(n) {
  document.getElementById('node-id').textContent = `${n.nodeId} · ${n.version}`;
  document.getElementById('node-summary').textContent = `memory: ${format.bytes(n.memoryResidentBytes)} resident, `
    + `${format.bytes(n.memoryReservedBytes)} reserved of a ${format.bytes(n.memoryBudgetBytes)} budget · `
    + `${n.functions} function(s), ${n.instances} instance(s)` + (n.peers.length ? ` · peers: ${n.peers.map(p => p.id).join(', ')}` : '');
}

async function refresh() {
  const now = Date.now();
  const [info, page] = await Promise.all([api.get('/torpor/v1/node'), api.get('/torpor/v1/instances')]);
  node = info;
  header(info);
  renderInstances(page.instances);
  const resident = new Map();
  for (const i of page.instances) resident.set(i.function, (resident.get(i.function) || 0) + i.residentMemoryBytes);
  memory.add(now / 1000, info.memoryBudgetBytes, info.memoryReservedBytes, resident);

  if (now - lastSlow >= SLOW_EVERY_MS) {
    lastSlow = now;
    functions = (await api.get('/2015-03-31/functions/')).Functions || [];
    const names = functionNames(page.instances);
    await Promise.all(names.map(n => api.get(`/torpor/v1/functions/${encodeURIComponent(n)}/policy`)
      .then(p => policies.set(n, p), () => policies.delete(n))));
  }
  if (now - lastMetrics >= METRICS_EVERY_MS) {
    lastMetrics = now;
    metrics = prom.parse(await api.get('/metrics'));
    const names = functionNames(page.instances);
    renderFunctions(names);
    renderLatencies(names);
    renderQueues(names, metrics);
    await renderTriggers(names);
    document.getElementById('fleet-section').hidden = !info.peers.length;
    if (info.peers.length) renderFleet(await api.get('/torpor/v1/fleet'));
  }
}

let loopFailed = false;

async function loop() {
  try {
    await refresh();
    if (loopFailed) status(''); // the node answers again; an action's outcome is left for the user to read
    loopFailed = false;
    document.body.dataset.updated = new Date().toISOString();
  } catch (e) {
    loopFailed = true;
    status(e.message, true);
  }
  setTimeout(loop, INSTANCES_EVERY_MS);
}

loop();
