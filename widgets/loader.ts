/**
 * The script tag entry (`/warmline.js`), what every page of the site loads:
 *
 *   <script src="https://HOST/warmline.js" data-site="SITE_KEY" async></script>
 *
 * It stays a couple of kilobytes: it records the journey and reads the
 * dataLayer from the first page on, exposes `window.Warmline`, and imports
 * the chat module only when the visitor reaches for it (or already has a
 * conversation going). Including it twice is harmless.
 *
 * Script tag options: `data-site` (required), `data-launcher="none"` (no
 * floating button; place <warmline-chat> yourself or call Warmline.open()),
 * `data-label` (the button's accessible name), `data-lang` (the language,
 * above the page's and the browser's), `data-theme="light|dark"` (the
 * widgets' colours, instead of the visitor's system's), `nonce` (the page's CSP
 * nonce, for the <style> elements Lit writes in browsers without
 * constructable stylesheets). It creates no <script>, <style> or <link>
 * itself: the widget modules come by import(), which script-src governs.
 */
import { createApi, type WarmlineApi } from './loader/public-api.js';
import { autoload, TAGS } from './loader/autoload.js';
import { showLauncher, type Launcher } from './loader/launcher.js';
import { launcherLabel } from './loader/languages.js';
import { watchJourney } from './context/journey.js';
import { watchDataLayer } from './context/data-layer.js';

declare const __VERSION__: string;

declare global {
  interface Window {
    Warmline?: WarmlineApi | unknown[];
    /** Lit sets it as the nonce of the <style> elements it writes. */
    litNonce?: string;
  }
}

type ChatElement = HTMLElement & { show(): void; hide(): void };

function boot(queued: unknown[]) {
  const script = document.currentScript as HTMLScriptElement | null;
  const site = script?.dataset.site;
  // The server is where this script came from (it may sit under a path).
  const server = (script?.src ?? '').replace(/\/[^/]*$/, '');
  // The browser fetches and evaluates each module once, however often it is imported.
  const load = (tag: string) => import(`${server}/widgets/${tag}.js`);
  if (!site) console.warn('[warmline] the script tag needs data-site');
  // Under a CSP with a nonce: Lit writes <style> elements (with window.litNonce) where a browser
  // lacks constructable stylesheets. The browser hides the attribute; the property keeps it.
  if (script?.nonce) window.litNonce ??= script.nonce;

  let launcher: Launcher | undefined;
  // What the autoloader gives each Warmline element; `lang` is the language data-lang or Warmline.setLanguage chose.
  const attributes = { server, site, lang: script?.dataset.lang, theme: script?.dataset.theme };
  // Translations the site registered (the widgets read them when they load).
  const translations = (window.WarmlineTranslations ??= []);
  const relabel = () => {
    const [text, tag] = launcherLabel([attributes.lang, document.documentElement.lang, ...navigator.languages], translations);
    launcher?.label(script?.dataset.label || text, tag);
  };
  const chat = () => document.querySelector('warmline-chat') as ChatElement | null;
  const mountChat = async (open: boolean) => {
    let el = chat();
    if (!el) {
      el = document.createElement('warmline-chat') as ChatElement;
      // The autoloader gives it the server and site as it appears.
      el.setAttribute('floating', '');
      document.body.append(el);
    }
    await load('warmline-chat');
    await customElements.whenDefined('warmline-chat');
    launcher?.remove();
    launcher = undefined;
    if (open) el.show();
  };

  const api = createApi(
    __VERSION__,
    () => void mountChat(true),
    () => chat()?.hide(),
    {
      setLanguage(code) {
        attributes.lang = code ?? undefined;
        for (const el of document.querySelectorAll(TAGS)) code ? el.setAttribute('lang', code) : el.removeAttribute('lang');
        relabel();
      },
      register(list) {
        translations.push(...list);
        dispatchEvent(new CustomEvent('warmline-translation', { detail: list }));
        relabel();
      },
    },
  );
  window.Warmline = api;

  watchJourney();
  watchDataLayer();

  // Calls made before this script ran: window.Warmline = window.Warmline || []; Warmline.push(['setCart', {...}])
  for (const call of queued) {
    if (!Array.isArray(call)) continue;
    const [method, ...args] = call as [keyof WarmlineApi, ...unknown[]];
    try {
      (api[method] as (...a: unknown[]) => void)(...args);
    } catch (err) {
      console.error(err);
    }
  }

  const start = () => {
    autoload(attributes, load);
    const placed = chat() !== null;
    if (placed || script?.dataset.launcher === 'none') return;
    // A conversation under way (or unsent messages) follows the visitor to every page at once.
    let ongoing = false;
    try {
      ongoing = !!localStorage.getItem(`warmline.chat.${site}`);
    } catch {
      // No storage, no ongoing conversation.
    }
    if (ongoing) void mountChat(false);
    else {
      launcher = showLauncher(
        () => void load('warmline-chat'),
        () => void mountChat(true),
      );
      relabel();
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  window.dispatchEvent(new Event('warmline-ready'));
}

// A second copy of the script tag finds Warmline there and does nothing.
const existing = window.Warmline;
if (!existing || Array.isArray(existing)) boot(existing ?? []);
