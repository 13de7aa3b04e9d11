/** The workspace and app the fake Slack and the Slack sender both pretend to be. */
export const SLACK_TEAM = {
  id: 'T0DOLLR001',
  domain: 'dollr-test',
  appId: 'A0DOLLR001',
  botUserId: 'U0BOT00001',
  botId: 'B0BOT00001',
  /** Slack's legacy verification token, sent in every payload; Bolt ignores it. */
  verificationToken: 'fake-verification-token',
} as const;
