import { createTestDatabase } from '../support/test-databases.js';
import { defineStoreConformance } from './conformance.js';

defineStoreConformance('sqlite', () => createTestDatabase('sqlite'));
