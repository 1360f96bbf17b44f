// The till screen: scan or search, a cart, discounts, tenders, the stored bill as a receipt, refunds,
// suspend and recall, and this lane's offline state. Keyboard first: a normal sale is
// "scan (or type a SKU), Enter ... Enter (pay), Enter (cash, exact)". Prices shown here are a preview;
// the node prices every bill from its own catalog and the receipt shows what it stored.

import { ApiError, call, exists } from './api.js';
import { formatMinor, formatQty, halfUp, parseMinor, parseQtyMilli, uuid } from './money.js';
import { ask, el, installTokenPrompt, setText } from './ui.js';

const $ = id => document.getElementById(id);
const STATUS_EVERY_MS = 1000;
const SEARCH_DELAY_MS = 120;
const BILL_ATTEMPTS = 6;
const SESSION_KEY = 'storelog.session';
const SHIFT_KEY = 'storelog.shift';

let exponent = 2;
let nodeId = '';
let lastBillId = '';
let features = { session: false, shifts: false };

const cart = newCart();
let selected = -1;

let results = [];
let resultsFor = '';
let highlight = -1;
let searchTimer = 0;
let searchSeq = 0;

function newCart() {
  return { clientBillId: uuid(), lines: [], discount: null };
}

function clearCart() {
  Object.assign(cart, newCart());
  selected = -1;
  renderCart();
}

function money(minor) {
  return formatMinor(minor, exponent);
}

function say(text, kind = 'info') {
  const m = $('message');
  m.textContent = text;
  m.className = 'message ' + kind;
}

// ---- status: offline-ready, headquarters, pending upload ----

let statusInFlight = false;

async function refreshStatus() {
  // One status call at a time: a lane that does not answer must not pile up calls every second.
  if (statusInFlight) {
    return;
  }
  statusInFlight = true;
  try {
    const s = await call('GET', '/api/status', undefined, { timeoutMs: 3000 });
    nodeId = s.nodeId;
    setText('node-id', s.nodeId);
    setText('store-id', s.store);
    document.title = 'StoreLog till ' + s.nodeId;
    if (s.currency) {
      exponent = currencyExponent(s.currency);
    }
    const ready = $('offline-ready');
    ready.textContent = s.offlineReady ? 'Offline ready' : 'Not offline ready';
    ready.className = 'pill ' + (s.offlineReady ? 'ok' : 'bad');
    ready.dataset.ready = String(s.offlineReady);
    const hq = s.hq || {};
    const offline = hq.configured !== false && !hq.reachable;
    $('offline-banner').hidden = !offline;
    const hqState = $('hq-state');
    hqState.textContent = hq.configured === false ? 'No headquarters configured' : hq.reachable ? 'HQ connected' : 'HQ unreachable';
    hqState.className = 'pill ' + (hq.configured === false ? '' : hq.reachable ? 'ok' : 'bad');
    setText('hq-pending', hq.pendingEntries ?? 0);
  } catch (e) {
    const ready = $('offline-ready');
    ready.textContent = 'Lane not answering';
    ready.className = 'pill bad';
  } finally {
    statusInFlight = false;
  }
}

function currencyExponent(code) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
  } catch (e) {
    return 2;
  }
}

// ---- search and scan ----

function scheduleSearch() {
  clearTimeout(searchTimer);
  const text = $('search').value.trim();
  if (!text) {
    showResults([], '');
    return;
  }
  searchTimer = setTimeout(() => search(text), SEARCH_DELAY_MS);
}

async function search(text) {
  const seq = ++searchSeq;
  const q = splitMultiplier(text).query;
  try {
    const list = await call('GET', '/api/catalog?q=' + encodeURIComponent(q));
    if (seq === searchSeq) {
      showResults(list, text);
    }
    return list;
  } catch (e) {
    say(e.message, 'error');
    return [];
  }
}

function showResults(list, forText) {
  results = list;
  resultsFor = forText;
  highlight = list.length ? 0 : -1;
  renderResults();
}

