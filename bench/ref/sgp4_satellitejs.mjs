// Twin of `vantage bench sgp4` in satellite.js (npm, version pinned in bench/package.json): the same TLE
// file and the same time grid (start ISO, count, step), timed in two ways:
//   js   : satellite.js's JS sgp4(satrec, tsince) in a plain loop, writing x, y, z, vx, vy, vz into
//          Float64Arrays (as the Vantage batch writes its structure-of-arrays output);
//   wasm : satellite.js's WASM BulkPropagator with EciBaseCalculator (single-thread runtime), if the
//          installed version has it.
// Usage: node sgp4_satellitejs.mjs TLE_FILE TIMES STEP_S START_ISO [REPEAT] [MODE=js|wasm|both]
// Prints "satellitejs_<mode>_states_per_s <n>" lines (best of REPEAT).
import { readFileSync } from 'node:fs';
import * as sat from 'satellite.js';

const [tleFile, timesArg, stepArg, startIso, repeatArg, modeArg] = process.argv.slice(2);
const nTimes = Number(timesArg ?? 1440);
const stepS = Number(stepArg ?? 60);
const repeat = Number(repeatArg ?? 3);
const mode = modeArg ?? 'both';
const start = new Date(startIso ?? '2025-10-03T00:00:00Z');

const lines = readFileSync(tleFile, 'utf8').split(/\r?\n/);
const satrecs = [];
for (let i = 0; i < lines.length; i++) {
  if (lines[i].startsWith('1 ') && i + 1 < lines.length && lines[i + 1].startsWith('2 ')) {
    satrecs.push(sat.twoline2satrec(lines[i], lines[i + 1]));
    i++;
  }
}
const dates = [];
for (let j = 0; j < nTimes; j++) dates.push(new Date(start.getTime() + j * stepS * 1000));
// Julian date of each time, as satellite.js's propagate() computes it (jday of the UTC calendar).
const jds = dates.map((d) => sat.jday(d));
const n = satrecs.length * nTimes;
console.log(`satellite.js: ${satrecs.length} satellites x ${nTimes} times (${n} states), node ${process.version}`);

function best(fn) {
  let bestS = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    bestS = Math.min(bestS, s);
  }
  return bestS;
}

if (mode === 'js' || mode === 'both') {
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  const vx = new Float64Array(n), vy = new Float64Array(n), vz = new Float64Array(n);
  let errors = 0;
  const s = best(() => {
    errors = 0;
    let k = 0;
    for (const rec of satrecs) {
      for (let j = 0; j < nTimes; j++, k++) {
        const tsince = (jds[j] - rec.jdsatepoch) * 1440.0;
        const pv = sat.sgp4(rec, tsince);
        if (!pv || !pv.position) { errors++; continue; }
        x[k] = pv.position.x; y[k] = pv.position.y; z[k] = pv.position.z;
        vx[k] = pv.velocity.x; vy[k] = pv.velocity.y; vz[k] = pv.velocity.z;
      }
    }
  });
  console.log(`js: best ${s.toFixed(4)} s, non-ok ${errors}, x[0] ${x[0]}`);
  console.log(`satellitejs_js_states_per_s ${(n / s).toPrecision(6)}`);
}

if ((mode === 'wasm' || mode === 'both')) {
  if (typeof sat.BulkPropagator !== 'function') {
    console.log('wasm: this satellite.js version has no BulkPropagator');
  } else {
    const runtime = await sat.createSingleThreadRuntime();
    const prop = new sat.BulkPropagator({
      runtime,
      calculators: [new sat.EciBaseCalculator()],
      satRecsCount: satrecs.length,
      datesCount: dates.length,
    });
    prop.setSatRecs(satrecs);
    prop.setDates(dates);
    const s = best(() => prop.run());
    const raw = prop.getRawOutput();
    const first = raw.eci?.position ? raw.eci.position[0] : NaN;
    console.log(`wasm: best ${s.toFixed(4)} s, x[0] ${first}`);
    console.log(`satellitejs_wasm_states_per_s ${(n / s).toPrecision(6)}`);
    prop.dispose();
  }
}
