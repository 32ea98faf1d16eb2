import { css } from 'lit';

export default css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  [part~='base'] {
    display: grid;
    gap: 8px;
  }
  h2 {
    margin: 0;
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  p {
    margin: 0;
  }
  .status:empty {
    display: none;
  }
  .status {
    font-weight: 600;
  }
  .problem {
    color: var(--_danger);
  }
  .empty {
    color: var(--_muted);
    font-size: 0.9em;
  }
  ul {
    display: grid;
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: grid;
    gap: 4px;
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
  }
  li.here {
    border-color: var(--_primary);
  }
  .who {
    font-weight: 600;
  }
  .what {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  button {
    padding: 6px 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  .leave {
    justify-self: start;
    border: 0;
    background: var(--_danger);
    color: var(--_on-danger);
    font-weight: 700;
  }
`;
