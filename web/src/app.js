// Vantage tasking web map: sign in with a token, submit and follow the nation's requests, plan (operators),
// and see the plan on a CesiumJS globe or 2D map: satellites with their ground tracks and sensor footprints,
// ground stations, AOIs and targets, planned acquisitions and downlinks (also marked on the timeline).
// Offline: CesiumJS's bundled Natural Earth II imagery, no Cesium ion, no remote tiles or geocoder.
const Cesium = window.Cesium;
Cesium.Ion.defaultAccessToken = '';

const state = { token: sessionStorage.getItem('vantage.token'), who: null, viewer: null, dataSource: null, plan: null };
// For the end-to-end test and the curious: the viewer and what is loaded.
window.vantage = state;

const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers: { Authorization: `Bearer ${state.token}`, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, json);
  }
  return json;
}

function describe(err) {
  if (err instanceof ApiError && err.body) {
    const where = err.body.field ? ` (${err.body.field})` : '';
    return `${err.body.code}: ${err.body.message}${where}`;
  }
  return String(err && err.message ? err.message : err);
}

function setMessage(id, text, isError = false) {
  const el = $(id);
  el.textContent = text;
  el.className = isError ? 'message error' : 'message';
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

// ------------------------------------------------------------------------------------------- sign in

async function login(token) {
  state.token = token.trim();
  try {
    state.who = await api('/api/v1/whoami');
  } catch (err) {
    state.token = null;
    $('login-error').textContent = describe(err);
    return;
  }
  sessionStorage.setItem('vantage.token', state.token);
  $('login').hidden = true;
  $('app').hidden = false;
  $('who').textContent = `${state.who.tenant} ${state.who.role}`;
  // Planning, outcomes and uploads are the coalition's (operator, admin); a nation's roles do not see them.
  $('operator-tools').hidden = !['operator', 'admin'].includes(state.who.role);
  await initDefaults();
  initViewer();
  await Promise.all([refreshRequests(), loadPlan()]);
}

function logout() {
  // Another token may sign in on the same page: the globe stays, everything of this token goes.
  sessionStorage.removeItem('vantage.token');
  clearTimeout(state.refreshTimer);
  state.refreshTimer = null;
  state.token = null;
  state.who = null;
  state.plan = null;
  state.dataSource = null;
  if (state.viewer) {
    state.viewer.dataSources.removeAll(true);
    state.viewer.entities.removeAll();
  }
  $('request-table').querySelector('tbody').replaceChildren();
  $('acquisition-table').querySelector('tbody').replaceChildren();
  $('request-detail').textContent = '';
  $('request-message').textContent = '';
  $('token').value = '';
  $('login-error').textContent = '';
  $('app').hidden = true;
  $('login').hidden = false;
}

async function initDefaults() {
  // The service's clock (a simulation clock may run in another year): the form's window starts now, for a day.
  const health = await fetch('/api/v1/health').then((r) => r.json());
  const now = new Date(health.now_utc);
  now.setUTCSeconds(0, 0);
  const end = new Date(now.getTime() + 24 * 3600 * 1000);
  const local = (d) => d.toISOString().slice(0, 19);
  const form = $('request-form');
  form.window_start_utc.value = local(now);
  form.window_end_utc.value = local(end);
}

// ------------------------------------------------------------------------------------------- the map

function initViewer() {
  if (state.viewer) return;
  // ?render=on-demand (low-power mode): draw only when something changes, clock paused, half resolution (slow
  // machines, software WebGL).
  const onDemand = new URLSearchParams(location.search).get('render') === 'on-demand';
  const imagery = Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl('Assets/Textures/NaturalEarthII'));
  state.viewer = new Cesium.Viewer('map', {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(imagery),
    baseLayerPicker: false, // its defaults are remote (ion, Bing, OSM)
    geocoder: false, // remote
    homeButton: true,
    sceneModePicker: true,
    navigationHelpButton: false,
    fullscreenButton: false,
    animation: true,
    timeline: true,
    infoBox: true,
    selectionIndicator: true,
    shouldAnimate: !onDemand,
    requestRenderMode: onDemand,
    contextOptions: { webgl: { preserveDrawingBuffer: true } }, // so the canvas can be read back (tests)
  });
  const scene = state.viewer.scene;
  scene.globe.showGroundAtmosphere = false;
  if (onDemand) { // low-power: half resolution, no sky, no post-processing, coarser tiles
    state.viewer.resolutionScale = 0.5;
    scene.skyBox.show = false;
    scene.skyAtmosphere.show = false;
    scene.sun.show = false;
    scene.moon.show = false;
    scene.fog.enabled = false;
    scene.postProcessStages.fxaa.enabled = false;
    scene.globe.maximumScreenSpaceError = 4;
  }
}

