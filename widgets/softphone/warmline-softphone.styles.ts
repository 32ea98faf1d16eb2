import { css } from 'lit';

export default css`
  :host {
    display: block;
    height: 100%;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
    background: var(--_surface-alt);
  }
  [hidden] {
    display: none !important;
  }

  /* Sign-in */
  .sign-in {
    max-width: 360px;
    margin: 10vh auto 0;
    padding: 24px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    display: grid;
    gap: 14px;
  }
  .sign-in h1 {
    margin: 0;
    font-size: 1.3em;
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 500;
  }
  input,
  select,
  textarea {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  .primary {
    padding: 9px 16px;
    border: 0;
    border-radius: 8px;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  .secondary {
    padding: 7px 14px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  .alert {
    margin: 0;
    color: var(--_danger);
  }

  /* Console */
  .console {
    display: grid;
    grid-template-rows: auto auto 1fr;
    height: 100%;
    min-height: 0;
  }
  .topbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
    padding: 10px 16px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  .topbar h1 {
    margin: 0;
    font-size: 1.05em;
    flex: 1;
    min-width: 10em;
  }
  .topbar label {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .connection {
    font-size: 0.85em;
    color: var(--_warning);
  }
  .workspace {
    display: grid;
    grid-template-columns: 260px minmax(0, 1fr) 320px;
    min-height: 0;
  }
  .sidebar {
    border-right: 1px solid var(--_border);
    overflow-y: auto;
    padding: 12px;
    display: grid;
    align-content: start;
    gap: 16px;
  }
  .sidebar h2 {
    margin: 0 0 6px;
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  .offers,
  .chat-list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 8px;
  }
  .offer {
    padding: 10px;
    border: 2px solid var(--_primary);
    border-radius: 10px;
    background: var(--_surface);
    display: grid;
    gap: 4px;
  }
  .offer p {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .offer .first {
    font-style: italic;
  }
  .offer .actions {
    display: flex;
    gap: 8px;
    margin-top: 4px;
  }
  .chat-list button {
    width: 100%;
    text-align: left;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 2px 6px;
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
  }
  .chat-list button[aria-current='true'] {
    border-color: var(--_primary);
    box-shadow: inset 3px 0 0 var(--_primary);
  }
  .chat-list .who {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .chat-list .where {
    grid-column: 1 / -1;
    font-size: 0.85em;
    color: var(--_muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .count {
    min-width: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--_danger);
    color: var(--_on-danger);
    font-size: 12px;
    line-height: 20px;
    text-align: center;
  }
  .empty {
    color: var(--_muted);
    font-size: 0.9em;
    margin: 0;
  }
  .thread {
    display: grid;
    grid-template-rows: auto auto minmax(0, 1fr) auto auto;
    min-height: 0;
    background: var(--_surface);
  }
  .thread-head {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 10px 14px;
    border-bottom: 1px solid var(--_border);
  }
  .thread-head h2 {
    margin: 0;
    font-size: 1em;
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* The transfer form and the work beyond the chat (a callback to make), above the messages. */
  .extras > * {
    display: block;
    padding: 10px 14px;
    border-bottom: 1px solid var(--_border);
  }
  .work p {
    margin: 0 0 6px;
  }
  .work .actions,
  .offer .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .transfer-from {
    color: var(--_warning);
  }
  .calls {
    display: grid;
  }
  .calls > .alert {
    padding: 6px 16px;
  }
  .presence-dot {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .composer {
    display: flex;
    gap: 8px;
    padding: 10px 12px;
    border-top: 1px solid var(--_border);
  }
  .composer textarea {
    flex: 1;
    resize: none;
    min-height: 42px;
  }
  .ended {
    margin: 0;
    padding: 10px 14px;
    border-top: 1px solid var(--_border);
    color: var(--_muted);
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
  }
  .card-column {
    border-left: 1px solid var(--_border);
    overflow-y: auto;
    padding: 12px;
  }
  .card-column details > summary {
    display: none;
  }
  .chat-so-far {
    margin-top: 12px;
  }
  .chat-so-far h2 {
    margin: 0 0 6px;
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  .chat-so-far warmline-message-list {
    max-height: 40vh;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .phone-status {
    font-size: 0.85em;
    color: var(--_muted);
  }
  .no-chat {
    display: grid;
    place-items: center;
    color: var(--_muted);
    padding: 24px;
    text-align: center;
  }

  /* Tablets: the card moves above the conversation. */
  @media (max-width: 1100px) {
    .workspace {
      grid-template-columns: 240px minmax(0, 1fr);
      grid-template-rows: auto minmax(0, 1fr);
    }
    .card-column {
      grid-column: 2;
      grid-row: 1;
      border-left: 0;
      border-bottom: 1px solid var(--_border);
      max-height: 40vh;
    }
    .thread {
      grid-column: 2;
      grid-row: 2;
    }
    .sidebar {
      grid-row: 1 / span 2;
    }
    .card-column details > summary {
      display: list-item;
      cursor: pointer;
      font-weight: 600;
      margin-bottom: 8px;
    }
  }
  /* Phones: one column. */
  @media (max-width: 640px) {
    .workspace {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: none;
      overflow-y: auto;
    }
    .sidebar,
    .card-column,
    .thread {
      grid-column: 1;
      grid-row: auto;
      border-right: 0;
      max-height: none;
    }
    .thread {
      min-height: 70vh;
    }
  }
`;
