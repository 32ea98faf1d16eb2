import { define } from '../base/warmline-element.js';
import { WarmlineOfflineForm } from './warmline-offline-form.component.js';

export { WarmlineOfflineForm };
define('warmline-offline-form', WarmlineOfflineForm);
