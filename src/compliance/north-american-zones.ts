/**
 * The IANA zones the North American tables below are written in.
 *
 * One zone stands for each distinct set of clock rules, so that a phone and
 * an address in the same place resolve to the same name and deduplicate in
 * `recipientZones`. Zones whose rules are identical today (America/Detroit,
 * America/Kentucky/Louisville, America/Moncton...) are folded into the one
 * named here. Where tzdata itself links a territory to another zone
 * (Anguilla → Puerto_Rico, Bahamas → Toronto) the canonical target is used,
 * which is also what `countries-and-timezones` reports for those countries.
 */

// United States
export const EASTERN = 'America/New_York';
export const CENTRAL = 'America/Chicago';
export const MOUNTAIN = 'America/Denver';
/** Southern Idaho and eastern Oregon: Mountain time with DST. Named apart because tzdata does. */
export const MOUNTAIN_BOISE = 'America/Boise';
/** Arizona outside the Navajo Nation: Mountain Standard Time all year. */
export const ARIZONA = 'America/Phoenix';
export const PACIFIC = 'America/Los_Angeles';
export const ALASKA = 'America/Anchorage';
/** The Aleutians west of 169°30′W. */
export const ALEUTIAN = 'America/Adak';
export const HAWAII = 'Pacific/Honolulu';

// Canada
export const CANADA_EASTERN = 'America/Toronto';
export const CANADA_CENTRAL = 'America/Winnipeg';
/** Most of Saskatchewan: Central Standard Time all year. */
export const SASKATCHEWAN = 'America/Regina';
export const CANADA_MOUNTAIN = 'America/Edmonton';
/** North-eastern British Columbia: Mountain Standard Time all year. */
export const BC_NORTHEAST = 'America/Dawson_Creek';
export const CANADA_PACIFIC = 'America/Vancouver';
/** Yukon: Mountain Standard Time all year since 2020. */
export const YUKON = 'America/Whitehorse';
export const ATLANTIC = 'America/Halifax';
export const NEWFOUNDLAND = 'America/St_Johns';

// Caribbean and Pacific members of the NANP
export const ATLANTIC_NO_DST = 'America/Puerto_Rico';
export const BAHAMAS = 'America/Toronto';
export const BARBADOS = 'America/Barbados';
export const BERMUDA = 'Atlantic/Bermuda';
export const CAYMAN = 'America/Panama';
export const DOMINICAN_REPUBLIC = 'America/Santo_Domingo';
export const JAMAICA = 'America/Jamaica';
export const TURKS_AND_CAICOS = 'America/Grand_Turk';
export const GUAM = 'Pacific/Guam';
export const SAMOA = 'Pacific/Pago_Pago';
