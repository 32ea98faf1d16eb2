import { css } from 'lit';

export default css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  :host([floating]) {
    position: fixed;
    right: max(16px, env(safe-area-inset-right));
    bottom: max(16px, env(safe-area-inset-bottom));
    z-index: var(--_z);
  }
  [hidden] {
    display: none !important;
  }

  .launcher {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    border: 0;
    border-radius: 999px;
    padding: 12px 18px;
    background: var(--_primary);
    color: var(--_on-primary);
    box-shadow: var(--_shadow);
    position: relative;
    font-weight: 600;
  }
  :host([floating]) .launcher {
    width: 56px;
    height: 56px;
    padding: 0;
    justify-content: center;
    margin-left: auto;
  }
  :host([floating]) .launcher-text {
    display: none;
  }
  .launcher svg {
    width: 26px;
    height: 26px;
    fill: currentColor;
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: var(--_danger);
    color: var(--_on-danger);
    font-size: 12px;
    line-height: 22px;
    text-align: center;
  }

  .panel {
    display: flex;
    flex-direction: column;
    width: min(370px, 100%);
    height: min(560px, calc(100dvh - 120px));
    margin-top: 12px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
  }
  :host([floating]) .panel {
    position: absolute;
    right: 0;
    bottom: 68px;
    width: 370px;
    margin: 0;
  }
  /* Phones: the open chat takes the whole screen. */
  @media (max-width: 480px) {
    :host([floating]) .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      height: 100dvh;
      border-radius: 0;
      border: 0;
    }
    /* The panel's own close button takes over. */
    :host([floating][open]) .launcher {
      display: none;
    }
  }

  /* Not a <header>: in the page's accessibility tree that could be a second banner landmark. */
  .header {
    display: grid;
    grid-template-columns: 1fr auto;
    align-items: start;
    gap: 4px 8px;
    padding: 14px 16px;
    background: var(--_primary);
    color: var(--_on-primary);
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
  }
  .subtitle {
    grid-column: 1;
    margin: 0;
    font-size: 0.85em;
    opacity: 0.92;
  }
  .close {
    grid-row: 1 / span 2;
    grid-column: 2;
    width: 36px;
    height: 36px;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    font-size: 22px;
    line-height: 1;
  }
  .close:hover {
    background: color-mix(in srgb, var(--_on-primary) 15%, transparent);
  }

  .banner {
    margin: 0;
    padding: 8px 16px;
    font-size: 0.85em;
    background: color-mix(in srgb, var(--_warning) 18%, var(--_surface));
    color: var(--_text);
    display: flex;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
  }
  .banner button {
    border: 1px solid currentColor;
    background: transparent;
    border-radius: 6px;
    padding: 2px 10px;
  }

  warmline-message-list {
    flex: 1;
  }

  .error {
    margin: 0;
    padding: 6px 16px;
    color: var(--_danger);
    font-size: 0.85em;
  }

  form {
    position: relative;
    display: flex;
    gap: 8px;
    align-items: flex-end;
    padding: 10px 12px;
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 40px;
    max-height: 120px;
    padding: 9px 12px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
    line-height: 1.35;
  }
  .send {
    min-height: 40px;
    padding: 0 16px;
    border: 0;
    border-radius: 10px;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
`;
