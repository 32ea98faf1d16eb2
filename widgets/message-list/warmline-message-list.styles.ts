import { css } from 'lit';

export default css`
  :host {
    display: block;
    min-height: 0;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  [part~='base'] {
    height: 100%;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 12px;
  }
  .earlier {
    display: block;
    margin: 0 auto 12px;
    padding: 6px 12px;
    border: 1px solid var(--_border);
    border-radius: 16px;
    background: transparent;
    font-size: 0.875em;
  }
  .earlier[aria-disabled='true'] {
    cursor: progress;
    color: var(--_muted);
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  li {
    display: flex;
    flex-direction: column;
    max-width: 85%;
  }
  li.mine {
    align-self: flex-end;
    align-items: flex-end;
  }
  li.theirs {
    align-self: flex-start;
    align-items: flex-start;
  }
  li.system {
    align-self: center;
    max-width: 100%;
  }
  .author {
    font-size: 0.8em;
    color: var(--_muted);
    margin: 0 4px 2px;
  }
  .text {
    margin: 0;
    padding: 8px 12px;
    border-radius: 16px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    line-height: 1.4;
  }
  .mine .text {
    background: var(--_primary);
    color: var(--_on-primary);
    border-bottom-right-radius: 4px;
  }
  .theirs .text {
    background: var(--_surface-alt);
    border-bottom-left-radius: 4px;
  }
  .system .text {
    background: none;
    color: var(--_muted);
    font-size: 0.85em;
    padding: 2px 8px;
    text-align: center;
  }
  .meta {
    font-size: 0.75em;
    color: var(--_muted);
    margin: 2px 4px 0;
  }
  .typing {
    min-height: 1.4em;
    margin: 4px 12px 0;
    font-size: 0.85em;
    color: var(--_muted);
    font-style: italic;
  }
`;
