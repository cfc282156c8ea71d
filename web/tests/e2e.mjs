// End-to-end test of the web map in Debian's headless Chromium (playwright-core; no downloaded browser):
// starts `vantage serve` on the example scenario with a simulation clock, signs in as a French requester,
// submits a request through the form, signs in as an operator and plans, then checks as the requester that the
// map holds exactly the entities of the plan's CZML (satellites, tracks, footprints, stations, target,
// acquisition), that the canvas is not blank in 3D and in 2D, and that the page fetched nothing from outside
// the server (offline: bundled imagery, no Cesium ion). Screenshots go to --out.
//   node web/tests/e2e.mjs --vantage build/apps/cli/vantage --out build/e2e
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const vantage = resolve(arg('--vantage', join(root, 'build', 'apps', 'cli', 'vantage')));
const out = resolve(arg('--out', join(root, 'build', 'e2e')));
const web = resolve(arg('--web', join(root, 'web', 'dist')));
const chromiumPath = arg('--chromium', '/usr/bin/chromium');

const started = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const db = join(out, 'e2e.db');
const token = (tenant, role) =>
  execFileSync(vantage, ['admin', 'create-token', '--db', db, '--tenant', tenant, '--role', role], { encoding: 'utf8' })
    .trim().split('\n').pop();
const requester = token('FR', 'requester');
const operator = token('FR', 'operator');

// The server, on a free port, with the simulation clock at the example element sets' epoch.
const server = spawn(vantage, ['serve', '--db', db, '--port', '0', '--web', web, '--scenario',
  join(root, 'examples', 'access-demo.yaml'), '--simulate', '--sim-start', '2025-10-03T00:00:00Z'],
{ stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((ok, fail) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    const m = buf.match(/listening on (http:\/\/[\d.]+:\d+)/);
    if (m) ok(m[1]);
  });
  server.on('exit', (code) => fail(new Error(`vantage serve exited with ${code}`)));
  setTimeout(() => fail(new Error('vantage serve did not start')), 30000);
});
log('server', base);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // Debian's Chromium as root, offline; WebGL through SwiftShader (no GPU here).
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist'],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
context.setDefaultTimeout(90000);
// Software WebGL on a small machine: the page draws on demand (?render=on-demand), not 60 frames a second.
const pageUrl = base + '/?render=on-demand';
const page = await context.newPage();
const outside = [];
const consoleErrors = [];
page.on('request', (r) => {
  const u = new URL(r.url());
  if (!u.href.startsWith(base) && u.protocol !== 'data:' && u.protocol !== 'blob:') outside.push(r.url());
});
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400) consoleErrors.push('HTTP ' + r.status() + ' ' + r.url()); });

async function signIn(tok, expect) {
  if (await page.isVisible('#logout-btn')) {
    await page.click('#logout-btn'); // signs out without leaving the page
  }
  await page.fill('#token', tok);
  await page.click('#login-btn');
  await page.waitForFunction((t) => document.getElementById('who').textContent === t, expect);
  await page.waitForFunction(() => window.vantage.dataSource !== null);
}

