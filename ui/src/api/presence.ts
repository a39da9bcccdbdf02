// `presence_list` and the `presence://list` event.
import type { PresenceUser } from "../bindings";
import type { Transport, Unlisten } from "./transport";
import { EVENTS } from "./events";

export function presenceApi(t: Transport) {
  return {
    list: () => t.invoke<PresenceUser[]>("presence_list"),
    onList: (h: (users: PresenceUser[]) => void): Promise<Unlisten> =>
      t.listen(EVENTS.presenceList, h),
  };
}
export type PresenceApi = ReturnType<typeof presenceApi>;
