// `server_*` commands and the `admin://stats` event (the Server screen).
import type { SocketInfo, Stats } from "../bindings";
import type { MintedToken, MintRequest, ServerAddresses } from "../bindings/app";
import type { Transport, Unlisten } from "./transport";

export const ADMIN_STATS = "admin://stats";

export function serverApi(t: Transport) {
  return {
    sockets: () => t.invoke<SocketInfo[]>("server_sockets"),
    disconnect: (socketId: string) => t.invoke<void>("server_disconnect", { socketId }),
    addresses: () => t.invoke<ServerAddresses>("server_addresses"),
    mint: (request: MintRequest) => t.invoke<MintedToken>("server_mint_token", { request }),
    onStats: (h: (s: Stats) => void): Promise<Unlisten> => t.listen(ADMIN_STATS, h),
  };
}
export type ServerApi = ReturnType<typeof serverApi>;
