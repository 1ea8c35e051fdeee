'use strict';

// The cashier page: a POS device that talks only to this host's API, with its own device token.
// No framework and no build step: plain DOM, fetch, and Server-Sent Events read from a fetch
// stream (EventSource cannot send the Authorization header).

const TOKEN_KEY = 'stk.deviceToken';
const MENU = [
  { name: 'Flat white', price: 550 },
  { name: 'Long black', price: 480 },
  { name: 'Latte', price: 580 },
  { name: 'Banana bread', price: 650 },
  { name: 'Croissant', price: 520 },
  { name: 'Muffin', price: 490 },
];

const STATES = {
  created: { text: 'Starting…', step: 0 },
  creating_payment_intent: { text: 'Creating payment…', step: 0 },
  displaying_cart: { text: 'Showing cart on reader…', step: 1 },
  sending_to_reader: { text: 'Sending to reader…', step: 1 },
  waiting_for_customer: { text: 'Waiting for card', step: 2, detail: 'Ask the customer to tap, insert or swipe.' },
  confirming: { text: 'Confirming…', step: 2 },
  verifying: { text: 'Checking with Stripe…', step: 2 },
  capturing: { text: 'Approved — capturing…', step: 3, tone: 'ok' },
  canceling: { text: 'Cancelling…', step: 2, tone: 'warn' },
  awaiting_retry: { text: 'Declined', step: 2, tone: 'bad', detail: 'The card was declined. Ask for another card, then press “Try another card”.' },
  authorized: { text: 'Authorised', step: 3, tone: 'warn', detail: 'Approved, not yet captured. Capture to take the money, or void it.' },
  succeeded: { text: 'Paid', step: 4, tone: 'ok' },
  partially_refunded: { text: 'Partly refunded', step: 4, tone: 'ok' },
  refunded: { text: 'Refunded', step: 4, tone: 'warn' },
  voided: { text: 'Voided', step: 4, tone: 'warn', detail: 'The authorisation was released; no money moved.' },
  declined: { text: 'Declined', step: 4, tone: 'bad' },
  canceled: { text: 'Cancelled', step: 4, tone: 'warn' },
  failed: { text: 'Failed', step: 4, tone: 'bad' },
  needs_attention: { text: 'Needs attention', step: 4, tone: 'bad' },
};

const el = (id) => document.querySelector(`[data-testid="${id}"]`);
const state = { token: localStorage.getItem(TOKEN_KEY), session: null, readers: [], cart: [], current: null, watch: null, startedAt: 0 };

function money(cents, currency) {
  return new Intl.NumberFormat('en-AU', { style: 'currency', currency: (currency || state.session?.currency || 'aud').toUpperCase() }).format(cents / 100);
}

function show(id, visible) { el(id).hidden = !visible; }

function setError(id, message) {
  const node = el(id);
  node.textContent = message || '';
  node.hidden = !message;
}

