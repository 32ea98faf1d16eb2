/** Russian terms of the queue features (offline form, callbacks); see en-queue.ts. */
import type { QueueTerms } from './en-queue.js';
import { plural } from '../plural.js';

const ruQueue = {
  $code: 'ru',
  $name: 'Русский',

  offlineClosed: (label: string) => `${label} — сейчас нерабочее время.`,
  offlineOpensAt: (when: string) => `Мы откроемся: ${when}.`,
  offlineUnstaffed: (label: string) => `${label} — сейчас нет свободных операторов.`,
  offlineClosedNoName: 'Сейчас мы не работаем.',
  offlineUnstaffedNoName: 'Сейчас нет свободных операторов.',
  offlineIntro: 'Оставьте сообщение, и мы с вами свяжемся.',
  offlineName: 'Ваше имя',
  offlineContact: 'Эл. почта или телефон',
  offlineMessage: 'Ваше сообщение',
  offlineSend: 'Отправить сообщение',
  offlineSending: 'Отправка…',
  offlineSent: (name: string) => `Спасибо, ${name}! Мы получили ваше сообщение и ответим, как только откроемся.`,
  offlineSentUnstaffed: (name: string) => `Спасибо, ${name}! Мы получили ваше сообщение и ответим, как только освободится оператор.`,
  offlineFailed: 'Не удалось отправить сообщение. Попробуйте ещё раз.',
  offlineContactInvalid: 'Пожалуйста, укажите адрес электронной почты или номер телефона.',
  rateLimited: (seconds: number) =>
    `Слишком много попыток. Попробуйте ещё раз через ${seconds} ${plural('ru', seconds, { one: 'секунду', few: 'секунды', many: 'секунд', other: 'секунды' })}.`,
  callbackOffer: 'Лучше перезвоните мне',
  callbackPhoneLabel: 'Номер телефона — на случай, если вы уйдёте с сайта (необязательно)',
  callbackConfirm: 'Перезвоните мне',
  callbackWaiting: 'Когда подойдёт ваша очередь, мы перезвоним вам здесь. Можете пока смотреть сайт — только не закрывайте его вкладку.',
  callbackRinging: (name: string) => (name ? `${name} перезванивает вам` : 'Мы перезваниваем вам'),
  callbackAnswer: 'Ответить',
  callbackDecline: 'Не сейчас',
  callbackCancel: 'Отменить обратный звонок',
  callbackDone: 'Мы вам перезвонили. Спасибо, что дождались.',
  callbackCancelled: 'Обратный звонок отменён.',
  callbackClosed: 'Нам не удалось до вас дозвониться. Напишите нам в чат или позвоните ещё раз.',
  callbackFailed: 'Не удалось заказать обратный звонок. Попробуйте ещё раз.',
  callbackPhoneInvalid: 'Пожалуйста, проверьте номер телефона.',
  callbackAlready: 'Обратный звонок уже заказан.',
  transferring: 'Переводим ваш звонок. Пожалуйста, оставайтесь на линии…',
} satisfies QueueTerms;

export default ruQueue;
