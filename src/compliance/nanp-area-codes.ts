/**
 * Geographic area codes of the North American Numbering Plan (+1) and the
 * zones their subscribers can be in.
 *
 * An area code that straddles a time-zone line lists every zone it touches,
 * because quiet hours must hold wherever the recipient may be; a wrong guess
 * in the permissive direction is a texting-at-night violation, a wrong guess
 * in the strict direction only delays a message.
 *
 * Coverage: the geographic codes in service as of late 2025 (cross-checked
 * against the numbers libphonenumber accepts as valid). Non-geographic codes
 * (toll-free, 5XX, 600, 900) are absent on purpose: they say nothing about
 * where anyone is. Two codes valid in libphonenumber could not be placed
 * with confidence and are left out until they are: 273 (CA) and 748 (US).
 * An absent code resolves to no zone, and the caller falls back to the
 * address, the provider's region or the merchant's default.
 *
 * Deliberate simplifications:
 * - Places that unofficially keep a neighbour's time (Phenix City AL, Kenton
 *   OK) are placed by their official zone; listing the neighbour would cost
 *   the whole area code an hour of its window for a few towns.
 * - Places whose clocks always sit between two zones already listed for the
 *   same code (Atikokan ON, Blanc-Sablon QC, Southampton Island NU) are not
 *   listed: they cannot change an intersection of windows.
 */
import {
  ALASKA,
  ALEUTIAN,
  ARIZONA,
  ATLANTIC,
  ATLANTIC_NO_DST,
  BAHAMAS,
  BARBADOS,
  BC_NORTHEAST,
  BERMUDA,
  CANADA_CENTRAL,
  CANADA_EASTERN,
  CANADA_MOUNTAIN,
  CANADA_PACIFIC,
  CAYMAN,
  CENTRAL,
  DOMINICAN_REPUBLIC,
  EASTERN,
  GUAM,
  HAWAII,
  JAMAICA,
  MOUNTAIN,
  MOUNTAIN_BOISE,
  NEWFOUNDLAND,
  PACIFIC,
  SAMOA,
  SASKATCHEWAN,
  TURKS_AND_CAICOS,
  YUKON,
} from './north-american-zones.js';

export interface AreaCodeInfo {
  /** ISO 3166-1 alpha-2 of the country or territory the code serves. */
  country: string;
  /** ISO 3166-2 subdivisions (without the country prefix) the code serves; empty outside the US and Canada. */
  regions: readonly string[];
  /** Every zone a subscriber of this code may be in, sorted. */
  zones: readonly string[];
}

interface Group {
  country: string;
  regions: readonly string[];
  /** Space-separated, to keep the table readable. */
  codes: string;
  zones: readonly string[];
}

const US = (region: string, codes: string, ...zones: string[]): Group => ({ country: 'US', regions: [region], codes, zones });
const CA = (regions: string | readonly string[], codes: string, ...zones: string[]): Group => ({
  country: 'CA',
  regions: typeof regions === 'string' ? [regions] : regions,
  codes,
  zones,
});
const NANP = (country: string, codes: string, zone: string): Group => ({ country, regions: [], codes, zones: [zone] });

