// Pixel comparison of two screenshot folders: node e2e/screens/compare-png.mjs <before dir> <after dir> [diff dir]
// Prints, per image, the count of differing pixels (and a diff image, changed pixels in red).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const [a, b, diffDir = '/tmp/afk-ui-diff'] = process.argv.slice(2);
mkdirSync(diffDir, { recursive: true });
let changed = 0;
for (const f of readdirSync(a).filter((n) => n.endsWith('.png'))) {
  const x = PNG.sync.read(readFileSync(`${a}/${f}`));
  let y;
  try {
    y = PNG.sync.read(readFileSync(`${b}/${f}`));
  } catch {
    console.log(`${f}: missing in ${b}`);
    changed++;
    continue;
  }
  if (x.width !== y.width || x.height !== y.height) {
    console.log(`${f}: size ${x.width}x${x.height} -> ${y.width}x${y.height}`);
    changed++;
    continue;
  }
  const d = new PNG({ width: x.width, height: x.height });
  let n = 0;
  const box = [x.width, x.height, 0, 0];
  for (let i = 0; i < x.data.length; i += 4) {
    const same =
      x.data[i] === y.data[i] && x.data[i + 1] === y.data[i + 1] && x.data[i + 2] === y.data[i + 2];
    d.data[i] = same ? x.data[i] / 3 : 255;
    d.data[i + 1] = same ? x.data[i + 1] / 3 : 0;
    d.data[i + 2] = same ? x.data[i + 2] / 3 : 0;
    d.data[i + 3] = 255;
    if (!same) {
      n++;
      const px = (i / 4) % x.width;
      const py = Math.floor(i / 4 / x.width);
      box[0] = Math.min(box[0], px);
      box[1] = Math.min(box[1], py);
      box[2] = Math.max(box[2], px);
      box[3] = Math.max(box[3], py);
    }
  }
  if (n > 0) {
    writeFileSync(`${diffDir}/${f}`, PNG.sync.write(d));
    changed++;
  }
  console.log(
    `${f}: ${n === 0 ? 'identical' : `${n} pixels differ in x ${box[0]}-${box[2]}, y ${box[1]}-${box[3]}`}`,
  );
}
process.exitCode = changed > 0 ? 1 : 0;
