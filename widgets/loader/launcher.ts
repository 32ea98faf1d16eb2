/**
 * The floating chat button the loader draws before any Warmline component is
 * loaded: a plain button in its own shadow root, styled like the real one.
 * Hovering or focusing it starts fetching the chat module; clicking opens the
 * chat as soon as the module is there. Until then the page has loaded only
 * the loader.
 */
import { CHAT_ICON } from '../base/icons.js';

const CSS =
  ':host{all:initial;position:fixed;right:max(16px,env(safe-area-inset-right));bottom:max(16px,env(safe-area-inset-bottom));z-index:2147483000}' +
  'button{width:56px;height:56px;border:0;border-radius:50%;cursor:pointer;background:var(--warmline-color-primary,#0b5cad);' +
  'color:var(--warmline-color-on-primary,#fff);box-shadow:0 8px 30px #0003}svg{width:26px;fill:currentColor}';

/** The launcher on the page: `label` names it again (the language changed); `remove` takes it away. */
export interface Launcher {
  label(text: string, lang: string): void;
  remove(): void;
}

export function showLauncher(prefetch: () => void, open: () => void): Launcher {
  const host = document.createElement('div');
  host.setAttribute('data-warmline-launcher', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const button = document.createElement('button');
  button.type = 'button';
  button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="${CHAT_ICON}"/></svg>`;
  button.addEventListener('pointerenter', prefetch, { once: true });
  button.addEventListener('focus', prefetch, { once: true });
  button.addEventListener('click', open);
  root.append(button);
  document.body.append(host);
  return {
    label(text, lang) {
      button.setAttribute('aria-label', text);
      // Screen readers say the name in its language's voice.
      host.lang = lang;
    },
    remove: () => host.remove(),
  };
}