async function loadPlan() {
  const viewer = state.viewer;
  let czml;
  try {
    czml = await api('/api/v1/plan.czml');
  } catch (err) {
    setMessage('plan-summary', describe(err), true);
    return;
  }
  const ds = await Cesium.CzmlDataSource.load(czml);
  viewer.dataSources.removeAll(true);
  viewer.entities.removeAll(); // targets added since the last load are in the CZML now
  await viewer.dataSources.add(ds);
  state.dataSource = ds;
  state.czmlPackets = czml.length;
  if (ds.clock) {
    viewer.clock.startTime = ds.clock.startTime.clone();
    viewer.clock.stopTime = ds.clock.stopTime.clone();
    viewer.clock.currentTime = ds.clock.currentTime.clone();
    viewer.clock.clockRange = ds.clock.clockRange;
    viewer.clock.multiplier = ds.clock.multiplier;
    viewer.clock.shouldAnimate = !viewer.scene.requestRenderMode;
    viewer.timeline.zoomTo(ds.clock.startTime, ds.clock.stopTime);
  }
  // The plan document: acquisitions and downlinks on the timeline, and as a list (the CZML's document packet
  // says whether there is a plan yet).
  state.plan = null;
  if (czml.length && /^Vantage plan /.test(czml[0].name || '')) {
    state.plan = await api('/api/v1/plan');
  }
  showPlan();
  state.loadedAt = Date.now();
}

function showPlan() {
  const tbody = $('acquisition-table').querySelector('tbody');
  tbody.replaceChildren();
  const timeline = state.viewer.timeline;
  // NOTE: the Timeline widget has no public way to remove a highlight; its list is _highlightRanges (1.129).
  const ranges = timeline._highlightRanges;
  for (const h of state.highlights ?? []) {
    if (ranges && ranges.indexOf(h) >= 0) ranges.splice(ranges.indexOf(h), 1);
  }
  state.highlights = [];
  const plan = state.plan;
  if (!plan) {
    setMessage('plan-summary', 'No plan yet.' + (!['operator', 'admin'].includes(state.who.role) ? ' An operator plans.' : ' Press "Plan now".'));
    return;
  }
  const m = plan.metrics || {};
  setMessage('plan-summary',
    `${plan.plan_id} (${plan.planner}): ${plan.acquisitions.length} acquisition(s), ${plan.downlinks.length} downlink(s), ` +
    `${plan.unserved.length} unserved; value ${m.value}`);
  const mark = (start, end, color, base) => {
    const h = timeline.addHighlightRange(color, 6, base);
    h.setRange(Cesium.JulianDate.fromIso8601(start), Cesium.JulianDate.fromIso8601(end));
    state.highlights.push(h);
  };
  for (const a of plan.acquisitions) {
    mark(a.start_utc, a.end_utc, Cesium.Color.ORANGE, 0);
    const tr = document.createElement('tr');
    cell(tr, a.request_id);
    cell(tr, a.satellite);
    cell(tr, a.start_utc.slice(0, 19).replace('T', ' '));
    cell(tr, a.state ?? 'planned');
    tr.addEventListener('click', () => {
      const t = Cesium.JulianDate.fromIso8601(a.start_utc);
      state.viewer.clock.currentTime = Cesium.JulianDate.addSeconds(t, -60, new Cesium.JulianDate());
      state.viewer.scene.requestRender();
      const e = state.dataSource.entities.getById(`acq/${a.acquisition_id}`);
      if (e) state.viewer.selectedEntity = e;
    });
    tbody.appendChild(tr);
  }
  for (const d of plan.downlinks) {
    mark(d.start_utc, d.end_utc, Cesium.Color.DODGERBLUE, 6);
  }
  timeline.resize();
}

// ------------------------------------------------------------------------------------------- requests

function requestFromForm() {
  const f = $('request-form');
  const body = {
    priority: Number(f.priority.value),
    window_start_utc: `${f.window_start_utc.value.slice(0, 19)}Z`,
    window_end_utc: `${f.window_end_utc.value.slice(0, 19)}Z`,
    sensor: f.sensor.value,
    duration_s: Number(f.duration_s.value),
  };
  if (body.window_start_utc.length === 17) body.window_start_utc = body.window_start_utc.replace('Z', ':00Z');
  if (body.window_end_utc.length === 17) body.window_end_utc = body.window_end_utc.replace('Z', ':00Z');
  if (f.aoi.value.trim()) {
    body.aoi = JSON.parse(f.aoi.value);
  } else {
    body.target = { lat_deg: Number(f.lat_deg.value), lon_deg: Number(f.lon_deg.value) };
  }
  return body;
}