try {
  // 1. Sign in; a wrong token is refused.
  await page.goto(pageUrl);
  await page.fill('#token', '0123456789abcdef.' + 'A'.repeat(43));
  await page.click('#login-btn');
  await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0);
  check((await page.textContent('#login-error')).includes('invalid token'), 'a forged token is refused at sign-in');
  await signIn(requester, 'FR requester');
  log('signed in as FR requester');
  consoleErrors.length = 0; // the forged token's 401 above was expected
  check(await page.isHidden('#operator-tools'), 'a requester has no "Plan now"');

  // 2. Submit a request through the form (Toulouse, priority 7; the window defaults to the next 24 h).
  await page.fill('input[name=priority]', '7');
  log('form filled');
  await page.click('#submit-btn');
  await page.waitForFunction(() => /submitted FR:/.test(document.getElementById('request-message').textContent));
  const submitted = (await page.textContent('#request-message')).match(/submitted (FR:[0-9a-f]+)/)[1];
  log('submitted', submitted);
  // Feasibility runs in the background: refresh the list until the request is FEASIBLE.
  let status = '';
  for (let i = 0; i < 90 && status !== 'FEASIBLE'; i++) {
    await page.click('#refresh-btn');
    await page.waitForTimeout(1000);
    status = await page.evaluate((id) => {
      const row = document.querySelector(`#request-table tr[data-id="${id}"]`);
      return row ? row.children[1].textContent : '';
    }, submitted);
  }
  check(status === 'FEASIBLE', `request ${submitted} became FEASIBLE (access engine in the background): ${status}`);

  // 3. An operator signs in and plans; the map then holds exactly the plan's CZML entities.
  await signIn(operator, 'FR operator');
  await page.click('#plan-btn');
  await page.waitForFunction(() => /acquisition\(s\), \d+ downlink/.test(document.getElementById('plan-summary').textContent));
  log('planned:', await page.textContent('#plan-summary'));
  await page.waitForFunction(() => window.vantage.plan !== null);
  const requesterCzml = await (await fetch(base + '/api/v1/plan.czml', { headers: { Authorization: `Bearer ${requester}` } })).json();
  check(requesterCzml.some((p) => p.id.startsWith('acq/')), 'the requester\'s CZML holds its acquisition');
  const czml = await (await fetch(base + '/api/v1/plan.czml', { headers: { Authorization: `Bearer ${operator}` } })).json();
  const ids = czml.filter((p) => p.id !== 'document').map((p) => p.id);
  const onMap = await page.evaluate(() => window.vantage.dataSource.entities.values.map((e) => e.id));
  check(onMap.length === ids.length, `Cesium entities on the map: ${onMap.length}, CZML packets: ${ids.length}`);
  const kinds = (prefix) => onMap.filter((id) => id.startsWith(prefix)).length;
  check(kinds('sat/') === 11 && kinds('track/') === 11 && kinds('footprint/') === 11,
    `11 satellites with ground tracks and footprints (${kinds('sat/')}/${kinds('track/')}/${kinds('footprint/')})`);
  check(kinds('station/') === 5, `5 ground stations (${kinds('station/')})`);
  check(onMap.includes(`target/${submitted}`), 'the submitted request\'s target is on the map');
  check(kinds('acq/') >= 1, `planned acquisitions on the map: ${kinds('acq/')}`);
  // The tasking planner models storage and downlinks: the image goes down through a station, on the map too.
  check(kinds('downlink/') >= 1, `planned downlinks on the map: ${kinds('downlink/')}`);
  const timelineMarks = await page.evaluate(() => window.vantage.highlights.length);
  check(timelineMarks >= kinds('acq/') + kinds('downlink/'), `acquisitions and downlinks marked on the timeline: ${timelineMarks}`);
  const acqRows = await page.$$eval('#acquisition-table tbody tr', (rows) => rows.length);
  check(acqRows === kinds('acq/'), `acquisition list rows: ${acqRows}`);

  // 4. The canvas is not blank (the globe with imagery, in 3D and in 2D), with screenshots.
  const pixels = () => page.evaluate(async () => {
    const v = window.vantage.viewer;
    // Draw until the imagery tiles are in (on-demand rendering: tiles load as frames are drawn).
    for (let i = 0; i < 30; i++) {
      v.render();
      if (v.scene.globe.tilesLoaded) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    v.render();
    const c = document.createElement('canvas');
    c.width = 96;
    c.height = 64;
    const g = c.getContext('2d');
    g.drawImage(v.scene.canvas, 0, 0, c.width, c.height);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) {
      colours.add(`${d[i] >> 3},${d[i + 1] >> 3},${d[i + 2] >> 3}`);
      if (d[i] + d[i + 1] + d[i + 2] > 60) lit += 1;
    }
    return { colours: colours.size, litFraction: lit / (d.length / 4), tilesLoaded: v.scene.globe.tilesLoaded };
  });
  // Look at Toulouse at the acquisition time (the first acquisition row moves the clock there).
  await page.click('#acquisition-table tbody tr');
  await page.evaluate(() => window.vantage.viewer.camera.setView({
    destination: window.Cesium.Cartesian3.fromDegrees(5, 40, 12000000),
  }));
  log('map checked');
  const p3 = await pixels();
  check(p3.colours > 50 && p3.litFraction > 0.2, `3D canvas not blank: ${p3.colours} colours, ${(100 * p3.litFraction).toFixed(0)}% lit, tiles loaded ${p3.tilesLoaded}`);
  await page.screenshot({ path: join(out, 'e2e_map_3d.png') });
  log('3D checked');
  await page.click('#view-2d');
  await page.waitForFunction(() => window.vantage.viewer.scene.mode === window.Cesium.SceneMode.SCENE2D);
  const p2 = await pixels();
  check(p2.colours > 50 && p2.litFraction > 0.2, `2D canvas not blank: ${p2.colours} colours, ${(100 * p2.litFraction).toFixed(0)}% lit`);
  await page.screenshot({ path: join(out, 'e2e_map_2d.png') });

  // 5. Offline: nothing was requested from anywhere but the server.
  check(outside.length === 0, `requests outside the server: ${outside.length}${outside.length ? ' ' + outside.slice(0, 3).join(' ') : ''}`);
  const serious = consoleErrors.filter((e) => !/favicon/.test(e));
  check(serious.length === 0, `page errors: ${serious.length}${serious.length ? ' ' + serious.slice(0, 3).join(' | ') : ''}`);
} catch (err) {
  check(false, `unexpected: ${err.stack || err}`);
  await page.screenshot({ path: join(out, 'e2e_failure.png') }).catch(() => {});
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
log(`done: ${failures} failure(s); screenshots in ${out}`);
process.exit(failures ? 1 : 0);