function renderResults() {
  const ul = $('results');
  ul.replaceChildren(...results.map((p, i) => el('li', {
    class: i === highlight ? 'active' : '', 'data-sku': p.sku,
  }, el('span', { class: 'name' }, p.name), el('span', { class: 'sku' }, p.sku),
  el('span', { class: 'barcode' }, p.barcode || ''), el('span', { class: 'price' }, money(p.price) + (p.unit === 'kg' ? '/kg' : '')),
  el('span', { class: 'on-hand' + (Number(p.onHand) < 0 ? ' negative' : '') }, String(p.onHand ?? '')))));
}

function splitMultiplier(text) {
  const m = /^(\d+(?:[.,]\d{1,3})?)\s*\*\s*(.+)$/.exec(text);
  if (!m) {
    return { qtyMilli: null, query: text };
  }
  return { qtyMilli: parseQtyMilli(m[1]), query: m[2].trim() };
}

async function enterInSearch() {
  const text = $('search').value.trim();
  if (!text) {
    if (cart.lines.length) {
      openPay();
    }
    return;
  }
  clearTimeout(searchTimer);
  performance.mark('scan-enter');
  const { qtyMilli, query } = splitMultiplier(text);
  if (highlight >= 0 && resultsFor === text && results[highlight] && !isExact(results, query)) {
    addItem(results[highlight], qtyMilli);
    return;
  }
  const seq = ++searchSeq;
  let list;
  try {
    // A scanned or typed code names one product: ask for that first, search names only when it is not one.
    list = await call('GET', '/api/catalog?exact=true&q=' + encodeURIComponent(query));
    if (!list.length) {
      list = await call('GET', '/api/catalog?q=' + encodeURIComponent(query));
    }
  } catch (e) {
    say(e.message, 'error');
    return;
  }
  if (seq !== searchSeq) {
    return;
  }
  const exact = isExact(list, query);
  if (exact) {
    addItem(exact, qtyMilli);
  } else if (list.length === 1) {
    addItem(list[0], qtyMilli);
  } else if (list.length === 0) {
    showResults([], text);
    say('Nothing matches "' + query + '"', 'error');
  } else {
    showResults(list, text);
    say('Choose with ↑ ↓ and Enter', 'info');
  }
}

function isExact(list, query) {
  const q = query.toLowerCase();
  return list.find(p => p.barcode === query || p.sku.toLowerCase() === q);
}

function addItem(p, qtyMilli) {
  if (p.scanned && p.scanned.kind !== 'item') {
    // A price- or weight-labelled pack: the node prices it from the code, so the line keeps the code.
    cart.lines.push({ sku: p.sku, barcode: p.scanned.code, name: p.name + ' (' + p.scanned.kind + ' label)', unit: 'each',
      price: p.scanned.gross, qtyMilli: 1000, discount: null });
    selected = cart.lines.length - 1;
    $('search').value = '';
    showResults([], '');
    renderCart();
    performance.measure('scan-to-cart', 'scan-enter');
    say(p.name + ' added', 'ok');
    return;
  }
  const qty = qtyMilli || 1000;
  const same = cart.lines.findIndex(l => l.sku === p.sku && !l.discount && !l.barcode);
  if (same >= 0 && qtyMilli === null) {
    cart.lines[same].qtyMilli += qty;
    selected = same;
  } else {
    cart.lines.push({ sku: p.sku, name: p.name, unit: p.unit, price: p.price, qtyMilli: qty, discount: null });
    selected = cart.lines.length - 1;
  }
  $('search').value = '';
  showResults([], '');
  renderCart();
  performance.measure('scan-to-cart', 'scan-enter');
  say(p.name + ' added', 'ok');
}

// ---- the cart and its preview prices (docs/pricing.md; the node's answer is what counts) ----

function lineGross(l) {
  return halfUp(l.qtyMilli * l.price, 1000);
}

function discountOf(d, base) {
  if (!d) {
    return 0;
  }
  return d.percentBp !== undefined ? halfUp(base * d.percentBp, 10000) : Math.min(d.amount, base);
}

