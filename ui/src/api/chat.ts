// `chat_*` commands and `chat://...` events (docs/desktop-ipc.md).
import type {
  ChatMessage,
  ChatRoom,
  CreateRoom,
  DmConversation,
  ListedRoom,
  MessageHistory,
  MessageHistoryRequest,
  MessageRead,
  MessageSent,
} from "../bindings";
import type { ChatTyping } from "../bindings/app";
import type { Transport, Unlisten } from "./transport";

export const CHAT_EVENTS = {
  message: "chat://message",
  typing: "chat://typing",
  read: "chat://read",
  room: "chat://room",
} as const;

export function chatApi(t: Transport) {
  return {
    rooms: () => t.invoke<ListedRoom[]>("chat_rooms"),
    createRoom: (request: CreateRoom) => t.invoke<ChatRoom>("chat_create_room", { request }),
    join: (roomId: string) => t.invoke<void>("chat_join", { roomId }),
    leave: (roomId: string) => t.invoke<void>("chat_leave", { roomId }),
    conversations: () => t.invoke<DmConversation[]>("chat_conversations"),
    history: (request: MessageHistoryRequest) => t.invoke<MessageHistory>("chat_history", { request }),
    send: (roomId: string, text: string) => t.invoke<MessageSent>("chat_send", { roomId, text }),
    sendDm: (peerId: string, text: string) => t.invoke<MessageSent>("chat_send_dm", { peerId, text }),
    typing: (target: { roomId: string } | { peerId: string }, typing: boolean) =>
      t.invoke<void>("chat_typing", { ...target, typing }),
    markRead: (messageId: string) => t.invoke<void>("chat_mark_read", { messageId }),
    onMessage: (h: (m: ChatMessage) => void): Promise<Unlisten> => t.listen(CHAT_EVENTS.message, h),
    onTyping: (h: (t: ChatTyping) => void): Promise<Unlisten> => t.listen(CHAT_EVENTS.typing, h),
    onRead: (h: (r: MessageRead) => void): Promise<Unlisten> => t.listen(CHAT_EVENTS.read, h),
    onRoom: (h: (r: ChatRoom) => void): Promise<Unlisten> => t.listen(CHAT_EVENTS.room, h),
  };
}
export type ChatApi = ReturnType<typeof chatApi>;
