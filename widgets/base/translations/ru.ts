/** Russian terms of the visitor's widgets (and the message list both sides share); see en.ts. */
import type { VisitorTerms } from './en.js';
import { plural } from '../plural.js';

const ru = {
  $code: 'ru',
  $name: 'Русский',

  chat: 'Чат',
  openChat: 'Написать нам',
  openChatUnread: (n: number) =>
    `Написать нам, ${n} ${plural('ru', n, {
      one: 'непрочитанное сообщение',
      few: 'непрочитанных сообщения',
      many: 'непрочитанных сообщений',
      other: 'непрочитанного сообщения',
    })}`,
  closeChat: 'Закрыть чат',
  chatTitle: 'Онлайн-чат',
  messages: 'Сообщения',
  showEarlier: 'Показать более ранние сообщения',
  message: 'Сообщение',
  send: 'Отправить',
  placeholder: 'Сообщение…',
  statusNew: 'Задайте любой вопрос. Обычно мы отвечаем в течение нескольких минут.',
  statusWaiting: 'Ожидание оператора…',
  statusNoAgents: 'Сейчас нет свободных операторов. Оставьте сообщение, и мы ответим здесь.',
  queuePlace: (position: number, minutes: number) =>
    `${position === 1 ? 'Перед вами никого нет' : `Ваш номер в очереди: ${position}`}${
      minutes ? `, ожидание — примерно ${minutes} ${plural('ru', minutes, { one: 'минута', few: 'минуты', many: 'минут', other: 'минуты' })}` : ''
    }.`,
  statusActive: (name: string) => `Вам отвечает ${name}.`,
  statusClosed: 'Чат завершён. Чтобы продолжить, напишите снова.',
  slowDown: (seconds: number) =>
    `Вы пишете слишком быстро. Сообщение будет отправлено через ${seconds} ${plural('ru', seconds, {
      one: 'секунду',
      few: 'секунды',
      many: 'секунд',
      other: 'секунды',
    })}.`,
  connecting: 'Подключение…',
  reconnecting: 'Переподключение…',
  offline: 'Соединение потеряно. Ваши сообщения сохранены и будут отправлены, когда связь восстановится.',
  retry: 'Повторить',
  typing: (name: string) => `${name} печатает…`,
  visitorTyping: 'Посетитель печатает…',
  sending: 'Отправляется',
  sent: 'Отправлено',
  delivered: 'Доставлено',
  read: 'Прочитано',
  you: 'Вы',
  visitor: 'Посетитель',
  agentJoined: (name: string) => `${name} теперь в чате.`,
  chatClosed: (name: string) => `${name} завершил(а) чат.`,
  messageTooLong: (max: number) =>
    `Максимальная длина сообщения — ${max} ${plural('ru', max, { one: 'символ', few: 'символа', many: 'символов', other: 'символа' })}.`,
  errorGeneric: 'Что-то пошло не так. Попробуйте ещё раз.',
  messageRefused: 'Это сообщение не удалось отправить.',
  statusActiveNoName: 'Вам отвечает оператор.',
  typingNoName: 'Оператор печатает…',
} satisfies VisitorTerms;

export default ru;
