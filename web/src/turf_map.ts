// A turf drawn on a map without a base layer: no tile server is reachable from a field
// office's laptop (nor needed), so the map is our own data only — the turf's outline (the
// convex hull of its doors), the walking route through its doors in walk order, and each
// door as a dot, green once someone there has a result, numbered in a tooltip. Leaflet
// (from npm) does the projection, zoom and pan; a scale bar gives distances.

import L from "leaflet";
import "leaflet/dist/leaflet.css";

export interface MapStop {
  stop: number;
  address: string;
  lat?: number;
  lon?: number;
  reached: boolean;
}

type Point = [number, number]; // [lat, lon]

// The convex hull of `points` (Andrew's monotone chain), counter-clockwise.
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point) =>
    (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  upper.pop();
  lower.pop();
  return [...lower, ...upper];
}

export class TurfMap {
  readonly element: HTMLElement;
  private map: L.Map | null = null;
  private layers: L.LayerGroup | null = null;
  private shown = "";

  constructor() {
    this.element = document.createElement("div");
    this.element.className = "turf-map";
    this.element.dataset.testid = "turf-map";
  }

  // Draws `stops` of turf `list`; the view is fitted to them when the turf changes.
  draw(list: string, stops: MapStop[]): void {
    const located = stops.filter(
      (s): s is MapStop & { lat: number; lon: number } => s.lat !== undefined && s.lon !== undefined,
    );
    this.element.dataset.doors = String(located.length);
    if (located.length === 0) {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    if (!this.map) {
      this.map = L.map(this.element, { attributionControl: false, zoomSnap: 0.25 });
      L.control.scale({ metric: true, imperial: true }).addTo(this.map);
      this.layers = L.layerGroup().addTo(this.map);
    }
    const layers = this.layers!;
    layers.clearLayers();
    const points: Point[] = located.map((s) => [s.lat, s.lon]);
    const hull = convexHull(points);
    if (hull.length >= 3) {
      L.polygon(hull, { color: "#1f3a5f", weight: 2, fillOpacity: 0.06 }).addTo(layers);
    }
    L.polyline(points, { color: "#c2410c", weight: 2, dashArray: "4 4" }).addTo(layers);
    for (const s of located) {
      L.circleMarker([s.lat, s.lon], {
        radius: 6,
        color: "#1b1f24",
        weight: 1,
        fillColor: s.reached ? "#1f7a3a" : "#c9d0d9",
        fillOpacity: 1,
      })
        .bindTooltip(`${s.stop}. ${s.address}${s.reached ? " (reached)" : ""}`)
        .addTo(layers);
    }
    if (this.shown !== list) {
      this.map.fitBounds(L.latLngBounds(points), { padding: [16, 16], maxZoom: 19 });
      this.shown = list;
    }
    this.map.invalidateSize();
  }
}
