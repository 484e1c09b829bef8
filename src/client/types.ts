import type { User } from '../contract/api.js';

export type { PhoneNumber, TokenResponse, User } from '../contract/api.js';

export interface LoginResult {
  user: User;
  isNewUser: boolean;
  /** A guest: known by the device only (Douyin, not logged in to the host app); `login({ force: true })` makes them a user. */
  isGuest: boolean;
}

/** The body of `POST /api/me/decrypt`: a platform's encryptedData and its iv, as the platform gave them. */
export interface EncryptedPayload {
  encryptedData: string;
  iv: string;
}
