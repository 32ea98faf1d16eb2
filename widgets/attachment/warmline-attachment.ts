import { define } from '../base/warmline-element.js';
import { WarmlineAttachment } from './warmline-attachment.component.js';

export { WarmlineAttachment };
define('warmline-attachment', WarmlineAttachment);
