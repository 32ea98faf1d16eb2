import { define } from '../base/warmline-element.js';
import { WarmlineChat } from './warmline-chat.component.js';

export { WarmlineChat };
define('warmline-chat', WarmlineChat);
