import { define } from '../base/warmline-element.js';
import { WarmlineContextCard } from './warmline-context-card.component.js';

export { WarmlineContextCard };
define('warmline-context-card', WarmlineContextCard);
