// How numbers read on the page.

export function bytes(n) {
  if (n == null || Number.isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 || Number.isInteger(n) ? n.toFixed(0) : n.toFixed(1)) + ' ' + units[i];
}

export function seconds(s) {
  if (s == null || Number.isNaN(s)) return '–';
  return s < 1 ? (s * 1000).toFixed(s < 0.01 ? 1 : 0) + ' ms' : s.toFixed(2) + ' s';
}

export function millis(ms) {
  return ms % 60000 === 0 ? ms / 60000 + ' min' : ms % 1000 === 0 ? ms / 1000 + ' s' : ms + ' ms';
}
