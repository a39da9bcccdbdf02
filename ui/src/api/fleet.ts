// `fleet_snapshot`, `fleet_demo_roads`, the `fleet://positions` stream (a channel: positions,
// vehicle records and open trips, coalesced) and the `fleet://trip` event (trips that close).
import type { FeatureCollection } from "geojson";
import type { Trip } from "../bindings";
import type { Transport, Unlisten } from "./transport";
import type { FleetPositions, FleetSnapshot } from "./types";
import { EVENTS, STREAMS } from "./events";

export function fleetApi(t: Transport) {
  return {
    snapshot: () => t.invoke<FleetSnapshot>("fleet_snapshot"),
    /** The simulated city's streets in embedded demo mode, else null. */
    demoRoads: () => t.invoke<FeatureCollection | null>("fleet_demo_roads"),
    /** Coalesced fleet changes (positions, vehicle records, open trips), over a channel
     * (`fleet_positions_stream`). */
    onPositions: (h: (p: FleetPositions) => void): Promise<Unlisten> =>
      t.stream(
        { start: STREAMS.fleetPositions, handled: STREAMS.fleetPositionsHandled, stop: STREAMS.fleetPositionsStop },
        h,
      ),
    /** Trips as they close (open trips' changes come with the positions). */
    onTrip: (h: (trip: Trip) => void): Promise<Unlisten> => t.listen(EVENTS.fleetTrip, h),
  };
}
export type FleetApi = ReturnType<typeof fleetApi>;
