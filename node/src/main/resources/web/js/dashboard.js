// The operator dashboard: every lane's link and lag, the leader, headquarters and its backlog, today's
// sales by lane and tender as charts, budgets with each lane's share, and stock with negative-stock alerts. Live through GET /api/events
// (a summary every second and right after new entries); stock is re-read when the log grew.

import { call } from './api.js';
import { subscribe } from './events.js';
import { formatMinor } from './money.js';
import { el, installTokenPrompt, setText } from './ui.js';

const $ = id => document.getElementById(id);
const STOCK_ROWS = 200;
const STOCK_EVERY_MS = 1000;

let exponent = 2;
let stock = [];
let stockEntries = -1;
let stockLoadedAt = 0;
let stockLoading = false;
let tillChart = null;
let tenderChart = null;

function money(minor) {
  return formatMinor(minor, exponent);
}

function currencyExponent(code) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
  } catch (e) {
    return 2;
  }
}

function showStatus(s) {
  setText('node-id', s.nodeId);
  setText('store-id', s.store);
  document.title = 'StoreLog dashboard ' + s.nodeId;
  if (s.currency) {
    exponent = currencyExponent(s.currency);
  }
  setText('leader', s.leader || 'none');
  const hq = s.hq || {};
  setText('hq-reachable', hq.configured === false ? 'not configured' : hq.reachable ? 'reachable' : 'unreachable');
  $('hq-reachable').className = hq.configured === false ? '' : hq.reachable ? 'ok' : 'bad';
  $('offline-banner').hidden = !(hq.configured !== false && !hq.reachable);
  setText('hq-pending', hq.pendingEntries ?? 0);
  setText('log-entries', s.log ? s.log.entries : 0);
  setText('offline-ready', s.offlineReady ? 'offline ready' : 'not offline ready');
  $('offline-ready').className = s.offlineReady ? 'ok' : 'bad';
  const confirmed = Object.fromEntries((hq.lanes || []).map(l => [l.till, l]));
  const lanes = [{ id: s.nodeId, role: s.role, self: true, connected: true, lagEntries: 0 }].concat(s.peers || []);
  $('lanes').replaceChildren(...lanes.map(p => {
    const c = confirmed[p.id];
    return el('tr', { 'data-lane': p.id, class: p.connected ? '' : 'down' },
      el('td', {}, p.id), el('td', {}, p.role || ''),
      el('td', { class: p.self ? '' : p.connected ? 'ok' : 'bad' }, p.self ? 'this node' : p.connected ? 'linked' : 'down'),
      el('td', { class: 'n lag' }, p.self ? '' : String(p.lagEntries)),
      el('td', {}, p.id === s.leader ? 'leader' : ''),
      el('td', {}, c ? '#' + c.confirmedBill + ' of #' + c.lastBill : ''));
  }));
  if (s.log && s.log.entries !== stockEntries && Date.now() - stockLoadedAt >= STOCK_EVERY_MS) {
    loadStock(s.log.entries);
  }
}

// Each budget (limited item or the offline card cap): a total row, then each lane's share of it.
function showBudgets(budgets) {
  const list = budgets || [];
  $('budgets-none').hidden = list.length > 0;
  $('budgets-table').hidden = list.length === 0;
  const amount = (b, v) => b.unit === 'minor' ? money(v) : String(v);
  const rows = [];
  for (const b of list) {
    const name = b.sku || b.key;
    rows.push(el('tr', { 'data-budget': name, class: 'total' },
      el('td', {}, el('b', {}, name)), el('td', {}, 'store: ' + amount(b, b.total) + ' in all'),
      el('td', { class: 'n remaining' }, amount(b, b.remaining)), el('td', { class: 'n' }, amount(b, b.spent)), el('td', {}, '')));
    for (const l of b.lanes || []) {
      rows.push(el('tr', { 'data-budget': name, 'data-holder': l.holder, class: l.linked ? '' : 'down' },
        el('td', {}, ''), el('td', { title: l.holder }, l.lane + (l.self ? ' (this node)' : '')),
        el('td', { class: 'n held' }, amount(b, l.held)), el('td', { class: 'n' }, amount(b, l.spent)),
        el('td', { class: l.linked ? 'ok' : 'bad' }, l.linked ? 'linked' : 'not linked')));
    }
  }
  $('budgets').replaceChildren(...rows);
}

