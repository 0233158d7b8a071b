/** The typed arrays a raster band or window is read into (one per GeoTIFF sample format and bit depth). */
export type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
