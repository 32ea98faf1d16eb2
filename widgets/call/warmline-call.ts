import { define } from '../base/warmline-element.js';
import { WarmlineCall } from './warmline-call.component.js';

export { WarmlineCall };
define('warmline-call', WarmlineCall);
