import { Command, CommanderError } from 'commander';
import { ConfigError } from '../server/config.ts';
import { DataDirBusyError } from '../server/db/data-dir-lock.ts';
import { AppError } from '../server/errors.ts';
import { ImportRefusedError } from '../server/modules/catalog/serial-list-csv.ts';
import { InvalidCampaignError } from '../shared/contracts/campaign-definition.ts';
import { translate } from '../shared/i18n/index.ts';
import { registerCampaignCommands } from './campaign.ts';
import { registerFulfilmentCommands } from './fulfilment.ts';
import { registerJobCommands } from './jobs.ts';
import { registerNoticeCommands } from './notices.ts';
import { registerPrivacyCommands } from './privacy.ts';
import { registerReportCommands } from './report.ts';
import { registerSecretCommands } from './secrets.ts';
import { registerSerialCommands } from './serials.ts';
import { registerServerCommands } from './server.ts';
import { registerStaffCommands } from './staff.ts';
import { registerVerifyCommand, VerifyUsageError } from './verify.ts';

const program = new Command()
  .name('recallkit')
  .description(
    'Run a consumer product recall: campaigns, eligibility lists, lookups, claims and their checks.',
  )
  .showHelpAfterError()
  .exitOverride();

registerServerCommands(program);
registerCampaignCommands(program);
registerSerialCommands(program);
registerJobCommands(program);
registerVerifyCommand(program);
registerStaffCommands(program);
registerPrivacyCommands(program);
registerSecretCommands(program);
registerFulfilmentCommands(program);
registerReportCommands(program);
registerNoticeCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (
    error instanceof DataDirBusyError ||
    error instanceof ConfigError ||
    error instanceof InvalidCampaignError ||
    error instanceof ImportRefusedError ||
    error instanceof VerifyUsageError
  ) {
    console.error(`recallkit: ${error.message}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  if (error instanceof AppError) {
    console.error(`recallkit: ${translate('en', `errors.${error.code}`, error.params)}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
}
