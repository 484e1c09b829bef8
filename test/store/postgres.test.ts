import { createTestDatabase } from '../support/test-databases.js';
import { defineStoreConformance } from './conformance.js';

defineStoreConformance('postgres', () => createTestDatabase('postgres'));
