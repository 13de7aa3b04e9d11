/**
 * The `passcode` object Dollr requires on every payout execution: the merchant's passcode (with the
 * phone or user it belongs to) and a description of the device sending it.
 */
import packageJson from '../../../package.json' with { type: 'json' };

export interface PayoutPasscode {
  code: string;
  /** E.164 digits without "+"; give this or userId, as the merchant's portal set-up requires. */
  phone?: string;
  userId?: string;
}

export interface DeviceInfo {
  name: string;
  type: string;
  platform: string;
  userAgent: string;
  clientIp: string;
}

export const USER_AGENT = `dollr-slack/${packageJson.version}`;

export const DEFAULT_DEVICE: DeviceInfo = {
  name: 'dollr-slack',
  type: 'SERVER',
  platform: 'NODE',
  userAgent: USER_AGENT,
  clientIp: '127.0.0.1',
};

/** The wire shape. Holds the passcode: never log it. */
export function passcodeBody(passcode: PayoutPasscode, device: DeviceInfo) {
  // Dollr wants exactly one identifier; the phone wins when both are configured.
  const token = passcode.phone
    ? { code: passcode.code, phone: passcode.phone }
    : { code: passcode.code, user_id: passcode.userId };
  return {
    token,
    device: {
      name: device.name,
      type: device.type,
      platform: device.platform,
      user_agent: device.userAgent,
      client_ip: device.clientIp,
    },
  };
}
