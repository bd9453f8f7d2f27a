/**
 * English words too common to match on: left out of knowledge-base queries (the local index's FTS
 * query and the CLI's snippet highlighting use the same list, so what is highlighted is what matched).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for from has have in is it its of on or that the this to was were will with not no'.split(
    ' ',
  ),
);
