// The demo shop's own script: a cart kept in localStorage, and GA4-style
// dataLayer events as any tagged shop pushes them. Warmline reads those
// events by itself; the shop has no Warmline-specific cart code.
const CART_KEY = 'beanbrew.cart';
const money = (n) => `€${n.toFixed(2)}`;
window.dataLayer = window.dataLayer || [];
// Calls to Warmline before its script has loaded are queued and replayed.
window.Warmline = window.Warmline || [];
const warmline = (method, ...args) => (Array.isArray(window.Warmline) ? window.Warmline.push([method, ...args]) : window.Warmline[method](...args));

function readCart() {
  try {
    return JSON.parse(localStorage.getItem(CART_KEY) || '[]');
  } catch {
    return [];
  }
}

function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart));
  renderCount(cart);
}

function renderCount(cart) {
  const count = cart.reduce((n, item) => n + item.qty, 0);
  for (const el of document.querySelectorAll('[data-cart-count]')) el.textContent = String(count);
}

function ga4Item(item, qty) {
  return { item_id: item.sku, item_name: item.name, price: item.price, quantity: qty };
}

function push(event, items) {
  window.dataLayer.push({ ecommerce: null });
  window.dataLayer.push({
    event,
    ecommerce: { currency: 'EUR', value: items.reduce((s, i) => s + i.price * i.quantity, 0), items },
  });
}

function productPage() {
  const main = document.querySelector('[data-product]');
  if (!main) return;
  const product = { sku: main.dataset.sku, name: main.dataset.name, price: Number(main.dataset.price) };
  push('view_item', [ga4Item(product, 1)]);
  const form = main.querySelector('[data-add-to-cart]');
  const notice = main.querySelector('[data-cart-notice]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const qty = Math.max(1, Math.min(20, Number(new FormData(form).get('qty')) || 1));
    const cart = readCart();
    const line = cart.find((item) => item.sku === product.sku);
    if (line) line.qty += qty;
    else cart.push({ ...product, qty });
    writeCart(cart);
    push('add_to_cart', [ga4Item(product, qty)]);
    notice.textContent = `Added ${qty} × ${product.name} to your cart.`;
  });
}

function cartPage() {
  const table = document.querySelector('[data-cart-table]');
  if (!table) return;
  const body = table.querySelector('tbody');
  const empty = document.querySelector('[data-cart-empty]');
  const notice = document.querySelector('[data-cart-notice]');
  const render = () => {
    const cart = readCart();
    body.replaceChildren(
      ...cart.map((item) => {
        const row = document.createElement('tr');
        const cells = [item.name, String(item.qty), money(item.price * item.qty)].map((text) => {
          const td = document.createElement('td');
          td.textContent = text;
          return td;
        });
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'link';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove ${item.name}`);
        remove.addEventListener('click', () => {
          writeCart(readCart().filter((i) => i.sku !== item.sku));
          push('remove_from_cart', [ga4Item(item, item.qty)]);
          render();
        });
        const td = document.createElement('td');
        td.append(remove);
        row.append(...cells, td);
        return row;
      }),
    );
    document.querySelector('[data-cart-total]').textContent = money(cart.reduce((s, i) => s + i.price * i.qty, 0));
    empty.hidden = cart.length > 0;
    table.hidden = cart.length === 0;
  };
  render();
  const cart = readCart();
  if (cart.length) push('view_cart', cart.map((item) => ga4Item(item, item.qty)));
  document.querySelector('[data-checkout]').addEventListener('click', () => {
    const items = readCart().map((item) => ga4Item(item, item.qty));
    if (!items.length) return;
    push('begin_checkout', items);
    notice.textContent = 'Checkout is not part of this demo. Ask us anything in the chat.';
  });
}

function demoSignIn() {
  for (const button of document.querySelectorAll('[data-demo-sign-in]')) {
    button.addEventListener('click', async () => {
      // As a real shop does once its customer signs in: its backend signs who they are.
      const res = await fetch('/demo/sign-in', { method: 'POST' });
      if (!res.ok) return;
      warmline('identify', (await res.json()).token);
      button.textContent = 'Signed in as Jamie';
      button.disabled = true;
    });
  }
}

function trackedDetails() {
  for (const details of document.querySelectorAll('details[data-track]')) {
    details.addEventListener('toggle', () => {
      if (details.open) warmline('track', details.dataset.track);
    });
  }
}

renderCount(readCart());
productPage();
cartPage();
demoSignIn();
trackedDetails();
