import { define } from '../base/warmline-element.js';
import { WarmlineLiveCalls } from './warmline-live-calls.component.js';

export { WarmlineLiveCalls };
define('warmline-live-calls', WarmlineLiveCalls);
