import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
    position: relative;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  [hidden] {
    display: none !important;
  }
  .call-button {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 8px 16px;
    border: 0;
    border-radius: 999px;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  svg {
    width: 20px;
    height: 20px;
    fill: currentColor;
  }
  /* A popover under the button, so it never sits on the floating chat. */
  .panel {
    position: absolute;
    top: calc(100% + 8px);
    right: 0;
    z-index: calc(var(--_z) + 1);
    width: 320px;
    max-height: calc(100dvh - 120px);
    overflow-y: auto;
    text-align: left;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }
  .panel.start {
    left: 0;
    right: auto;
  }
  /* Focused as a whole (tabindex="-1") when its controls change: no ring around the whole panel. */
  .panel:focus {
    outline: none;
  }
  /* Phones: a sheet at the bottom of the screen. */
  @media (max-width: 480px) {
    .panel,
    .panel.start {
      position: fixed;
      top: auto;
      left: 0;
      right: 0;
      bottom: 0;
      width: auto;
      border-radius: var(--_radius) var(--_radius) 0 0;
    }
  }
  /* Not a <header>: in the page's accessibility tree that could be a second banner landmark. */
  .header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 12px 16px;
    background: var(--_primary);
    color: var(--_on-primary);
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
  }
  .close {
    width: 32px;
    height: 32px;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    font-size: 20px;
  }
  .body {
    display: grid;
    gap: 12px;
    padding: 16px;
  }
  p {
    margin: 0;
  }
  .status {
    font-weight: 600;
    font-size: 1.05em;
  }
  /* Empty, the live region stays (so that its next words are announced) but takes no room. */
  .status:empty {
    position: absolute;
  }
  .timer {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
  }
  .problem {
    color: var(--_danger);
  }
  .choices {
    display: grid;
    gap: 8px;
  }
  .choice,
  .secondary {
    padding: 10px 14px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
    text-align: left;
  }
  .choice:hover,
  .secondary:hover {
    border-color: var(--_primary);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  /* Words differ in length by language ("Выключить микрофон"): a control is never narrower than its longest word, and a row that cannot hold them wraps. */
  .control {
    flex: 1 1 auto;
    min-width: min-content;
    padding: 10px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
  }
  .control[aria-pressed='true'] {
    background: var(--_surface-alt);
    border-color: var(--_text);
  }
  .hangup {
    flex: 1 1 auto;
    white-space: nowrap;
    min-width: min-content;
    padding: 10px;
    border: 0;
    border-radius: 10px;
    background: var(--_danger);
    color: var(--_on-danger);
    font-weight: 600;
  }
  .primary {
    padding: 10px 14px;
    border: 0;
    border-radius: 10px;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  .keypad {
    display: grid;
    grid-template-columns: repeat(3, 1fr);
    gap: 8px;
  }
  .key {
    padding: 12px 0;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface-alt);
    font-size: 1.2em;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    padding: 0 8px;
    border-radius: 999px;
    background: var(--_on-primary);
    color: var(--_primary);
    font-size: 0.85em;
  }
  .hint {
    display: block;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .callback {
    display: grid;
    gap: 8px;
  }
  .callback label {
    display: grid;
    gap: 4px;
  }
  .callback input {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  .offline {
    margin: -16px;
  }
`;