function lineNet(l) {
  const g = lineGross(l);
  return g - discountOf(l.discount, g);
}

function totals() {
  const subtotal = cart.lines.reduce((s, l) => s + lineNet(l), 0);
  const billDiscount = discountOf(cart.discount, subtotal);
  return { subtotal, billDiscount, total: subtotal - billDiscount };
}

function discountText(d) {
  if (!d) {
    return '';
  }
  return d.percentBp !== undefined ? formatMinor(d.percentBp, 2).replace(/\.?0+$/, '') + '%' : money(d.amount);
}

function renderCart() {
  const body = $('cart-lines');
  body.replaceChildren(...cart.lines.map((l, i) => el('tr', { class: i === selected ? 'active' : '', 'data-sku': l.sku },
    el('td', {}, String(i + 1)), el('td', {}, l.name),
    el('td', { class: 'n qty' }, formatQty(l.qtyMilli) + (l.unit === 'kg' ? ' kg' : '')),
    el('td', { class: 'n' }, money(l.price)), el('td', { class: 'n' }, discountText(l.discount)),
    el('td', { class: 'n' }, money(lineNet(l))))));
  const t = totals();
  setText('bill-discount', cart.discount ? discountText(cart.discount) + ' (' + money(t.billDiscount) + ')' : 'none');
  setText('cart-total', money(t.total));
  const row = body.children[selected];
  if (row) {
    row.scrollIntoView({ block: 'nearest' });
  }
}

function changeQty(delta) {
  const l = cart.lines[selected];
  if (!l) {
    return;
  }
  const next = l.qtyMilli + delta * 1000;
  if (next > 0) {
    l.qtyMilli = next;
    renderCart();
  }
}

async function setQty() {
  const l = cart.lines[selected];
  if (!l) {
    return;
  }
  const v = await ask({ id: 'qty-dialog', title: 'Quantity of ' + l.name, fields: [{ name: 'qty', label: l.unit === 'kg' ? 'kg' : 'pieces', value: formatQty(l.qtyMilli) }] });
  if (v) {
    const q = parseQtyMilli(v.qty);
    if (q === null || q <= 0) {
      say('"' + v.qty + '" is not a quantity (up to three decimals)', 'error');
    } else if (l.unit !== 'kg' && q % 1000 !== 0) {
      say(l.name + ' is sold by the piece', 'error');
    } else {
      l.qtyMilli = q;
      renderCart();
    }
  }
  focusSearch();
}

function removeLine() {
  if (selected < 0 || !cart.lines[selected]) {
    return;
  }
  const [gone] = cart.lines.splice(selected, 1);
  selected = Math.min(selected, cart.lines.length - 1);
  renderCart();
  say(gone.name + ' removed', 'info');
}

async function askDiscount(title) {
  const v = await ask({ id: 'discount-dialog', title, fields: [{ name: 'value', label: 'e.g. 10% or 1.50 (empty: none)' }] });
  focusSearch();
  if (!v) {
    return undefined;
  }
  const text = v.value.trim();
  if (!text) {
    return null;
  }
  const pct = /^(\d{1,3}(?:[.,]\d{1,2})?)\s*%$/.exec(text);
  if (pct) {
    const bp = parseMinor(pct[1], 2);
    if (bp === null || bp > 10000) {
      say('a percentage is 0 to 100', 'error');
      return undefined;
    }
    return { percentBp: bp };
  }
  const amount = parseMinor(text, exponent);
  if (amount === null) {
    say('"' + text + '" is neither a percentage nor an amount', 'error');
    return undefined;
  }
  return { amount };
}

async function lineDiscount() {
  const l = cart.lines[selected];
  if (!l) {
    return;
  }
  const d = await askDiscount('Discount on ' + l.name);
  if (d !== undefined) {
    l.discount = d;
    renderCart();
  }
}

async function billDiscount() {
  if (!cart.lines.length) {
    return;
  }
  const d = await askDiscount('Discount on the whole bill');
  if (d !== undefined) {
    cart.discount = d;
    renderCart();
  }
}