function showSales(r) {
  setText('sales-day', r.day);
  const before = $('sales-total').textContent;
  if (setText('sales-total', money(r.total)).textContent !== before) {
    // When this page first showed the new total: lets anyone measure how fast a sale reaches it.
    $('sales-total').dataset.changedAt = String(Date.now());
  }
  setText('sales-bills', r.bills);
  const tills = Object.entries(r.byTill || {});
  $('sales-by-till').replaceChildren(...tills.map(([till, t]) => el('tr', { 'data-till': till },
    el('td', {}, till), el('td', { class: 'n bills' }, String(t.bills)), el('td', { class: 'n' }, String(t.refunds)),
    el('td', { class: 'n net' }, money(t.net)))));
  const tenders = Object.entries(r.byTender || {});
  $('sales-by-tender').replaceChildren(...tenders.map(([type, amount]) => el('tr', { 'data-tender': type },
    el('td', {}, type), el('td', { class: 'n' }, money(amount)))));
  if (window.echarts) {
    tillChart = tillChart || window.echarts.init($('chart-tills'));
    tenderChart = tenderChart || window.echarts.init($('chart-tenders'));
    tillChart.setOption({
      animation: false,
      grid: { left: 70, right: 10, top: 10, bottom: 30 },
      tooltip: { valueFormatter: v => money(v) },
      xAxis: { type: 'category', data: tills.map(([t]) => t) },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: v => money(v) } },
      series: [{ type: 'bar', data: tills.map(([, t]) => t.net), label: { show: true, position: 'top', formatter: p => money(p.value) } }],
    });
    tenderChart.setOption({
      animation: false,
      tooltip: { valueFormatter: v => money(v) },
      series: [{ type: 'pie', radius: '65%', data: tenders.map(([name, value]) => ({ name, value })),
        label: { formatter: p => p.name + ' ' + money(p.value) } }],
    });
  }
}

async function loadStock(entries) {
  if (stockLoading) {
    return;
  }
  stockLoading = true;
  try {
    stock = await call('GET', '/api/stock');
    stockEntries = entries;
    stockLoadedAt = Date.now();
    renderStock();
  } catch (e) {
    setText('stock-more', e.message);
  } finally {
    stockLoading = false;
  }
}

function renderStock() {
  const negative = stock.filter(s => Number(s.onHand) < 0);
  const count = $('negative-count');
  count.textContent = negative.length ? negative.length + ' below zero' : 'none below zero';
  count.className = 'pill ' + (negative.length ? 'bad' : 'ok');
  $('negative-stock').replaceChildren(...negative.slice(0, 20).map(s => el('li', { 'data-sku': s.sku },
    s.sku + ': ' + s.onHand + ' on hand (sold more than the books show; count it)')));
  const filter = $('stock-filter').value.trim().toLowerCase();
  const shown = stock.filter(s => !filter || s.sku.toLowerCase().includes(filter))
    .sort((a, b) => (Number(b.onHand) < 0) - (Number(a.onHand) < 0) || a.sku.localeCompare(b.sku));
  $('stock').replaceChildren(...shown.slice(0, STOCK_ROWS).map(s => el('tr', { 'data-sku': s.sku, class: Number(s.onHand) < 0 ? 'negative' : '' },
    el('td', {}, s.sku), el('td', { class: 'n on-hand' }, String(s.onHand)))));
  setText('stock-more', shown.length > STOCK_ROWS ? (shown.length - STOCK_ROWS) + ' more; filter to find one' : '');
}

function setLive(state) {
  const live = $('live');
  live.textContent = state === 'live' ? 'live' : state === 'unauthorized' ? 'needs the API token' : 'reconnecting…';
  live.className = 'pill ' + (state === 'live' ? 'ok' : 'bad');
  if (state === 'unauthorized') {
    call('GET', '/api/stock').catch(() => {});
  }
}

async function start() {
  installTokenPrompt();
  $('stock-filter').addEventListener('input', renderStock);
  window.addEventListener('resize', () => {
    tillChart?.resize();
    tenderChart?.resize();
  });
  try {
    showStatus(await call('GET', '/api/status'));
    showSales(await call('GET', '/api/reports/sales'));
    showBudgets(await call('GET', '/api/budgets'));
  } catch (e) {
    setText('stock-more', e.message);
  }
  subscribe('/api/events', (name, data) => {
    if (name === 'summary') {
      showStatus(data.status);
      showSales(data.sales);
      showBudgets(data.budgets);
    }
  }, setLive);
}

start();
