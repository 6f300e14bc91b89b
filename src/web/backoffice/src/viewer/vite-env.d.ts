/** Vite's `?url` imports (a file of the build, by its hashed URL), as used for the pdf.js worker. */
declare module '*?url' {
  const src: string;
  export default src;
}
