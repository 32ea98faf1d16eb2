/**
 * Design tokens. Site owners theme the widgets with these custom properties
 * on any ancestor (or `::part()` for finer work); each has a default, so an
 * unthemed page looks right. Components read the short private names.
 *
 * Colours (and the shadow) have a light and a dark default. The dark ones
 * apply when the visitor's system prefers a dark scheme
 * (`prefers-color-scheme`), unless the element says `theme="light"`;
 * `theme="dark"` forces them (the script tag's `data-theme` sets it on the
 * elements the loader creates or finds). A site owner's `--warmline-*` value
 * wins over both. README.md's "Theming" table lists every token.
 *
 * A Warmline element inside another one's shadow root (the chat's message
 * list, the softphone's context card) takes the outer element's theme: the
 * defaults travel as inherited `--_default-*` properties, and the outer
 * element's `*` rule below beats the inner element's own `:host` rules
 * (declarations from an outer tree win over a shadow root's `:host`).
 */
import { css } from 'lit';

/** Light defaults (WCAG AA: 4.5:1 for text on its background, 3:1 for the primary and focus colours on the surface). */
const light = css`
  --_default-primary: #0b5cad;
  --_default-on-primary: #ffffff;
  --_default-surface: #ffffff;
  --_default-surface-alt: #f3f5f8;
  --_default-text: #1b1f24;
  --_default-muted: #59636e;
  --_default-border: #d3d9e0;
  --_default-danger: #b42318;
  --_default-on-danger: #ffffff;
  --_default-success: #1a7f37;
  --_default-on-success: #ffffff;
  --_default-warning: #9a6700;
  --_default-focus: #1f6feb;
  --_default-shadow: 0 8px 30px rgb(0 0 0 / 0.18);
  color-scheme: light;
`;

/**
 * Dark defaults, by the same bars. White stays on the primary colour, so a
 * site that sets only its brand colour keeps readable buttons in both; the
 * danger and success colours are light enough to be text on the dark
 * surface, so what is written on them is dark.
 */
const dark = css`
  --_default-primary: #1f64d8;
  --_default-on-primary: #ffffff;
  --_default-surface: #161b22;
  --_default-surface-alt: #21262d;
  --_default-text: #e6edf3;
  --_default-muted: #9198a1;
  --_default-border: #3d444d;
  --_default-danger: #ff6b61;
  --_default-on-danger: #0d1117;
  --_default-success: #3fb950;
  --_default-on-success: #0d1117;
  --_default-warning: #d29922;
  --_default-focus: #4493f8;
  --_default-shadow: 0 8px 30px rgb(0 0 0 / 0.5);
  color-scheme: dark;
`;

export const tokens = css`
  :host {
    --_primary: var(--warmline-color-primary, var(--_default-primary));
    --_on-primary: var(--warmline-color-on-primary, var(--_default-on-primary));
    --_surface: var(--warmline-color-surface, var(--_default-surface));
    --_surface-alt: var(--warmline-color-surface-alt, var(--_default-surface-alt));
    --_text: var(--warmline-color-text, var(--_default-text));
    --_muted: var(--warmline-color-muted, var(--_default-muted));
    --_border: var(--warmline-color-border, var(--_default-border));
    --_danger: var(--warmline-color-danger, var(--_default-danger));
    --_on-danger: var(--warmline-color-on-danger, var(--_default-on-danger));
    --_success: var(--warmline-color-success, var(--_default-success));
    --_on-success: var(--warmline-color-on-success, var(--_default-on-success));
    --_warning: var(--warmline-color-warning, var(--_default-warning));
    --_focus: var(--warmline-color-focus, var(--_default-focus));
    --_shadow: var(--warmline-shadow, var(--_default-shadow));
    --_radius: var(--warmline-radius, 12px);
    --_font: var(--warmline-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--warmline-font-size, 15px);
    --_z: var(--warmline-z-index, 2147483000);
    ${light}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
  * {
    --_default-primary: inherit;
    --_default-on-primary: inherit;
    --_default-surface: inherit;
    --_default-surface-alt: inherit;
    --_default-text: inherit;
    --_default-muted: inherit;
    --_default-border: inherit;
    --_default-danger: inherit;
    --_default-on-danger: inherit;
    --_default-success: inherit;
    --_default-on-success: inherit;
    --_default-warning: inherit;
    --_default-focus: inherit;
    --_default-shadow: inherit;
    color-scheme: inherit;
  }
`;

/** Shared resets for controls inside our shadow roots (the host page's CSS never reaches them). */
export const controls = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;