function discountJson(d) {
  if (!d) {
    return undefined;
  }
  // The API takes percent as a JSON number; at most two decimals, so its shortest text is exact.
  return d.percentBp !== undefined ? { percent: Number(formatMinor(d.percentBp, 2)) } : { amount: d.amount };
}

function linesJson() {
  return cart.lines.map(l => l.barcode
    ? { barcode: l.barcode, discount: discountJson(l.discount), name: l.name }
    : { sku: l.sku, qty: formatQty(l.qtyMilli), discount: discountJson(l.discount), name: l.name });
}

// ---- approvals: a 403 names what is needed; a supervisor's PIN is added and the request retried ----

async function withApproval(body, send) {
  for (;;) {
    try {
      return await send(body);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 403) {
        throw e;
      }
      const v = await ask({
        id: 'approval-dialog', title: 'Supervisor approval', message: e.message,
        fields: [{ name: 'supervisor', label: 'Supervisor' }, { name: 'pin', label: 'PIN', type: 'password' }], submit: 'approve',
      });
      if (!v) {
        throw e;
      }
      body = Object.assign({}, body, { approval: { supervisor: v.supervisor, pin: v.pin } });
    }
  }
}

function sessionHeaders() {
  const s = session();
  return s && s.token ? { 'X-Cashier-Session': s.token } : {};
}

function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  } catch (e) {
    return null;
  }
}

// ---- paying ----

const pay = { tenders: [], type: 'cash' };

function openPay() {
  pay.tenders = [];
  selectTender('cash');
  $('pay-amount').value = '';
  $('pay-reference').value = '';
  $('pay-name').value = '';
  $('pay-message').textContent = '';
  renderPay();
  $('pay-dialog').showModal();
  $('pay-amount').focus();
}

function paid() {
  return pay.tenders.reduce((s, t) => s + t.amount, 0);
}

function renderPay() {
  const { total } = totals();
  setText('pay-total', money(total));
  setText('pay-paid', money(paid()));
  setText('pay-due', money(Math.max(0, total - paid())));
  $('pay-tenders').replaceChildren(...pay.tenders.map(t => el('li', {}, tenderLabel(t) + ' ' + money(t.amount))));
}

function tenderLabel(t) {
  return t.type === 'custom' ? t.name : t.type + (t.reference ? ' (' + t.reference + ')' : '');
}

function selectTender(type) {
  pay.type = type;
  for (const s of $('tender-types').children) {
    s.className = s.dataset.type === type ? 'active' : '';
  }
  setText('pay-amount-label', type === 'cash' ? 'Cash handed over' : 'Amount');
  $('pay-reference-row').hidden = !(type === 'card' || type === 'wallet');
  $('pay-name-row').hidden = type !== 'custom';
}

function payMessage(text) {
  $('pay-message').textContent = text;
}

async function takeTender() {
  const { total } = totals();
  const due = total - paid();
  const text = $('pay-amount').value.trim();
  const amount = text ? parseMinor(text, exponent) : null;
  if (text && (amount === null || amount <= 0)) {
    payMessage('"' + text + '" is not an amount');
    return;
  }
  const reference = $('pay-reference').value.trim();
  const name = $('pay-name').value.trim();
  if (pay.type === 'card' && !reference) {
    payMessage('A card payment needs the reference from the terminal');
    $('pay-reference').focus();
    return;
  }
  if (pay.type === 'custom' && !name) {
    payMessage('Name the tender (e.g. voucher)');
    $('pay-name').focus();
    return;
  }
  if (amount !== null && pay.type !== 'cash' && amount > due) {
    payMessage(money(amount) + ' is more than the ' + money(due) + ' still due; only cash gives change');
    return;
  }
  // No amount: this tender pays exactly what is still due (the node works it out, so the preview cannot be short).
  pay.tenders.push({ type: pay.type, amount: amount === null ? due : amount, exact: amount === null, reference, name });
  $('pay-amount').value = '';
  $('pay-reference').value = '';
  $('pay-name').value = '';
  payMessage('');
  renderPay();
  if (amount === null || paid() >= total) {
    await submitBill();
  } else {
    selectTender('cash');
    $('pay-amount').focus();
  }
}

