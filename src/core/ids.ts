/**
 * Users, devices and servers are numbers, never strings, so the hot path builds no keys.
 *
 * - A user id is a non-negative integer (up to about 5e9 in a billion-user deployment).
 * - A user has at most five devices: slot 0 is the primary (the phone), slots 1..4 are companions.
 * - A device key is `userId * 8 + slot`. It stays an exact integer in a double up to user ids
 *   of 2^50, and dividing by 8 is exact in binary floating point, so no precision is lost.
 * - A server id is a small non-negative integer. `NO_SERVER` (-1) means "nowhere".
 */
// The functions below read module-local names: an exported binding is a cell that V8 reloads and
// checks at every use, even inside its own module.
const SLOTS = 8;
const MAX_DEVICES = 5;
const MAX_USER = 2 ** 50 - 1;
const MAX_DEVICE_KEY = MAX_USER * SLOTS + 7;

export const SLOTS_PER_USER = SLOTS;
export const MAX_DEVICES_PER_USER = MAX_DEVICES;
export const PRIMARY_SLOT = 0;
export const NO_SERVER = -1;
/** Largest user id whose device keys stay exact integers in a double. */
export const MAX_USER_ID = MAX_USER;
/** Bit mask with one bit per possible device slot (0..4). */
export const ALL_SLOTS_MASK = 0b11111;

export function deviceKeyOf(userId: number, slot: number): number {
  return userId * SLOTS + slot;
}

export function userOf(deviceKey: number): number {
  // Multiplying by 1/8 is exact in binary floating point and cheaper than dividing.
  return Math.floor(deviceKey * 0.125);
}

export function slotOf(deviceKey: number): number {
  return deviceKey % SLOTS;
}

export function isUserId(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_USER;
}

export function isDeviceKey(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_DEVICE_KEY && value % SLOTS < MAX_DEVICES;
}

export function isServerId(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 2 ** 20;
}
