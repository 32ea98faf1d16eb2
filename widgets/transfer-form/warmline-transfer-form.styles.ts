import { css } from 'lit';

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
  label {
    display: grid;
    gap: 4px;
    font-weight: 600;
  }
  select,
  textarea {
    padding: 6px 8px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    font-weight: 400;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .primary,
  .secondary {
    padding: 8px 12px;
    border-radius: 8px;
    border: 1px solid var(--_border);
    background: var(--_surface);
  }
  .primary {
    border: 0;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
`;
