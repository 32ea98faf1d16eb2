import { define } from '../base/warmline-element.js';
import { WarmlineAgentCall } from './warmline-agent-call.component.js';

export { WarmlineAgentCall };
define('warmline-agent-call', WarmlineAgentCall);
