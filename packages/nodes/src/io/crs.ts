/** CRS helpers: proj4 definitions from EPSG codes / WKT, reprojection of polygon rings, .prj parsing. */
import proj4 from 'proj4';
import type { Crs } from '../grid.ts';

export function utmZone(epsg: number): { zone: number; south: boolean } | undefined {
  if (epsg >= 32601 && epsg <= 32660) return { zone: epsg - 32600, south: false };
  if (epsg >= 32701 && epsg <= 32760) return { zone: epsg - 32700, south: true };
  return undefined;
}

export function crsLabel(crs: Crs): string {
  if (crs.epsg !== undefined) return `EPSG:${crs.epsg}`;
  const name = /^\s*\w+\["([^"]+)"/.exec(crs.wkt ?? '')?.[1];
  return name ? `"${name}"` : 'an unnamed CRS';
}

export function crsToProj4(crs: Crs): string {
  const { epsg } = crs;
  if (epsg === 4326) return '+proj=longlat +datum=WGS84 +no_defs';
  if (epsg === 3857) {
    return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs';
  }
  if (epsg !== undefined) {
    const utm = utmZone(epsg);
    if (utm) return `+proj=utm +zone=${utm.zone}${utm.south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  if (crs.wkt) return crs.wkt;
  throw new Error(`unsupported CRS ${crsLabel(crs)}: only EPSG:4326, EPSG:3857, WGS 84 / UTM (326xx, 327xx) or a WKT definition are known`);
}

export function sameCrs(a: Crs, b: Crs): boolean {
  if (a.epsg !== undefined && b.epsg !== undefined) return a.epsg === b.epsg;
  if (a.epsg === undefined && b.epsg === undefined) return (a.wkt ?? '') === (b.wkt ?? '');
  return false;
}

/** Reprojects rings ([ring][point][x,y]) or any nesting of them; returns new arrays. */
export function reprojectRings<T extends number[][][] | number[][][][]>(rings: T, from: Crs, to: Crs): T {
  if (sameCrs(from, to)) return rings;
  let converter: proj4.Converter;
  try {
    converter = proj4(crsToProj4(from), crsToProj4(to));
  } catch (err) {
    throw new Error(`cannot reproject from ${crsLabel(from)} to ${crsLabel(to)}: ${(err as Error).message}`);
  }
  const walk = (v: unknown): unknown => {
    const arr = v as unknown[];
    if (typeof arr[0] === 'number') {
      const p = converter.forward([arr[0] as number, arr[1] as number]);
      return [p[0], p[1]];
    }
    return arr.map(walk);
  };
  return walk(rings) as T;
}

/** Parses the WKT of a .prj file (ESRI or OGC) into a Crs, recognising common EPSG codes. */
export function crsFromPrj(text: string): Crs {
  const wkt = text.trim();
  const epsg = epsgFromWkt(wkt);
  return epsg !== undefined ? { epsg, wkt } : { wkt };
}

function epsgFromWkt(wkt: string): number | undefined {
  // A top-level AUTHORITY["EPSG","x"] / ID["EPSG",x] is the last one in the text (nested ones come first).
  const auth = [...wkt.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
  const head = /^\s*(\w+)\[\s*"([^"]*)"/.exec(wkt);
  const kind = head?.[1].toUpperCase() ?? '';
  const name = head?.[2] ?? '';
  const isProjected = kind === 'PROJCS' || kind === 'PROJCRS';
  if (auth.length) {
    const last = Number(auth[auth.length - 1][1]);
    // In a PROJCS the last authority belongs to the projected CRS unless only the GEOGCS had one.
    if (!isProjected || last !== 4326) return last;
  }
  const utm = /WGS[_ ]?(?:19)?84.*UTM[_ ]zone[_ ](\d{1,2})\s*([NS])/i.exec(name);
  if (utm) return (utm[2].toUpperCase() === 'N' ? 32600 : 32700) + Number(utm[1]);
  if (!isProjected && /WGS[_ ]?(?:19)?84/i.test(name) && (kind === 'GEOGCS' || kind === 'GEOGCRS')) return 4326;
  if (/Pseudo[-_ ]Mercator|Popular[_ ]Visualisation/i.test(name)) return 3857;
  return undefined;
}

/** ESRI WKT for a .prj file (what ArcGIS/GDAL write for these codes). */
export function esriWkt(crs: Crs): string {
  const geog =
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  if (crs.epsg === 4326) return geog;
  const utm = crs.epsg !== undefined ? utmZone(crs.epsg) : undefined;
  if (utm) {
    const cm = -183 + 6 * utm.zone;
    return (
      `PROJCS["WGS_1984_UTM_Zone_${utm.zone}${utm.south ? 'S' : 'N'}",${geog},PROJECTION["Transverse_Mercator"],` +
      `PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",${utm.south ? '10000000.0' : '0.0'}],` +
      `PARAMETER["Central_Meridian",${cm.toFixed(1)}],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
    );
  }
  if (crs.epsg === 3857) {
    return (
      `PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",${geog},PROJECTION["Mercator_Auxiliary_Sphere"],` +
      'PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],' +
      'PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]'
    );
  }
  if (crs.wkt) return crs.wkt;
  throw new Error(`no WKT known for ${crsLabel(crs)}`);
}