function dropTender() {
  pay.tenders.pop();
  renderPay();
  $('pay-amount').focus();
}

async function submitBill() {
  const body = {
    clientBillId: cart.clientBillId,
    lines: linesJson(),
    discount: discountJson(cart.discount),
    tenders: pay.tenders.map(t => ({
      type: t.type, amount: t.exact ? undefined : t.amount, reference: t.reference || undefined, name: t.name || undefined,
    })),
  };
  const s = session();
  if (s && s.cashier) {
    body.cashier = s.cashier;
  }
  let bill;
  try {
    bill = await withApproval(body, b => postWithRetry(b));
  } catch (e) {
    pay.tenders = [];
    renderPay();
    payMessage(e.message);
    $('pay-amount').focus();
    return;
  }
  $('pay-dialog').close();
  clearCart();
  showReceipt(bill);
}

/** POST the bill; when no answer comes, the same clientBillId is sent again, so it is never billed twice. */
async function postWithRetry(body) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call('POST', '/api/bills', body, { timeoutMs: 8000, headers: sessionHeaders() });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 0 || attempt >= BILL_ATTEMPTS) {
        throw e;
      }
      payMessage('No answer from the lane (' + e.message + '); sending the same bill again (' + (attempt + 1) + ')…');
      await new Promise(r => setTimeout(r, 500 * attempt));
    }
  }
}

// ---- receipt ----

function showReceipt(bill) {
  lastBillId = bill.id;
  setText('receipt-number', bill.receiptNumber || String(bill.number));
  $('receipt-number').dataset.number = String(bill.number);
  setText('receipt-id', bill.id);
  setText('receipt-time', new Date(bill.createdAt).toLocaleString());
  const rows = [];
  for (const l of bill.lines) {
    rows.push(el('tr', {}, el('td', {}, l.name), el('td', { class: 'n' }, l.qty + ' × ' + money(l.unitPrice)),
      el('td', { class: 'n' }, money(l.gross))));
    if (l.lineDiscount) {
      rows.push(el('tr', { class: 'muted' }, el('td', {}, '  discount'), el('td', {}), el('td', { class: 'n' }, '-' + money(l.lineDiscount))));
    }
  }
  if (bill.billDiscount) {
    rows.push(el('tr', {}, el('td', {}, 'Bill discount'), el('td', {}), el('td', { class: 'n' }, '-' + money(bill.billDiscount))));
  }
  $('receipt-lines').replaceChildren(...rows);
  $('receipt-totals').replaceChildren('Total ', el('b', { id: 'receipt-total' }, money(bill.total)), ' (tax ' + money(bill.tax) + ')');
  $('receipt-tenders').replaceChildren(...bill.tenders.map(t => el('li', {},
    tenderLabel(t) + ' ' + money(t.amount) + (t.tendered && t.tendered !== t.amount ? ' (handed ' + money(t.tendered) + ')' : ''))));
  setText('receipt-change', money(bill.change || 0));
  const lanes = $('receipt-lanes');
  lanes.textContent = bill.singleLane
    ? 'Held by this lane only so far: no other lane confirmed it yet (it is saved here and will replicate).'
    : 'Saved on this lane and another one.';
  lanes.className = 'lanes ' + (bill.singleLane ? 'bad' : 'ok');
  lanes.dataset.singleLane = String(!!bill.singleLane);
  $('receipt-dialog').dataset.shownAt = String(Date.now());
  $('receipt-dialog').showModal();
}

// ---- refunds ----

