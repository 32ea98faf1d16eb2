import { css } from 'lit';

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
  label {
    display: grid;
    gap: 4px;
    font-weight: 600;
  }
  input,
  textarea {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    font-weight: 400;
  }
  textarea {
    resize: vertical;
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
  .primary {
    padding: 10px 16px;
    border: 0;
    border-radius: 8px;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
`;