function problemText(body, status) {
  if (body && body.errors) return Object.values(body.errors).flat().join(' ');
  if (body && (body.detail || body.title)) return body.detail || body.title;
  return `Request failed (${status}).`;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers: { Authorization: `Bearer ${state.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    showPairing('This till is not paired, or its token was revoked.');
    throw new Error('unauthorised');
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  return { ok: response.ok, status: response.status, body };
}

// ---- pairing -------------------------------------------------------------------------------

function showPairing(message) {
  setError('pair-error', message);
  const dialog = el('pair-dialog');
  if (!dialog.open) dialog.showModal();
}

el('pair-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = el('pair-token').value.trim();
  const response = await fetch('/api/session', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    setError('pair-error', 'That token is not valid for this shop.');
    return;
  }
  state.token = token;
  localStorage.setItem(TOKEN_KEY, token);
  el('pair-dialog').close();
  el('pair-token').value = '';
  await start();
});

el('unpair').addEventListener('click', () => {
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  showPairing('');
});

// ---- sale ----------------------------------------------------------------------------------

function renderMenu() {
  const menu = el('menu');
  menu.replaceChildren(...MENU.map((item) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.testid = `menu-${item.name.toLowerCase().replace(/\s+/g, '-')}`;
    button.innerHTML = `<span class="name"></span><span class="price"></span>`;
    button.querySelector('.name').textContent = item.name;
    button.querySelector('.price').textContent = money(item.price);
    button.addEventListener('click', () => addToCart(item.name, item.price));
    return button;
  }));
}

function addToCart(description, unitAmount) {
  const line = state.cart.find((l) => l.description === description && l.unitAmount === unitAmount);
  if (line) line.quantity += 1; else state.cart.push({ description, unitAmount, quantity: 1 });
  renderCart();
}

function total() { return state.cart.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0); }

function renderCart() {
  const list = el('cart');
  list.replaceChildren(...state.cart.map((line, index) => {
    const li = document.createElement('li');
    li.innerHTML = `<span class="qty"><button type="button" aria-label="One less">−</button><span></span><button type="button" aria-label="One more">+</button></span>
      <span class="desc"></span><span class="line-total"></span><button type="button" class="remove" aria-label="Remove">✕</button>`;
    const [less, more] = li.querySelectorAll('.qty button');
    li.querySelector('.qty span').textContent = line.quantity;
    li.querySelector('.desc').textContent = line.description;
    li.querySelector('.line-total').textContent = money(line.unitAmount * line.quantity);
    less.addEventListener('click', () => { line.quantity -= 1; if (line.quantity === 0) state.cart.splice(index, 1); renderCart(); });
    more.addEventListener('click', () => { line.quantity += 1; renderCart(); });
    li.querySelector('.remove').addEventListener('click', () => { state.cart.splice(index, 1); renderCart(); });
    return li;
  }));
  const sum = total();
  show('cart-empty', state.cart.length === 0);
  el('total').textContent = money(sum);
  el('gst').textContent = money(Math.round(sum / 11));
  const charge = el('charge');
  charge.textContent = `Charge ${money(sum)}`;
  // A paid sale stays on screen until "New sale", so the same cart is never charged twice by accident.
  charge.disabled = sum <= 0 || !el('reader-select').value || isRunning() || state.current?.outcome === 'succeeded';
}

el('custom-line-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const description = el('custom-description').value.trim() || 'Custom item';
  const dollars = Number.parseFloat(el('custom-amount').value.replace(/[$,\s]/g, ''));
  if (!Number.isFinite(dollars) || dollars <= 0) {
    setError('sale-error', 'Enter a price above zero for the custom item.');
    return;
  }
  setError('sale-error', '');
  addToCart(description, Math.round(dollars * 100));
  el('custom-description').value = '';
  el('custom-amount').value = '';
});

el('clear-cart').addEventListener('click', () => { state.cart = []; renderCart(); });

el('charge').addEventListener('click', async () => {
  setError('sale-error', '');
  // A checkout id is ASCII letters, digits, '-', '_' and '.', starting with a letter or digit.
  const device = (state.session?.device || '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'till';
  const request = {
    checkoutId: `${device}-${Date.now()}`,
    readerId: el('reader-select').value,
    amount: total(),
    lines: state.cart,
    captureMode: el('manual-capture').checked ? 'manual' : 'automatic',
    skipTipping: el('skip-tipping').checked,
    collectReceiptEmail: el('receipt-email').checked,
  };
  el('charge').disabled = true;
  const response = await api('/api/checkouts', { method: 'POST', body: request });
  if (!response.ok) {
    setError('sale-error', problemText(response.body, response.status));
    renderCart();
    return;
  }
  state.startedAt = Date.now();
  renderPayment(response.body);
  watch(response.body.checkoutId);
});

// ---- payment -------------------------------------------------------------------------------

function isRunning() { return !!state.current && !state.current.completed; }

function renderPayment(view) {
  state.current = view;
  show('payment-idle', !view);
  show('payment-live', !!view);
  if (!view) { renderCart(); renderCustomer(); return; }

  const info = STATES[view.state] || { text: view.state, step: 0 };
  const status = el('status');
  status.textContent = info.text;
  status.dataset.state = view.state;
  status.dataset.tone = info.tone || '';
  el('status-detail').textContent = detail(view, info);

  el('steps').querySelectorAll('li').forEach((li, index) => {
    li.classList.toggle('done', index < info.step || (view.completed && index <= info.step));
    li.classList.toggle('current', index === info.step && !view.completed);
  });

  const paid = view.outcome === 'succeeded';
  show('result', view.completed);
  el('result-amount').textContent = money(view.amount + (view.tipAmount || 0), view.currency);
  el('result-tip').textContent = money(view.tipAmount || 0, view.currency);
  el('result-card').textContent = view.card ? `${(view.card.brand || 'card').toUpperCase()} •••• ${view.card.last4}` : '—';
  el('result-refunded').textContent = money(view.amountRefunded || 0, view.currency);
  el('result-pi').textContent = view.paymentIntentId || '—';
  el('result-order').textContent = view.checkoutId;
  renderReceipt(paid ? view.receipt : null);

  const running = !view.completed;
  show('cancel', running || view.state === 'authorized');
  el('cancel').textContent = view.state === 'authorized' ? 'Void authorisation' : 'Cancel payment';
  show('retry', view.state === 'awaiting_retry');
  show('capture', view.state === 'authorized');
  show('refund', paid && ['succeeded', 'partially_refunded'].includes(view.state) && view.amountRefunded < view.amountCaptured);
  el('refund').textContent = view.amountRefunded > 0 ? `Refund the rest (${money(view.amountCaptured - view.amountRefunded, view.currency)})` : `Refund ${money(view.amountCaptured, view.currency)}`;
  show('new-sale', view.completed);
  renderCart();
  renderCustomer();
}

// A custom receipt for a chip or contactless payment must show these (or use Stripe's emailed receipt).
function renderReceipt(receipt) {
  show('receipt', !!receipt);
  if (!receipt) return;
  const cvm = { offline_pin: 'PIN', online_pin: 'PIN', offline_pin_and_signature: 'PIN and signature', signature: 'signature', none: 'none (contactless)' };
  const entry = { contactless_emv: 'contactless', contact_emv: 'chip', magnetic_stripe_track2: 'swipe', magnetic_stripe_fallback: 'swipe' };
  el('receipt-app').textContent = receipt.applicationName || '—';
  el('receipt-aid').textContent = receipt.applicationId || '—';
  el('receipt-arc').textContent = receipt.authorizationResponseCode || '—';
  el('receipt-account').textContent = receipt.accountType || '—';
  el('receipt-cvm').textContent = cvm[receipt.cardholderVerificationMethod] || receipt.cardholderVerificationMethod || '—';
  el('receipt-auth').textContent = receipt.authorizationCode || '—';
  el('receipt-entry').textContent = entry[receipt.entryMode] || receipt.entryMode || '—';
  el('receipt-reader').textContent = receipt.readerId || '—';
}

function detail(view, info) {
  if (view.completed && view.outcome === 'succeeded') {
    const tip = view.tipAmount ? ` including a ${money(view.tipAmount, view.currency)} tip` : '';
    return view.amountCaptured > 0 ? `${money(view.amountCaptured, view.currency)} captured${tip}.` : `${money(view.amount + view.tipAmount, view.currency)} authorised${tip}.`;
  }
  if (view.completed && view.reason) return reasonText(view.reason);
  return info.detail || '';
}

function reasonText(reason) {
  const known = {
    canceled_by_merchant: 'Cancelled at the till. No money was taken.',
    canceled_by_customer: 'The customer cancelled on the reader. No money was taken.',
    canceled_by_deadline: 'Timed out. No money was taken.',
    insufficient_funds: 'Insufficient funds. No money was taken.',
    generic_decline: 'The bank declined the card. No money was taken.',
  };
  return known[reason] || `${reason.replace(/_/g, ' ')}.`;
}

async function watch(checkoutId) {
  state.watch?.abort();
  const controller = new AbortController();
  state.watch = controller;
  try {
    const response = await fetch(`/api/checkouts/${encodeURIComponent(checkoutId)}/events`, {
      headers: { Authorization: `Bearer ${state.token}`, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (data) renderPayment(JSON.parse(data));
      }
    }
  } catch (error) {
    if (error.name !== 'AbortError') el('status-detail').textContent = 'Lost the live connection; refresh to see the latest.';
  }
  if (state.watch === controller) {
    state.watch = null;
    refreshHistory();
    refreshReaders();
  }
}

async function operate(action, body) {
  const id = state.current?.checkoutId;
  if (!id) return;
  const response = await api(`/api/checkouts/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: body || {} });
  const view = response.body?.checkout;
  if (view) renderPayment(view);
  if (!response.ok) el('status-detail').textContent = problemText(response.body, response.status);
  if (view?.completed) refreshHistory();
}

