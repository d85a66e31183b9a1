/**
 * US states (and territories that carry a state-style code) and Canadian
 * provinces → every zone that is official somewhere in them.
 *
 * A state that spans zones lists all of them: an address says which state,
 * not which side of the line, and quiet hours must hold on both sides.
 * Military "states" (AA, AE, AP) are absent: they can be anywhere.
 */
import {
  ALASKA,
  ALEUTIAN,
  ARIZONA,
  ATLANTIC,
  ATLANTIC_NO_DST,
  BC_NORTHEAST,
  CANADA_CENTRAL,
  CANADA_EASTERN,
  CANADA_MOUNTAIN,
  CANADA_PACIFIC,
  CENTRAL,
  EASTERN,
  GUAM,
  HAWAII,
  MOUNTAIN,
  MOUNTAIN_BOISE,
  NEWFOUNDLAND,
  PACIFIC,
  SAMOA,
  SASKATCHEWAN,
  YUKON,
} from './north-american-zones.js';

type ZoneTable = Readonly<Record<string, readonly string[]>>;

function freezeSorted(table: Record<string, string[]>): ZoneTable {
  const out: Record<string, readonly string[]> = {};
  for (const [region, zones] of Object.entries(table)) out[region] = Object.freeze([...new Set(zones)].sort());
  return Object.freeze(out);
}

export const US_STATE_ZONES: ZoneTable = freezeSorted({
  AL: [CENTRAL],
  AK: [ALASKA, ALEUTIAN],
  // The Navajo Nation observes DST; the rest of Arizona does not.
  AZ: [ARIZONA, MOUNTAIN],
  AR: [CENTRAL],
  CA: [PACIFIC],
  CO: [MOUNTAIN],
  CT: [EASTERN],
  DE: [EASTERN],
  DC: [EASTERN],
  FL: [EASTERN, CENTRAL],
  GA: [EASTERN],
  HI: [HAWAII],
  ID: [MOUNTAIN_BOISE, PACIFIC],
  IL: [CENTRAL],
  IN: [EASTERN, CENTRAL],
  IA: [CENTRAL],
  KS: [CENTRAL, MOUNTAIN],
  KY: [EASTERN, CENTRAL],
  LA: [CENTRAL],
  ME: [EASTERN],
  MD: [EASTERN],
  MA: [EASTERN],
  MI: [EASTERN, CENTRAL],
  MN: [CENTRAL],
  MS: [CENTRAL],
  MO: [CENTRAL],
  MT: [MOUNTAIN],
  NE: [CENTRAL, MOUNTAIN],
  NV: [PACIFIC, MOUNTAIN],
  NH: [EASTERN],
  NJ: [EASTERN],
  NM: [MOUNTAIN],
  NY: [EASTERN],
  NC: [EASTERN],
  ND: [CENTRAL, MOUNTAIN],
  OH: [EASTERN],
  OK: [CENTRAL],
  OR: [PACIFIC, MOUNTAIN_BOISE],
  PA: [EASTERN],
  RI: [EASTERN],
  SC: [EASTERN],
  SD: [CENTRAL, MOUNTAIN],
  TN: [EASTERN, CENTRAL],
  TX: [CENTRAL, MOUNTAIN],
  UT: [MOUNTAIN],
  VT: [EASTERN],
  VA: [EASTERN],
  WA: [PACIFIC],
  WV: [EASTERN],
  WI: [CENTRAL],
  WY: [MOUNTAIN],
  // Territories, for platforms that file them as US states.
  AS: [SAMOA],
  GU: [GUAM],
  MP: [GUAM],
  PR: [ATLANTIC_NO_DST],
  VI: [ATLANTIC_NO_DST],
});

export const CA_PROVINCE_ZONES: ZoneTable = freezeSorted({
  AB: [CANADA_MOUNTAIN],
  BC: [CANADA_PACIFIC, CANADA_MOUNTAIN, BC_NORTHEAST],
  MB: [CANADA_CENTRAL],
  NB: [ATLANTIC],
  NL: [NEWFOUNDLAND, ATLANTIC],
  NS: [ATLANTIC],
  NT: [CANADA_MOUNTAIN],
  NU: [CANADA_MOUNTAIN, CANADA_CENTRAL, CANADA_EASTERN],
  ON: [CANADA_EASTERN, CANADA_CENTRAL],
  PE: [ATLANTIC],
  QC: [CANADA_EASTERN, ATLANTIC],
  SK: [SASKATCHEWAN, CANADA_MOUNTAIN],
  YT: [YUKON],
});
