// `connection_*` commands and the `conn://status` event.
import type { Transport, Unlisten } from "./transport";
import type { ConnStatus } from "./types";
import { EVENTS } from "./events";

export function connectionApi(t: Transport) {
  return {
    status: () => t.invoke<ConnStatus>("connection_status"),
    useEmbedded: () => t.invoke<ConnStatus>("connection_use_embedded"),
    useProfile: (id: string) => t.invoke<ConnStatus>("connection_use_profile", { id }),
    onStatus: (h: (s: ConnStatus) => void): Promise<Unlisten> => t.listen(EVENTS.connStatus, h),
  };
}
export type ConnectionApi = ReturnType<typeof connectionApi>;
