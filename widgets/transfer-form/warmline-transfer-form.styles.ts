import { css } from 'lit';

/** Fields and buttons come from the shared `forms` styles (base/forms.ts). */
export default css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 10px;
    padding: 12px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
`;
