import { define } from '../base/warmline-element.js';
import { WarmlineTransferForm } from './warmline-transfer-form.component.js';

export { WarmlineTransferForm };
define('warmline-transfer-form', WarmlineTransferForm);
