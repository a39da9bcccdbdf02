// Geofences on the fleet map: the list (in the FleetStore, from the snapshot, kept live by
// `fleet://geofences`), show/hide (remembered), drawing a new one, and deleting.
import type { GeofencesApi } from "../api/alerts";
import { errorMessage, type Unlisten } from "../api/transport";
import { addPoint, draftProblem, emptyDraft, toRequest, undo, type Draft, type LatLng, type Shape } from "../map/geofenceDraft";
import type { FleetStore } from "./fleet.svelte";

export const VISIBLE_KEY = "opsdeck.geofences.visible";

type KeyValue = Pick<Storage, "getItem" | "setItem">;

function defaultStorage(): KeyValue | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export class GeofenceStore {
  visible = $state(true);
  draft = $state.raw<Draft | null>(null);
  name = $state("");
  saving = $state(false);
  error = $state<string | null>(null);
  deleting = $state<string | null>(null);
  problem: string | null = $derived(this.draft ? draftProblem(this.draft, this.name) : null);
  private unlisten: Unlisten[] = [];
  private stopped = false;

  constructor(
    private api: GeofencesApi,
    private fleet: FleetStore,
    private storage: KeyValue | null = defaultStorage(),
  ) {
    this.visible = storage?.getItem(VISIBLE_KEY) !== "false";
  }

  async start(): Promise<void> {
    const u = await this.api.onList((list) => (this.fleet.geofences = list));
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  setVisible(v: boolean): void {
    this.visible = v;
    this.storage?.setItem(VISIBLE_KEY, String(v));
  }

  begin(shape: Shape): void {
    this.draft = emptyDraft(shape);
    this.error = null;
    // Drawing something nobody can see would be confusing.
    if (!this.visible) this.setVisible(true);
  }

  cancel(): void {
    this.draft = null;
    this.name = "";
    this.error = null;
  }

  /** A click on the map while drawing. */
  click(p: LatLng): void {
    if (this.draft) this.draft = addPoint(this.draft, p);
  }

  undo(): void {
    if (this.draft) this.draft = undo(this.draft);
  }

  /** The circle form's fields (typed centre and radius). */
  setCircle(lat: number | null, lng: number | null, radiusM: number | null): void {
    if (this.draft?.shape !== "circle") return;
    const center: LatLng | null = lat === null || lng === null ? null : [lat, lng];
    this.draft = { shape: "circle", center, radiusM };
  }

  async save(): Promise<boolean> {
    const d = this.draft;
    if (!d || this.problem || this.saving) return false;
    this.saving = true;
    this.error = null;
    try {
      this.fleet.geofences = await this.api.create(toRequest(d, this.name));
      this.draft = null;
      this.name = "";
      return true;
    } catch (e) {
      this.error = errorMessage(e);
      return false;
    } finally {
      this.saving = false;
    }
  }

  async remove(id: string): Promise<void> {
    if (this.deleting) return;
    this.deleting = id;
    this.error = null;
    try {
      this.fleet.geofences = await this.api.remove(id);
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.deleting = null;
    }
  }
}
