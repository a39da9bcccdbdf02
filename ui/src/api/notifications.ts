// `notifications_*` commands and the `notify://new` / `notify://count` events.
import type {
  Count,
  Notification,
  NotificationList,
  NotificationListRequest,
  SendNotification,
  SendResult,
} from "../bindings";
import type { Transport, Unlisten } from "./transport";
import type { SentNotification } from "./types";
import { EVENTS } from "./events";

export function notificationsApi(t: Transport) {
  return {
    list: (request: NotificationListRequest) =>
      t.invoke<NotificationList>("notifications_list", { request }),
    count: () => t.invoke<Count>("notifications_count"),
    markRead: (id: string) => t.invoke<Count>("notifications_mark_read", { id }),
    markAllRead: () => t.invoke<Count>("notifications_mark_all_read"),
    send: (request: SendNotification) => t.invoke<SendResult>("notifications_send", { request }),
    sent: () => t.invoke<SentNotification[]>("notifications_sent"),
    onNew: (h: (n: Notification) => void): Promise<Unlisten> => t.listen(EVENTS.notifyNew, h),
    onCount: (h: (c: Count) => void): Promise<Unlisten> => t.listen(EVENTS.notifyCount, h),
  };
}
export type NotificationsApi = ReturnType<typeof notificationsApi>;
