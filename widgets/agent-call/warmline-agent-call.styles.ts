import { css } from 'lit';

export default css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  [part~='base'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px 16px;
    padding: 12px 16px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  /* Focused as a whole (tabindex="-1") when its controls change: no ring around the whole bar. */
  [part~='base']:focus {
    outline: none;
  }
  .ringing[part~='base'] {
    background: color-mix(in srgb, var(--_primary) 12%, var(--_surface));
    border-bottom: 2px solid var(--_primary);
  }
  .what {
    flex: 1 1 16em;
    margin: 0;
    display: grid;
    gap: 2px;
  }
  .title {
    font-weight: 700;
    font-size: 1.05em;
  }
  .detail,
  .timer {
    color: var(--_muted);
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  button {
    padding: 9px 16px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  button[aria-pressed='true'] {
    background: var(--_surface-alt);
    border-color: var(--_text);
  }
  .answer {
    border: 0;
    background: var(--_success);
    color: var(--_on-success);
    font-weight: 700;
  }
  .decline,
  .hangup {
    border: 0;
    background: var(--_danger);
    color: var(--_on-danger);
    font-weight: 700;
  }
  .keypad {
    display: grid;
    grid-template-columns: repeat(6, 44px);
    gap: 6px;
    width: 100%;
  }
  .keypad button {
    padding: 8px 0;
  }
  .digits {
    width: 100%;
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .digits strong {
    letter-spacing: 0.2em;
  }
  .transfer {
    flex: 1 1 100%;
  }
  .problem {
    flex: 1 1 100%;
    margin: 0;
    color: var(--_danger);
  }
`;
