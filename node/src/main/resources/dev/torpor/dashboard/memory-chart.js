// Resident memory over time, stacked by function, against the budget and what resident instances reserve of it.
// Sampled by the page from each poll of the instances (the node keeps no history of its own): the chart starts when
// the page is opened and keeps the last MAX_SAMPLES.
import * as format from './format.js';

const MAX_SAMPLES = 600;
/** Ticks at whole powers of two (…, 64 MiB, 128 MiB, …): budgets and function sizes are, so the lines sit on ticks. */
const BYTE_STEPS = Array.from({ length: 31 }, (_, i) => 2 ** (i + 10));
const PALETTE = ['#2f6fde', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#7c3aed', '#ea580c', '#0d9488'];

export class MemoryChart {
  constructor(element) {
    this.element = element;
    this.times = [];
    this.budget = [];
    this.reserved = [];
    this.byFunction = new Map(); // function -> resident bytes per sample
    this.plot = null;
    this.functions = '';
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(element);
  }

  /** One sample: budget and reserved bytes, and resident bytes per function. */
  add(time, budget, reserved, resident) {
    for (const name of resident.keys()) {
      if (!this.byFunction.has(name)) this.byFunction.set(name, this.times.map(() => 0));
    }
    this.times.push(time);
    this.budget.push(budget);
    this.reserved.push(reserved);
    for (const [name, values] of this.byFunction) values.push(resident.get(name) || 0);
    if (this.times.length > MAX_SAMPLES) {
      for (const a of [this.times, this.budget, this.reserved, ...this.byFunction.values()]) a.shift();
    }
    this.element.dataset.samples = String(this.times.length);
    this.element.dataset.peakResident = String(Math.max(0, ...this.times.map((_, i) => this.total(i))));
    this.draw();
  }

  total(i) {
    let t = 0;
    for (const v of this.byFunction.values()) t += v[i];
    return t;
  }

  size() {
    return { width: Math.max(200, this.element.clientWidth - 12), height: 240 };
  }

  draw() {
    const names = [...this.byFunction.keys()].sort();
    // Each function's band is drawn from the top of the stack down, so a lower band paints over the one above it.
    const cumulative = [];
    let running = this.times.map(() => 0);
    for (const name of names) {
      running = running.map((v, i) => v + this.byFunction.get(name)[i]);
      cumulative.push(running);
    }
    const data = [this.times, this.budget, this.reserved, ...cumulative.slice().reverse()];
    const key = names.join('\u0000');
    if (this.plot && key === this.functions) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.functions = key;
    const bands = names.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length] })).reverse();
    this.plot = new uPlot({
      ...this.size(),
      scales: { x: { time: true } },
      axes: [{}, { size: 80, incrs: BYTE_STEPS, values: (u, ticks) => ticks.map(format.bytes) }],
      series: [
        {},
        { label: 'budget', stroke: '#b3261e', width: 2, dash: [6, 4], value: (u, v) => format.bytes(v) },
        { label: 'reserved', stroke: '#5d6675', width: 1.5, value: (u, v) => format.bytes(v) },
        ...bands.map(b => ({
          label: b.name, stroke: b.color, fill: b.color + '66', width: 1,
          value: (u, v, s, i) => (i == null ? '–' : format.bytes(this.byFunction.get(b.name)[i])),
        })),
      ],
    }, data, this.element);
  }
}
