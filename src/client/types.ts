/** The server's user, as `GET /api/me` and the token responses carry it. */
export interface User {
  id: string;
  nickname: string | null;
  avatarUrl: string | null;
  phoneBound: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PhoneNumber {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** `POST /api/auth/login` and `/refresh` answer this. */
export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
  isNewUser: boolean;
}

export interface LoginResult {
  user: User;
  isNewUser: boolean;
}
