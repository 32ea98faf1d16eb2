/**
 * Design tokens. Site owners theme the widgets with these custom properties
 * on any ancestor (or `::part()` for finer work); each has a default, so an
 * unthemed page looks right. Components read the short private names.
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    --_primary: var(--warmline-color-primary, #0b5cad);
    --_on-primary: var(--warmline-color-on-primary, #ffffff);
    --_surface: var(--warmline-color-surface, #ffffff);
    --_surface-alt: var(--warmline-color-surface-alt, #f3f5f8);
    --_text: var(--warmline-color-text, #1b1f24);
    --_muted: var(--warmline-color-muted, #59636e);
    --_border: var(--warmline-color-border, #d3d9e0);
    --_danger: var(--warmline-color-danger, #b42318);
    --_success: var(--warmline-color-success, #1a7f37);
    --_warning: var(--warmline-color-warning, #9a6700);
    --_radius: var(--warmline-radius, 12px);
    --_font: var(--warmline-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--warmline-font-size, 15px);
    --_shadow: var(--warmline-shadow, 0 8px 30px rgb(0 0 0 / 0.18));
    --_z: var(--warmline-z-index, 2147483000);
    --_focus: var(--warmline-color-focus, #1f6feb);
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
