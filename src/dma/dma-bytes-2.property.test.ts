import { bytesPropertyTests } from './dma-bytes.property.case.js';

bytesPropertyTests(2);
