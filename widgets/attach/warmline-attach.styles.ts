import { css } from 'lit';

export default css`
  :host {
    display: block;
  }
  button {
    display: grid;
    place-items: center;
    width: 36px;
    height: 40px;
    padding: 0;
    border: 0;
    border-radius: 10px;
    background: none;
    color: var(--_muted);
  }
  button:hover {
    color: var(--_text);
  }
  svg {
    width: 22px;
    height: 22px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
  }
  /* Above the composer, across its width (the composer is the positioned ancestor). */
  .note {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 100%;
    margin: 0;
    padding: 6px 16px;
    font-size: 0.85em;
    background: var(--_surface);
    border-top: 1px solid var(--_border);
    overflow-wrap: anywhere;
  }
  .note.error {
    color: var(--_danger);
  }
`;
