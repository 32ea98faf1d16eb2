import { define } from '../base/warmline-element.js';
import { WarmlineSoftphone } from './warmline-softphone.component.js';

export { WarmlineSoftphone };
define('warmline-softphone', WarmlineSoftphone);