async function refund() {
  const v = await ask({ id: 'refund-ask', title: 'Refund a bill', fields: [{ name: 'bill', label: 'Bill id (origin:seq)', value: lastBillId }], submit: 'find' });
  if (!v || !v.bill.trim()) {
    focusSearch();
    return;
  }
  let bill;
  try {
    bill = await call('GET', '/api/bills/' + encodeURIComponent(v.bill.trim()));
  } catch (e) {
    say(e.message, 'error');
    focusSearch();
    return;
  }
  setText('refund-bill', (bill.receiptNumber || bill.id) + ' (' + money(bill.total) + ')');
  $('refund-lines').replaceChildren(...bill.lines.map(l => el('tr', {},
    el('td', {}, String(l.lineNo)), el('td', {}, l.name), el('td', { class: 'n' }, String(l.qty)),
    el('td', { class: 'n' }, el('input', { class: 'refund-qty', 'data-line': l.lineNo, autocomplete: 'off', inputmode: 'decimal' })))));
  $('refund-message').textContent = bill.refunds && bill.refunds.length ? bill.refunds.length + ' refund(s) already made on this bill' : '';
  const dialog = $('refund-dialog');
  dialog.dataset.billId = bill.id;
  dialog.showModal();
  const first = dialog.querySelector('input');
  first.focus();
}

async function submitRefund() {
  const dialog = $('refund-dialog');
  const lines = [];
  for (const input of dialog.querySelectorAll('.refund-qty')) {
    const text = input.value.trim();
    if (text) {
      if (parseQtyMilli(text) === null) {
        $('refund-message').textContent = '"' + text + '" is not a quantity';
        return;
      }
      lines.push({ lineNo: Number(input.dataset.line), qty: text });
    }
  }
  const body = {
    clientRefundId: uuid(), lines, tender: $('refund-tender').value.trim() || 'cash', reason: $('refund-reason').value.trim(),
  };
  const s = session();
  if (s && s.cashier) {
    body.cashier = s.cashier;
  }
  try {
    const r = await withApproval(body, b => call('POST', '/api/bills/' + encodeURIComponent(dialog.dataset.billId) + '/refund', b, { headers: sessionHeaders() }));
    dialog.close();
    say('Refunded ' + money(r.total) + ' of bill ' + r.billId + ' (refund ' + r.id + ')', 'ok');
  } catch (e) {
    $('refund-message').textContent = e.message;
  }
}

// ---- suspend and recall ----

async function suspend() {
  if (!cart.lines.length) {
    return;
  }
  const v = await ask({ id: 'suspend-dialog', title: 'Suspend this cart', fields: [{ name: 'label', label: 'Label (e.g. customer)' }], submit: 'suspend' });
  focusSearch();
  if (!v) {
    return;
  }
  const body = { label: v.label, lines: linesJson(), discount: discountJson(cart.discount) };
  const s = session();
  if (s && s.cashier) {
    body.cashier = s.cashier;
  }
  try {
    const c = await call('POST', '/api/carts', body, { headers: sessionHeaders() });
    clearCart();
    say('Cart suspended as ' + c.code + '; recall it on any lane with Alt+R', 'ok');
  } catch (e) {
    say(e.message, 'error');
  }
}

let carts = [];
let cartHighlight = 0;

async function openRecall() {
  try {
    carts = await call('GET', '/api/carts');
  } catch (e) {
    say(e.message, 'error');
    return;
  }
  cartHighlight = 0;
  $('recall-message').textContent = carts.length ? '' : 'No suspended carts';
  renderRecall();
  $('recall-dialog').showModal();
}

function renderRecall() {
  $('recall-list').replaceChildren(...carts.map((c, i) => el('li', { class: i === cartHighlight ? 'active' : '' },
    el('span', { class: 'name' }, c.code + (c.label ? ' · ' + c.label : '')),
    el('span', {}, c.lineCount + ' lines'), el('span', { class: 'muted' }, 'from ' + c.till))));
}

async function recall() {
  const c = carts[cartHighlight];
  if (!c) {
    return;
  }
  try {
    const got = await call('POST', '/api/carts/' + encodeURIComponent(c.id) + '/recall');
    const lines = [];
    for (const l of got.cart.lines) {
      const found = await call('GET', '/api/catalog?q=' + encodeURIComponent(l.sku));
      const p = found.find(x => x.sku === l.sku) || { sku: l.sku, name: l.name || l.sku, unit: 'each', price: 0 };
      lines.push({ sku: p.sku, name: p.name, unit: p.unit, price: p.price, qtyMilli: parseQtyMilli(String(l.qty)), discount: discountFrom(l.discount) });
    }
    clearCart();
    cart.lines = lines;
    cart.discount = discountFrom(got.cart.discount);
    selected = lines.length - 1;
    renderCart();
    $('recall-dialog').close();
    say('Cart ' + got.code + ' recalled', 'ok');
  } catch (e) {
    $('recall-message').textContent = e.message;
  }
}

