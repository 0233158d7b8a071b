/** Codes of a class raster that are not classes: part of the contract between the runner, its files and the editor. */

/** Class code of pixels the classifier does not decide (exact/near ties, below minProbability). */
export const UNCERTAIN_CODE = 254;
/** Class code of pixels with no data (a missing feature). */
export const NODATA_CODE = 255;
/** Name of the uncertain category wherever areas or transitions are listed. */
export const UNCERTAIN_NAME = 'uncertain';
