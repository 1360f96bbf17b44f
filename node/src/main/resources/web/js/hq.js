// Headquarters' dashboard: every store it accepts, when it last uploaded, and what it holds of it
// (entries, bills, sales). Re-read every two seconds from GET /api/hq/stores.

import { call } from './api.js';
import { el, installTokenPrompt, setText } from './ui.js';

const $ = id => document.getElementById(id);
const EVERY_MS = 2000;
let chart = null;

function ago(iso) {
  if (!iso) {
    return 'never';
  }
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return new Date(iso).toLocaleString() + (s < 120 ? ' (' + s + ' s ago)' : '');
}

function grouped(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

let inFlight = false;

async function refresh() {
  if (inFlight) {
    return;
  }
  inFlight = true;
  try {
    const stores = await call('GET', '/api/hq/stores');
    setText('store-count', stores.length);
    $('stores').replaceChildren(...stores.map(s => el('tr', { 'data-store': s.store, class: s.quarantined ? 'negative' : '' },
      el('td', {}, s.store), el('td', { class: 'last-upload' }, ago(s.lastUploadAt)),
      el('td', { class: 'n entries' }, grouped(s.entries)), el('td', { class: 'n bills' }, grouped(s.bills)),
      el('td', { class: 'n' }, grouped(s.refunds ?? 0)), el('td', { class: 'n sales' }, grouped(s.salesTotal)),
      el('td', { class: 'n' }, grouped(s.quarantined)))));
    if (window.echarts) {
      chart = chart || window.echarts.init($('chart-stores'));
      chart.setOption({
        animation: false,
        grid: { left: 90, right: 10, top: 10, bottom: 30 },
        tooltip: {},
        xAxis: { type: 'category', data: stores.map(s => s.store) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: stores.map(s => s.salesTotal) }],
      });
    }
    const r = $('refreshed');
    r.textContent = 'updated ' + new Date().toLocaleTimeString();
    r.className = 'pill ok';
  } catch (e) {
    const r = $('refreshed');
    r.textContent = e.message;
    r.className = 'pill bad';
  } finally {
    inFlight = false;
  }
}

installTokenPrompt();
refresh();
setInterval(refresh, EVERY_MS);
