import { css } from 'lit';

/** Fields and buttons come from the shared `forms` styles (base/forms.ts). */
export default css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 10px;
    padding: 12px 16px;
  }
  .why,
  .sent {
    margin: 0;
    color: var(--_muted);
  }
  .sent {
    padding: 12px 16px;
  }
`;
