import { Scenario } from '../harness';
import { articleGeneration } from './article-generation';
import { checkInStorm } from './check-in-storm';
import { dashboardReport } from './dashboard-report';
import { eventReport } from './event-report';
import { invitations } from './invitations';
import { registrationStorm } from './registration-storm';
import { usersMe } from './users-me';

/**
 * Every bench scenario, in the order `npm run bench` runs them. A new scenario is a file in this folder
 * exporting a Scenario, added here.
 */
export const SCENARIOS: Scenario[] = [usersMe, registrationStorm, checkInStorm, eventReport, dashboardReport, articleGeneration, invitations];
