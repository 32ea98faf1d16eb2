import { define } from '../base/warmline-element.js';
import { WarmlineMessageList } from './warmline-message-list.component.js';

export { WarmlineMessageList };
define('warmline-message-list', WarmlineMessageList);
