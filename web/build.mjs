// Builds the web map into dist/ (or the folder given as the first argument): CesiumJS's own prebuilt
// Build/Cesium (Cesium.js, Workers, ThirdParty, Widgets, and Assets with the Natural Earth II imagery, so the
// page works offline) under dist/cesium/, then the page itself from src/. No bundler: the page is plain ES.
import { cpSync, mkdirSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const cesium = join(here, 'node_modules', 'cesium', 'Build', 'Cesium');
if (!existsSync(join(cesium, 'Cesium.js'))) {
  console.error(`build: ${cesium}/Cesium.js not found; run "npm ci" in ${here} first`);
  process.exit(1);
}
const imagery = join(cesium, 'Assets', 'Textures', 'NaturalEarthII', 'tilemapresource.xml');
if (!existsSync(imagery)) {
  console.error(`build: the Natural Earth II imagery (${imagery}) is missing from the cesium package`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'cesium'), { recursive: true });
for (const part of ['Cesium.js', 'Workers', 'ThirdParty', 'Widgets', 'Assets']) {
  cpSync(join(cesium, part), join(out, 'cesium', part), { recursive: true });
}
for (const f of readdirSync(join(here, 'src'))) {
  cpSync(join(here, 'src', f), join(out, f), { recursive: true });
}
console.log(`build: web map in ${out} (CesiumJS ${JSON.parse((await import('node:fs')).readFileSync(join(here, 'node_modules', 'cesium', 'package.json'), 'utf8')).version})`);
