import { css } from 'lit';

export default css`
  :host {
    display: block;
    max-width: 220px;
    font-size: 0.85em;
  }
  [part~='base'] {
    margin: 0 0 4px;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  a {
    display: block;
    border-radius: 10px;
  }
  img,
  .placeholder {
    display: block;
    width: 100%;
    max-height: 180px;
    min-height: 60px;
    object-fit: cover;
    border-radius: 10px;
    background: var(--_surface-alt);
    border: 1px solid var(--_border);
  }
  .placeholder {
    display: grid;
    place-items: center;
    padding: 8px;
    color: var(--_muted);
  }
  /* On its own background, so in the text colour (not the message bubble's, which it would inherit). */
  .pdf {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
    color: var(--_text);
  }
  .name {
    overflow-wrap: anywhere;
    font-weight: 600;
  }
  .pdf .size {
    color: var(--_muted);
  }
  button {
    align-self: flex-start;
    padding: 4px 10px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_surface-alt);
  }
  .problem {
    margin: 0;
    color: var(--_danger);
  }
`;
