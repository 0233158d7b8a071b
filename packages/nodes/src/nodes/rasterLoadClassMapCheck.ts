/**
 * raster.loadClassMap's checks from the file's header and sidecar (no pixel read), shared by validation and the
 * run: readable, one band of integer codes, class names known and not repeated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { NodeError } from '../define.ts';
import { readTiffHeader, type TiffHeader } from '../io/geotiff/header.ts';
import { categoryNamesFromAux, classesFromDescription } from './classMapNames.ts';

/** The header of the class map, or a NodeError in the run's words. */
export function classMapHeader(file: string, shown: string): TiffHeader {
  let h: TiffHeader;
  try {
    h = readTiffHeader(file);
  } catch (e) {
    const m = (e as Error).message;
    throw new NodeError(`Cannot read ${shown} as a GeoTIFF: ${m.startsWith(`${file}: `) ? m.slice(file.length + 2) : m}`, { param: 'path', file: shown });
  }
  if (h.bandCount !== 1) throw new NodeError(`${shown} has ${h.bandCount} bands; a class map has one band of class codes: choose the class file (e.g. classes.tif), not the probabilities.`, { param: 'path', file: shown });
  if (h.dataType.startsWith('float')) throw new NodeError(`${shown} holds ${h.dataType} values; a class map holds integer class codes (a probability file is not a class map): choose the class file.`, { param: 'path', file: shown });
  return h;
}

/** The class names and where they come from, or a NodeError in the run's words. */
export function classMapClasses(file: string, shown: string, given: string[], descriptions: string[]): { classes: string[]; from: string } {
  let classes = given;
  let from = 'the classes param';
  if (classes.length === 0) {
    const aux = `${file}.aux.xml`;
    classes = existsSync(aux) ? categoryNamesFromAux(readFileSync(aux, 'utf8')) : [];
    from = 'its category names';
    if (classes.length === 0) {
      classes = classesFromDescription(descriptions[0] ?? '');
      from = 'its band description';
    }
    if (classes.length === 0) throw new NodeError(`${shown} names no classes (no category names, no "0=name" band description); list them in the classes param, code 0 first.`, { param: 'classes' });
  }
  if (new Set(classes).size !== classes.length) throw new NodeError(`A class name is listed twice: ${classes.join(', ')}.`, { param: 'classes' });
  return { classes, from };
}