async function submitRequest(ev) {
  ev.preventDefault();
  let body;
  try {
    body = requestFromForm();
  } catch (err) {
    setMessage('request-message', `the AOI is not JSON: ${err.message}`, true);
    return;
  }
  try {
    const r = await api('/api/v1/requests', { method: 'POST', body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    setMessage('request-message', `submitted ${r.id} (${r.status})`);
    await refreshRequests();
    // Feasibility runs in the background; the timer is cancelled if this token signs out first.
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refreshRequests, 1500);
    if (body.target) { // its target on the map at once (the next plan load brings it with the rest)
      state.viewer.entities.add({
        id: `new/${r.id}`,
        name: r.id,
        position: Cesium.Cartesian3.fromDegrees(body.target.lon_deg, body.target.lat_deg),
        point: { pixelSize: 7, color: Cesium.Color.WHITE },
        label: { text: r.id, font: '10px sans-serif', pixelOffset: new Cesium.Cartesian2(8, -8) },
      });
      state.viewer.scene.requestRender();
    }
  } catch (err) {
    setMessage('request-message', describe(err), true);
  }
}

async function checkFeasibility() {
  try {
    const f = await api('/api/v1/feasibility', { method: 'POST', body: requestFromForm() });
    const first = f.opportunities && f.opportunities[0];
    setMessage('request-message', f.feasible
      ? `feasible: ${f.opportunities_found} opportunities; first ${first.start_utc.slice(0, 19)} by ${first.satellite}`
      : `not feasible: ${f.reason}`, !f.feasible);
  } catch (err) {
    setMessage('request-message', describe(err), true);
  }
}

async function refreshRequests() {
  if (!state.token) return; // signed out meanwhile
  let page;
  try {
    page = await api('/api/v1/requests?limit=200');
  } catch (err) {
    setMessage('request-message', describe(err), true);
    return;
  }
  const tbody = $('request-table').querySelector('tbody');
  tbody.replaceChildren();
  for (const r of page.items.slice().reverse()) {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    cell(tr, r.id);
    cell(tr, r.status, `status-${r.status}`);
    cell(tr, String(r.priority));
    cell(tr, r.window_start_utc.slice(0, 16).replace('T', ' '));
    const td = cell(tr, '');
    if (['SUBMITTED', 'FEASIBLE', 'INFEASIBLE', 'SCHEDULED'].includes(r.status)) {
      const b = document.createElement('button');
      b.className = 'small';
      b.textContent = 'cancel';
      b.addEventListener('click', async (ev) => {
        ev.stopPropagation();
        try {
          await api(`/api/v1/requests/${encodeURIComponent(r.id)}/cancel`, { method: 'POST', body: '' });
        } catch (err) {
          setMessage('request-message', describe(err), true);
        }
        await refreshRequests();
      });
      td.appendChild(b);
    }
    tr.addEventListener('click', () => showRequest(r.id));
    tbody.appendChild(tr);
  }
}

async function showRequest(id) {
  try {
    const r = await api(`/api/v1/requests/${encodeURIComponent(id)}`);
    const lines = [`${r.id} ${r.status} priority ${r.priority}`];
    for (const e of r.status_history) lines.push(`  ${e.time_utc.slice(0, 19)} ${e.status} ${e.note || ''}`);
    if (r.feasibility && r.feasibility.first_opportunity) {
      const o = r.feasibility.first_opportunity;
      lines.push(`first opportunity ${o.start_utc.slice(0, 19)} ${o.satellite}`);
    }
    for (const a of r.acquisitions) lines.push(`acquisition ${a.start_utc.slice(0, 19)} ${a.satellite} ${a.state}`);
    $('request-detail').textContent = lines.join('\n');
    const e = state.dataSource && state.dataSource.entities.getById(`target/${id}`);
    if (e) state.viewer.flyTo(e, { duration: 1.0 });
  } catch (err) {
    $('request-detail').textContent = describe(err);
  }
}

async function planNow() {
  $('plan-btn').disabled = true;
  try {
    const p = await api('/api/v1/plan', { method: 'POST', body: {}, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    setMessage('plan-summary', `planned ${p.plan_id}: ${p.acquisitions} acquisition(s)`);
    await loadPlan();
    await refreshRequests();
  } catch (err) {
    setMessage('plan-summary', describe(err), true);
  } finally {
    $('plan-btn').disabled = false;
  }
}

// ------------------------------------------------------------------------------------------- wiring

$('login-btn').addEventListener('click', () => login($('token').value));
$('token').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') login($('token').value);
});
$('logout-btn').addEventListener('click', logout);
$('request-form').addEventListener('submit', submitRequest);
$('feasibility-btn').addEventListener('click', checkFeasibility);
$('refresh-btn').addEventListener('click', refreshRequests);
$('plan-btn').addEventListener('click', planNow);
$('view-2d').addEventListener('click', () => {
  state.viewer.scene.morphTo2D(0);
  state.viewer.scene.requestRender();
});
$('view-3d').addEventListener('click', () => {
  state.viewer.scene.morphTo3D(0);
  state.viewer.scene.requestRender();
});
if (state.token) login(state.token);
