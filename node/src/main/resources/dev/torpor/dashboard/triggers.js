// Each function's triggers (from its triggers endpoint) and its event queue (from /metrics, where a function appears
// only once it has queued or dropped events: absent reads as an empty queue).
import * as api from './api.js';
import * as format from './format.js';
import * as prom from './prometheus.js';

function cell(text, className = '') {
  const td = document.createElement('td');
  td.textContent = text;
  td.className = className;
  return td;
}

function row(dataset, ...cells) {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, dataset);
  tr.append(...cells);
  return tr;
}

/** A schedule has no broker session: its state is when it next ticks. */
function connection(t) {
  if (t.state.connected === null || t.state.connected === undefined) return t.nextTick ? 'next ' + new Date(t.nextTick).toLocaleTimeString() : '–';
  return t.state.connected ? 'connected' : 'disconnected';
}

/** Fetches every function's triggers (a function deleted meanwhile has none) and draws them. */
export async function renderTriggers(names) {
  const lists = await Promise.all(names.map(n => api.get(`/torpor/v1/functions/${encodeURIComponent(n)}/triggers`)
    .then(r => r.triggers, () => [])));
  const rows = lists.flat().map(t => row({ function: t.function, trigger: t.id },
    cell(t.function), cell(t.type), cell(t.type === 'schedule' ? t.expression : t.topic), cell(connection(t)),
    cell(String(t.state.messagesIn), 'num'), cell(String(t.state.messagesOut), 'num'), cell(t.state.lastError || '–')));
  document.querySelector('#triggers tbody').replaceChildren(...rows);
}

export function renderQueues(names, metrics) {
  const value = (metric, name) => prom.sum(metrics, metric, { function: name });
  document.querySelector('#queues tbody').replaceChildren(...names.map(name => row({ function: name },
    cell(name),
    cell(String(value('torpor_event_queue_depth', name)), 'num'),
    cell(value('torpor_event_queue_depth', name) ? format.seconds(value('torpor_event_queue_oldest_age_seconds', name)) : '–', 'num'),
    cell(String(value('torpor_event_queue_retrying', name)), 'num'),
    cell(String(value('torpor_events_dropped', name)), 'num'))));
}
