/** The sandbox's workspace: one channel and four people to act as. */

export interface Person {
  id: string;
  name: string;
  /** What the person may do, shown in the user switcher. */
  role: 'requester' | 'approver' | 'not an approver';
}

export const SANDBOX_CHANNEL = { id: 'CSANDFIN01', name: 'finance-ops' } as const;

export const PEOPLE: readonly Person[] = [
  { id: 'U0SANDREQ1', name: 'Ama', role: 'requester' },
  { id: 'U0SANDAPP1', name: 'Kofi', role: 'approver' },
  { id: 'U0SANDAPP2', name: 'Esi', role: 'approver' },
  { id: 'U0SANDYAW1', name: 'Yaw', role: 'not an approver' },
];

export const APPROVER_IDS: readonly string[] = PEOPLE.filter((p) => p.role === 'approver').map((p) => p.id);

export function personById(id: string): Person | undefined {
  return PEOPLE.find((p) => p.id === id);
}

/** The fake Slack's `users` option, so that users.info knows everyone. */
export function fakeSlackUsers(): Record<string, { name: string; real_name: string }> {
  return Object.fromEntries(PEOPLE.map((p) => [p.id, { name: p.name.toLowerCase(), real_name: p.name }]));
}