el('cancel').addEventListener('click', () => operate('cancel'));
el('retry').addEventListener('click', () => operate('retry'));
el('capture').addEventListener('click', () => operate('capture'));
el('refund').addEventListener('click', () => operate('refund'));
el('new-sale').addEventListener('click', () => { state.cart = []; renderPayment(null); el('elapsed').textContent = ''; });

setInterval(() => {
  if (isRunning() && state.startedAt) {
    const seconds = Math.floor((Date.now() - state.startedAt) / 1000);
    el('elapsed').textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
}, 250);

// ---- the customer (emulator mode) ----------------------------------------------------------

function renderCustomer() {
  const emulator = state.session?.mode === 'emulator';
  show('customer-panel', emulator);
  const waiting = isRunning();
  document.querySelectorAll('[data-testid="customer-panel"] .card-btn').forEach((b) => { b.disabled = !waiting; });
}

async function customer(path, body) {
  setError('customer-error', '');
  const readerId = state.current?.readerId;
  if (!readerId) return;
  const response = await api(`/api/emulator/readers/${encodeURIComponent(readerId)}/${path}`, { method: 'POST', body });
  if (!response.ok) setError('customer-error', problemText(response.body, response.status));
}

document.querySelectorAll('[data-card]').forEach((button) => {
  button.addEventListener('click', () => customer('tap', { card: button.dataset.card, tip: Number(el('customer-tip').value) }));
});
el('customer-cancel').addEventListener('click', () => customer('cancel'));

// ---- readers, health, history --------------------------------------------------------------

function readerName(r) {
  const kind = r.deviceType.replace(/^simulated_/, '').replace('stripe_', '').replace('wisepos_e', 'WisePOS E').toUpperCase().replace('WISEPOS E', 'WisePOS E');
  return `${r.label} — ${kind}${r.simulated ? ' (simulated)' : ''} · ${r.status}`;
}

async function refreshReaders() {
  const response = await api('/api/readers');
  if (!response.ok) return;
  state.readers = response.body;
  const select = el('reader-select');
  const previous = select.value;
  select.replaceChildren(...state.readers.map((r) => {
    const option = document.createElement('option');
    option.value = r.id;
    option.textContent = readerName(r);
    option.disabled = r.status !== 'online';
    return option;
  }));
  const keep = state.readers.find((r) => r.id === previous && r.status === 'online') || state.readers.find((r) => r.status === 'online');
  if (keep) select.value = keep.id;
  renderCart();
}

async function refreshHealth() {
  try {
    // Strangers get only the status; a paired till also gets the readers' summary.
    const response = await fetch('/health', { headers: state.token ? { Authorization: `Bearer ${state.token}` } : {} });
    const body = await response.json();
    const node = el('health');
    node.dataset.status = body.status;
    node.querySelector('.health-text').textContent = body.description || body.status;
  } catch {
    el('health').dataset.status = 'unhealthy';
  }
}

function tone(view) {
  return STATES[view.state]?.tone || '';
}

async function refreshHistory() {
  const response = await api('/api/checkouts');
  if (!response.ok) return;
  const rows = response.body.map((v) => {
    const tr = document.createElement('tr');
    const time = new Date(v.updatedAt).toLocaleTimeString('en-AU', { hour: '2-digit', minute: '2-digit' });
    tr.innerHTML = '<td></td><td class="mono"></td><td><span class="tag"></span></td><td></td><td class="num"></td>';
    const cells = tr.querySelectorAll('td');
    cells[0].textContent = time;
    cells[1].textContent = v.checkoutId;
    const tag = cells[2].querySelector('.tag');
    tag.textContent = STATES[v.state]?.text || v.state;
    tag.dataset.tone = tone(v);
    cells[3].textContent = v.card ? `${(v.card.brand || '').toUpperCase()} •••• ${v.card.last4}` : '—';
    cells[4].textContent = money(v.amount + (v.tipAmount || 0), v.currency);
    return tr;
  });
  el('history').querySelector('tbody').replaceChildren(...rows);
  show('history-empty', rows.length === 0);
}

// ---- start ---------------------------------------------------------------------------------

async function start() {
  const response = await api('/api/session');
  state.session = response.body;
  el('shop-name').textContent = state.session.shop;
  el('device-name').textContent = state.session.device;
  const badge = el('mode-badge');
  badge.textContent = state.session.mode === 'emulator' ? 'EMULATOR' : 'STRIPE TEST MODE';
  badge.hidden = false;
  renderMenu();
  renderCart();
  renderCustomer();
  await Promise.all([refreshReaders(), refreshHistory(), refreshHealth()]);
}

el('reader-select').addEventListener('change', renderCart);
setInterval(refreshHealth, 10000);
refreshHealth();
if (state.token) start().catch(() => {}); else showPairing('');