function discountFrom(d) {
  if (!d) {
    return null;
  }
  return d.percent !== undefined ? { percentBp: parseMinor(String(d.percent), 2) } : { amount: Number(d.amount) };
}

// ---- cashier sign-in and shifts (shown only when the node has these APIs) ----

async function detectFeatures() {
  // Sign-in and shifts matter only in a store that has staff (from headquarters or its bootstrap file).
  let staff = [];
  try {
    staff = await call('GET', '/api/staff');
  } catch (e) {
    staff = [];
  }
  const hasStaff = Array.isArray(staff) && staff.length > 0;
  features = { session: hasStaff, shifts: hasStaff && await exists('/api/shifts') };
  $('cashier-area').hidden = !features.session;
  for (const id of ['key-signin', 'key-signin-text']) {
    $(id).hidden = !features.session;
  }
  for (const id of ['key-shift', 'key-shift-text']) {
    $(id).hidden = !features.shifts;
  }
  renderCashier();
}

function renderCashier() {
  const s = session();
  setText('cashier-name', s ? s.cashier : 'not signed in');
  const shift = sessionStorage.getItem(SHIFT_KEY);
  setText('shift-state', features.shifts ? (shift ? 'shift ' + shift + ' open' : 'no shift open') : '');
}

async function signInOrOut() {
  if (!features.session) {
    return;
  }
  if (session()) {
    sessionStorage.removeItem(SESSION_KEY);
    renderCashier();
    say('Signed out', 'info');
    focusSearch();
    return;
  }
  let message = '';
  for (;;) {
    const v = await ask({ id: 'signin-dialog', title: 'Cashier sign in', message, fields: [{ name: 'cashier', label: 'Cashier' }, { name: 'pin', label: 'PIN', type: 'password' }], submit: 'sign in' });
    if (!v) {
      break;
    }
    try {
      const r = await call('POST', '/api/session', { cashier: v.cashier, pin: v.pin });
      sessionStorage.setItem(SESSION_KEY, JSON.stringify({ cashier: r.cashier || v.cashier, token: r.token }));
      renderCashier();
      say('Signed in as ' + (r.cashier || v.cashier), 'ok');
      break;
    } catch (e) {
      message = e.message;
    }
  }
  focusSearch();
}

async function shift() {
  if (!features.shifts) {
    return;
  }
  const open = sessionStorage.getItem(SHIFT_KEY);
  let message = '';
  for (;;) {
    const v = await ask({
      id: 'shift-dialog', title: open ? 'Close shift ' + open : 'Open a shift', message,
      fields: [{ name: 'amount', label: open ? 'Cash counted in the drawer' : 'Opening float' }], submit: open ? 'close shift' : 'open shift',
    });
    if (!v) {
      break;
    }
    const amount = parseMinor(v.amount, exponent);
    if (amount === null) {
      message = '"' + v.amount + '" is not an amount';
      continue;
    }
    const s = session();
    try {
      if (open) {
        await withApproval({ cashier: s && s.cashier, counted: { cash: amount } },
          b => call('POST', '/api/shifts/' + encodeURIComponent(open) + '/close', b, { headers: sessionHeaders() }));
        sessionStorage.removeItem(SHIFT_KEY);
        say('Shift ' + open + ' closed', 'ok');
      } else {
        const r = await withApproval({ cashier: s && s.cashier, openingFloat: amount },
          b => call('POST', '/api/shifts', b, { headers: sessionHeaders() }));
        sessionStorage.setItem(SHIFT_KEY, r.shiftId);
        say('Shift ' + r.shiftId + ' open', 'ok');
      }
      break;
    } catch (e) {
      message = e.message;
    }
  }
  renderCashier();
  focusSearch();
}

