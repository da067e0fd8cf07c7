// Reads the node's /metrics (Prometheus text format) into samples, and what the dashboard asks of them.

const LINE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of a scrape: {name, labels, value}. */
export function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

function matches(labels, wanted) {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** The sum of a metric's samples whose labels include `wanted`. */
export function sum(samples, name, wanted = {}) {
  return samples.filter(s => s.name === name && matches(s.labels, wanted)).reduce((a, s) => a + s.value, 0);
}

/** The distinct values of one label of a metric. */
export function labelValues(samples, name, label) {
  return [...new Set(samples.filter(s => s.name === name && label in s.labels).map(s => s.labels[label]))].sort();
}

/**
 * The q-quantile of a histogram's buckets (those of the samples matching `wanted`, summed per bound), by linear
 * interpolation inside the bucket that holds it, as Prometheus's histogram_quantile does; NaN without observations.
 */
export function quantile(samples, histogram, wanted, q) {
  const byBound = new Map();
  for (const s of samples) {
    if (s.name !== histogram + '_bucket' || !matches(s.labels, wanted)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byBound.set(le, (byBound.get(le) || 0) + s.value);
  }
  const buckets = [...byBound].sort((a, b) => a[0] - b[0]);
  if (!buckets.length) return NaN;
  const total = buckets[buckets.length - 1][1];
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower; // past the highest finite bound: that bound is all that is known
      return lower + (le - lower) * (count === below ? 0 : (rank - below) / (count - below));
    }
    lower = le;
    below = count;
  }
  return lower;
}
