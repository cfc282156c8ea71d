// Where CesiumJS finds its Workers, Assets and Widgets (copied next to this page by build.mjs).
window.CESIUM_BASE_URL = 'cesium/';
