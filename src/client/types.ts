import type { User } from '../contract/api.js';

export type { PhoneNumber, TokenResponse, User } from '../contract/api.js';

export interface LoginResult {
  user: User;
  isNewUser: boolean;
}
