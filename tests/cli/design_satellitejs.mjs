// Reads a 3-line TLE file with satellite.js (bench/node_modules, `npm ci` in bench/) and prints, per satellite,
// satellite.js's SGP4 error code and Brouwer mean semi-major axis (Earth radii) as JSON. Used by
// check_design_files.py when satellite.js is installed.
import fs from "fs";
import { createRequire } from "module";

const require = createRequire(process.argv[3] + "/");
const sat = require("satellite.js");
const lines = fs.readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l.trim());
const out = [];
for (let i = 0; i < lines.length; i += 3) {
  const rec = sat.twoline2satrec(lines[i + 1], lines[i + 2]);
  const pv = sat.sgp4(rec, 0.0);
  out.push({ name: lines[i], error: rec.error, a_er: rec.a, ok: pv.position !== false });
}
console.log(JSON.stringify(out));
