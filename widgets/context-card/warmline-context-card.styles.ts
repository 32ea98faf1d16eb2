import { css } from 'lit';

export default css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: 14px;
    color: var(--_text);
  }
  [part~='base'] {
    display: grid;
    gap: 12px;
    padding: 12px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  h3 {
    margin: 0 0 4px;
    font-size: 0.78em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  section {
    min-width: 0;
  }
  p {
    margin: 0;
  }
  /* Links in the text colour, underlined: a brand colour is not always readable as text (nor in dark mode). */
  a {
    color: inherit;
    overflow-wrap: anywhere;
  }
  .name {
    font-weight: 600;
    font-size: 1.05em;
  }
  .badge {
    display: inline-block;
    margin-left: 6px;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 0.78em;
    font-weight: 600;
    vertical-align: middle;
  }
  .verified {
    background: color-mix(in srgb, var(--_success) 18%, var(--_surface));
    box-shadow: inset 0 0 0 1px var(--_success);
  }
  .unverified {
    background: color-mix(in srgb, var(--_warning) 18%, var(--_surface));
    box-shadow: inset 0 0 0 1px var(--_warning);
  }
  .muted {
    color: var(--_muted);
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 3px 4px;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  th {
    font-weight: 500;
    color: var(--_muted);
    font-size: 0.85em;
  }
  td.num,
  th.num {
    text-align: right;
    white-space: nowrap;
  }
  tfoot td {
    font-weight: 700;
    border-bottom: 0;
  }
  ol,
  ul {
    margin: 0;
    padding-left: 18px;
  }
  li {
    margin: 2px 0;
    overflow-wrap: anywhere;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px 10px;
    margin: 0;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .notes blockquote {
    margin: 0 0 8px;
    padding: 8px 10px;
    border-left: 3px solid var(--_warning);
    background: var(--_surface-alt);
    border-radius: 4px;
  }
  .notes blockquote p {
    margin: 0 0 4px;
    white-space: pre-wrap;
  }
  .unverified-note {
    margin: 0 0 4px;
    font-size: 0.85em;
    color: var(--_warning);
  }
  .history details {
    margin: 0 0 6px;
  }
  .history summary {
    cursor: pointer;
  }
  .transcript {
    list-style: none;
    margin: 6px 0 0;
    padding: 0 0 0 8px;
    border-left: 2px solid var(--_border);
  }
  .transcript li {
    margin: 0 0 4px;
    overflow-wrap: anywhere;
  }
`;
