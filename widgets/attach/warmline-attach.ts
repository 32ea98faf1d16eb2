import { define } from '../base/warmline-element.js';
import { WarmlineAttach } from './warmline-attach.component.js';
// A chat that can attach files shows them too.
import '../attachment/warmline-attachment.js';

export { WarmlineAttach };
define('warmline-attach', WarmlineAttach);
