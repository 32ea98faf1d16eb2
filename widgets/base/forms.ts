import { css } from 'lit';

/**
 * Forms inside our components: labelled fields, primary and secondary
 * buttons, an error line. Its own file, so that only the components with a
 * form (offline message, transfer) carry it.
 */
export const forms = css`
  label {
    display: grid;
    gap: 4px;
    font-weight: 600;
  }
  input,
  select,
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
  .primary,
  .secondary {
    padding: 9px 14px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  .primary {
    border-color: transparent;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
`;
