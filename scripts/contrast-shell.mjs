// Contrast check of the devtools theme tokens (WCAG 2 relative luminance), light and dark.
const T = {
  light: {
    bg: '#ffffff',
    panel: '#f6f7f9',
    raised: '#ffffff',
    selected: '#e4eaff',
    fg: '#1b1d22',
    muted: '#5a606c',
    accent: '#3451c6',
    ok: '#176b31',
    error: '#b81d1d',
    paused: '#8f5000',
    running: '#1a5cb0',
    skipped: '#5a606c',
  },
  dark: {
    bg: '#14161b',
    panel: '#1a1d23',
    raised: '#23272f',
    selected: '#28314c',
    fg: '#e6e8ee',
    muted: '#a3aab7',
    accent: '#93a6ff',
    ok: '#5fd38d',
    error: '#ff8f8f',
    paused: '#f2b45a',
    running: '#7cc3fc',
    skipped: '#a3aab7',
  },
};
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const lin = (c) => {
  c /= 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const L = (rgb) => 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
const ratio = (a, b) => {
  const x = L(a),
    y = L(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};
const mix = (a, b, p) => a.map((v, i) => Math.round(v * p + b[i] * (1 - p)));
let worst = 99;
for (const [theme, t] of Object.entries(T)) {
  const rows = [];
  for (const fgName of ['fg', 'muted', 'accent', 'ok', 'error', 'paused', 'running', 'skipped']) {
    const fg = hex(t[fgName]);
    const cells = {};
    for (const bgName of ['bg', 'panel', 'raised', 'selected']) cells[bgName] = ratio(fg, hex(t[bgName]));
    // badge: the hue at 14% over the panel
    cells.badge = ratio(fg, mix(fg, hex(t.panel), 0.14));
    for (const v of Object.values(cells)) worst = Math.min(worst, v);
    rows.push({
      token: fgName,
      ...Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, v.toFixed(2)])),
    });
  }
  console.log(theme);
  console.table(rows);
}
console.log('worst', worst.toFixed(2), worst >= 4.5 ? 'OK' : 'FAIL');