const GROUPS: readonly Group[] = [
  US('AL', '205 251 256 334 659 938', CENTRAL),
  US('AK', '907', ALASKA, ALEUTIAN),
  US('AZ', '480 520 602 623', ARIZONA),
  // Northern Arizona includes the Navajo Nation, which observes DST.
  US('AZ', '928', ARIZONA, MOUNTAIN),
  US('AR', '327 479 501 870', CENTRAL),
  US('CA', '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669', PACIFIC),
  US('CA', '707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951', PACIFIC),
  US('CO', '303 719 720 970 983', MOUNTAIN),
  US('CT', '203 475 860 959', EASTERN),
  US('DE', '302', EASTERN),
  US('DC', '202 771', EASTERN),
  US('FL', '239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954', EASTERN),
  // The panhandle west of the Apalachicola River is on Central time.
  US('FL', '448 850', EASTERN, CENTRAL),
  US('GA', '229 404 470 478 678 706 762 770 912 943', EASTERN),
  US('HI', '808', HAWAII),
  // The panhandle north of the Salmon River is on Pacific time.
  US('ID', '208 986', MOUNTAIN_BOISE, PACIFIC),
  US('IL', '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 872', CENTRAL),
  US('IN', '260 317 463 765', EASTERN),
  // The north-west (Gary) and south-west (Evansville) corners are on Central time.
  US('IN', '219 574 812 930', EASTERN, CENTRAL),
  US('IA', '319 515 563 641 712', CENTRAL),
  US('KS', '316 913', CENTRAL),
  // Four western counties are on Mountain time.
  US('KS', '620 785', CENTRAL, MOUNTAIN),
  US('KY', '502 859', EASTERN),
  US('KY', '270 364 606', EASTERN, CENTRAL),
  US('LA', '225 318 337 504 985', CENTRAL),
  US('ME', '207', EASTERN),
  US('MD', '227 240 301 410 443 667', EASTERN),
  US('MA', '339 351 413 508 617 774 781 857 978', EASTERN),
  US('MI', '231 248 269 313 517 586 616 679 734 810 947 989', EASTERN),
  // Four Upper Peninsula counties on the Wisconsin border are on Central time.
  US('MI', '906', EASTERN, CENTRAL),
  US('MN', '218 320 507 612 651 763 952', CENTRAL),
  US('MS', '228 601 662 769', CENTRAL),
  US('MO', '235 314 417 557 573 636 660 816 975', CENTRAL),
  US('MT', '406', MOUNTAIN),
  US('NE', '402 531', CENTRAL),
  US('NE', '308', CENTRAL, MOUNTAIN),
  US('NV', '702 725', PACIFIC),
  // West Wendover is on Mountain time.
  US('NV', '775', PACIFIC, MOUNTAIN),
  US('NH', '603', EASTERN),
  US('NJ', '201 551 609 640 732 848 856 862 908 973', EASTERN),
  US('NM', '505 575', MOUNTAIN),
  US('NY', '212 315 329 332 347 363 516 518 585 607 631 646 680 716 718 838 845 914 917 929 934', EASTERN),
  US('NC', '252 336 472 704 743 828 910 919 980 984', EASTERN),
  US('ND', '701', CENTRAL, MOUNTAIN),
  US('OH', '216 220 234 283 326 330 380 419 440 513 567 614 740 937', EASTERN),
  US('OK', '405 539 572 580 918', CENTRAL),
  US('OR', '503 971', PACIFIC),
  // Malheur County is on Mountain time.
  US('OR', '458 541', PACIFIC, MOUNTAIN_BOISE),
  US('PA', '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878', EASTERN),
  US('RI', '401', EASTERN),
  US('SC', '803 821 839 843 854 864', EASTERN),
  US('SD', '605', CENTRAL, MOUNTAIN),
  US('TN', '615 629 731 901', CENTRAL),
  US('TN', '865', EASTERN),
  US('TN', '423 931', EASTERN, CENTRAL),
  US('TX', '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832', CENTRAL),
  US('TX', '903 936 940 945 956 972 979', CENTRAL),
  US('TX', '915', MOUNTAIN),
  US('UT', '385 435 801', MOUNTAIN),
  US('VT', '802', EASTERN),
  US('VA', '276 434 540 571 686 703 757 804 826 948', EASTERN),
  US('WA', '206 253 360 425 509 564', PACIFIC),
  US('WV', '304 681', EASTERN),
  US('WI', '262 274 353 414 534 608 715 920', CENTRAL),
  US('WY', '307', MOUNTAIN),

  CA('AB', '368 403 587 780 825', CANADA_MOUNTAIN),
  CA('BC', '604', CANADA_PACIFIC),
  // The East Kootenay keeps Mountain time with DST; the Peace River region keeps MST all year.
  CA('BC', '236 250 257 672 778', CANADA_PACIFIC, CANADA_MOUNTAIN, BC_NORTHEAST),
  CA('MB', '204 431 584', CANADA_CENTRAL),
  CA('NB', '428 506', ATLANTIC),
  // Labrador is mostly on Atlantic time.
  CA('NL', '709 879', NEWFOUNDLAND, ATLANTIC),
  CA(['NS', 'PE'], '782 902', ATLANTIC),
  CA('ON', '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 942', CANADA_EASTERN),
  // North-western Ontario (Kenora, Dryden) is on Central time.
  CA('ON', '807', CANADA_EASTERN, CANADA_CENTRAL),
  CA('QC', '263 354 438 450 468 514 579 819 873', CANADA_EASTERN),
  // The Magdalen Islands are on Atlantic time.
  CA('QC', '367 418 581', CANADA_EASTERN, ATLANTIC),
  // Lloydminster keeps Alberta's time.
  CA('SK', '306 474 639', SASKATCHEWAN, CANADA_MOUNTAIN),
  CA(['YT', 'NT', 'NU'], '867', YUKON, CANADA_MOUNTAIN, CANADA_CENTRAL, CANADA_EASTERN),

  NANP('AG', '268', ATLANTIC_NO_DST),
  NANP('AI', '264', ATLANTIC_NO_DST),
  NANP('AS', '684', SAMOA),
  NANP('BB', '246', BARBADOS),
  NANP('BM', '441', BERMUDA),
  NANP('BS', '242', BAHAMAS),
  NANP('DM', '767', ATLANTIC_NO_DST),
  NANP('DO', '809 829 849', DOMINICAN_REPUBLIC),
  NANP('GD', '473', ATLANTIC_NO_DST),
  NANP('GU', '671', GUAM),
  NANP('JM', '658 876', JAMAICA),
  NANP('KN', '869', ATLANTIC_NO_DST),
  NANP('KY', '345', CAYMAN),
  NANP('LC', '758', ATLANTIC_NO_DST),
  NANP('MP', '670', GUAM),
  NANP('MS', '664', ATLANTIC_NO_DST),
  NANP('PR', '787 939', ATLANTIC_NO_DST),
  NANP('SX', '721', ATLANTIC_NO_DST),
  NANP('TC', '649', TURKS_AND_CAICOS),
  NANP('TT', '868', ATLANTIC_NO_DST),
  NANP('VC', '784', ATLANTIC_NO_DST),
  NANP('VG', '284', ATLANTIC_NO_DST),
  NANP('VI', '340', ATLANTIC_NO_DST),
];

export class DuplicateAreaCodeError extends Error {
  readonly code = 'duplicate_area_code';
  constructor(areaCode: string) {
    super(`area code ${areaCode} is listed twice in the NANP table`);
    this.name = 'DuplicateAreaCodeError';
  }
}

function buildTable(groups: readonly Group[]): ReadonlyMap<string, AreaCodeInfo> {
  const table = new Map<string, AreaCodeInfo>();
  for (const group of groups) {
    const info: AreaCodeInfo = Object.freeze({
      country: group.country,
      regions: Object.freeze([...group.regions]),
      zones: Object.freeze([...new Set(group.zones)].sort()),
    });
    for (const code of group.codes.split(' ')) {
      // A code in two groups would silently take the later group's zones; fail at load instead.
      if (table.has(code)) throw new DuplicateAreaCodeError(code);
      table.set(code, info);
    }
  }
  return table;
}

/** Area code (three digits) → where its subscribers are. */
export const NANP_AREA_CODES: ReadonlyMap<string, AreaCodeInfo> = buildTable(GROUPS);