// ---- keys ----

function focusSearch() {
  $('search').focus();
}

function anyDialogOpen() {
  return !!document.querySelector('dialog[open]');
}

function onKey(e) {
  if ($('pay-dialog').open) {
    payKey(e);
    return;
  }
  if ($('receipt-dialog').open) {
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault();
      $('receipt-dialog').close();
      focusSearch();
    } else if (e.altKey && e.key.toLowerCase() === 'u') {
      e.preventDefault();
      $('receipt-dialog').close();
      refund();
    }
    return;
  }
  if ($('refund-dialog').open) {
    if (e.key === 'Enter') {
      e.preventDefault();
      submitRefund();
    }
    return;
  }
  if ($('recall-dialog').open) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      cartHighlight = Math.max(0, Math.min(carts.length - 1, cartHighlight + (e.key === 'ArrowDown' ? 1 : -1)));
      renderRecall();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      recall();
    }
    return;
  }
  if (anyDialogOpen()) {
    return;
  }
  const search = $('search');
  const empty = search.value === '';
  if (document.activeElement !== search && !e.altKey && e.key.length === 1) {
    search.focus();
  }
  if (e.altKey) {
    const action = {
      q: setQty, i: lineDiscount, b: billDiscount, s: suspend, r: openRecall, u: refund, n: clearCart, l: signInOrOut, h: shift,
      p: () => cart.lines.length && openPay(),
    }[e.key.toLowerCase()];
    if (action) {
      e.preventDefault();
      action();
    }
    return;
  }
  switch (e.key) {
    case 'Enter':
      e.preventDefault();
      enterInSearch();
      break;
    case 'ArrowDown':
    case 'ArrowUp': {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      if (results.length) {
        highlight = Math.max(0, Math.min(results.length - 1, highlight + step));
        renderResults();
      } else if (cart.lines.length) {
        selected = Math.max(0, Math.min(cart.lines.length - 1, selected + step));
        renderCart();
      }
      break;
    }
    case 'Escape':
      search.value = '';
      showResults([], '');
      break;
    case '+':
    case '-':
      if (empty) {
        e.preventDefault();
        changeQty(e.key === '+' ? 1 : -1);
      }
      break;
    case '*':
      if (empty) {
        e.preventDefault();
        setQty();
      }
      break;
    case 'Delete':
      if (empty) {
        e.preventDefault();
        removeLine();
      }
      break;
    default:
  }
}

function payKey(e) {
  const inAmount = document.activeElement === $('pay-amount');
  if (e.altKey && e.key.toLowerCase() === 'x') {
    e.preventDefault();
    dropTender();
    return;
  }
  if (inAmount && !e.altKey && !e.ctrlKey) {
    const type = { c: 'cash', k: 'card', w: 'wallet', o: 'custom' }[e.key.toLowerCase()];
    if (type) {
      e.preventDefault();
      selectTender(type);
      return;
    }
  }
  if (e.key === 'Enter') {
    e.preventDefault();
    if (inAmount && pay.type === 'card' && !$('pay-reference').value.trim()) {
      $('pay-reference').focus();
      return;
    }
    if (inAmount && pay.type === 'custom' && !$('pay-name').value.trim()) {
      $('pay-name').focus();
      return;
    }
    takeTender();
  }
}

function start() {
  installTokenPrompt();
  document.addEventListener('keydown', onKey);
  $('search').addEventListener('input', scheduleSearch);
  for (const d of document.querySelectorAll('dialog')) {
    d.addEventListener('close', () => {
      if (!anyDialogOpen()) {
        focusSearch();
      }
    });
  }
  refreshStatus();
  setInterval(refreshStatus, STATUS_EVERY_MS);
  renderCart();
  focusSearch();
  // An authenticated call first: a node with an API token asks for it now, not in the middle of a sale.
  call('GET', '/api/bills?limit=1').catch(e => say(e.message, 'error')).then(detectFeatures).then(focusSearch);
}

start();
